"""NoteExpress exports from CNKI (Vopaaz/CNKI_2_BibTeX) and Wanfang (dearfad/mrhelper)."""

from pathlib import Path

import pytest

from reviews.importers import noteexpress
from reviews.importers.decoding import detect_encoding, numbered_lines, read_head

IMPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
CNKI = IMPORTS / "cnki"
WANFANG = IMPORTS / "wanfang" / "mrhelper_demo_wanfang_202101_noteexpress.net"


def read(path: Path):
    return list(noteexpress.parse(numbered_lines(path, detect_encoding(read_head(path)))))


def read_text(text: str):
    return list(noteexpress.parse(enumerate(text.split("\n"), start=1)))


def test_wanfang_repeated_author_and_keyword_lines():
    records = read(WANFANG)
    assert len(records) == 20
    first = records[0]
    assert first.title == "超声引导下前锯肌平面阻滞对乳腺癌改良根治术术后肿瘤转移、复发的影响"
    assert first.translated_title == (
        "Influence of ultrasound-guided serratus plane block on metastasis and recurrence of "
        "breast cancer after modified radical mastectomy"
    )
    assert first.authors == ["江文杰", "韩超", "顾达民"]
    assert first.keywords == ["前锯肌平面阻滞", "乳腺癌改良根治术", "基质金属蛋白酶"]
    assert first.journal == "临床检验杂志（电子版）"
    assert (first.year, first.volume, first.issue, first.pages) == (2020, "9", "1", "117-118")
    assert first.language == "chi"
    assert first.other_ids["wanfang"] == "lcjyzz-d202001100"
    assert first.abstract.startswith("目的 探讨超声引导下前锯肌平面(SP)阻滞")


def test_wanfang_doi_issn_and_record_lines():
    records = read(WANFANG)
    assert [r.line for r in records[:5]] == [1, 27, 52, 79, 105]
    second = records[1]
    assert second.doi == "10.3969/j.issn.1672-9676.2020.01.039"
    assert second.other_ids == {
        "url": "http://www.wanfangdata.com.cn/details/detail.do?_type=perio&id=tlsjyyj202001040",
        "wanfang": "tlsjyyj202001040",
        "issn": "1672-9676",
    }
    assert records[0].doi == ""


def test_wanfang_full_width_doi_is_normalised():
    # The export has "10.3969／j.issn.1672－187X.2020.01.017" with full-width / and -.
    record = read(WANFANG)[11]
    assert "10.3969／j.issn.1672－187X" in record.raw
    assert record.doi == "10.3969/j.issn.1672-187x.2020.01.017"


def test_cnki_semicolon_lists_full_width_colons_and_corporate_authors():
    [record] = read(CNKI / "cnki2bibtex_ChineseColon.net")
    assert record.title == "软组织肉瘤诊治中国专家共识(2015年版)"
    assert record.translated_title == (
        "Chinese expert consensus on diagnosis and treatment of soft tissue sarcomas (Version 2015)"
    )
    assert record.authors == ["中国抗癌协会肉瘤专业委员会", "中国临床肿瘤学会"]
    assert record.keywords == ["肉瘤", "软组织肿瘤", "诊断", "治疗", "规范"]  # "；" separators
    assert record.abstract.startswith("软组织肉瘤是一类间叶来源的恶性肿瘤")  # "{Abstract}："
    assert record.other_ids["issn"] == "0253-3766"  # "{ISBN/ISSN}:0253-3766"
    assert record.language == "chi"
    assert (record.year, record.issue, record.pages) == (2016, "4", "310-320")


def test_cnki_line_break_markers_become_line_breaks():
    first = read(CNKI / "cnki2bibtex_CoverAllTest15Entries.net")[0]
    assert "(#br)" in first.raw
    assert first.abstract.startswith("Abstract\nThis research examines the housing market")
    assert "(#br)" not in first.abstract


def test_cnki_every_document_type():
    records = read(CNKI / "cnki2bibtex_CoverAllTest15Entries.net")
    assert [r.line for r in records] == [
        1,
        14,
        29,
        41,
        53,
        68,
        79,
        88,
        95,
        102,
        115,
        127,
        136,
        151,
        164,
    ]
    assert [r.publication_type for r in records[:7]] == [
        "Journal Article",
        "Journal Article",
        "Thesis",
        "Thesis",
        "Conference Proceedings",
        "Newspaper Article",
        "Book",
    ]
    english, thesis, conference, newspaper = records[0], records[2], records[4], records[5]
    assert english.authors == ["Youngre Noh"]
    assert english.language == ""  # English title, no {Language}: not guessed
    assert english.volume == "183"
    assert thesis.keywords[:3] == ["铁路运输", "“门到门”货运产品", "产品设计"]  # ";;" separators
    assert conference.journal == "2018中国城市规划年会"  # {Secondary Title}
    assert (newspaper.journal, newspaper.year, newspaper.pages) == ("人民铁道", 2019, "A01")


def test_cnki_comma_separated_keywords_of_yearbook_records():
    record = read(CNKI / "cnki2bibtex_CoverAllTest15Entries.net")[8]
    assert record.keywords[:4] == ["万人", "capita", "Number", "income"]
    assert record.year is None


def test_cnki_blank_lines_inside_an_address_do_not_split_the_record():
    records = read(CNKI / "cnki2bibtex_mixed.net")
    assert len(records) == 12
    assert [r.line for r in records[-3:]] == [132, 155, 188]
    older = records[9]
    assert older.title == "基于公共行政理念的政府公共关系发展历程探析"
    assert older.authors == ["谢昕", "王小增"]  # older CNKI records separate names by commas
    assert older.journal == "湖北社会科学"
    assert older.keywords == ["政府公共关系", "公共行政", "发展历程", "理念"]


def test_cnki_file_with_cr_and_crlf_line_ends():
    path = CNKI / "cnki2bibtex_withLineBreakInAddress.net"
    assert b"\r\r" in path.read_bytes() and b"\r\n" in path.read_bytes()
    [record] = read(path)
    assert record.title == "基于公共行政理念的政府公共关系发展历程探析"
    assert record.authors == ["谢昕", "王小增"]
    assert (record.year, record.issue, record.pages) == (2005, "09", "14-16")
    assert record.other_ids == {"issn": "1003-8477"}


def test_record_without_title_is_read_with_an_empty_title():
    records = read_text(
        "{Reference Type}: Journal Article\n{Author}: 张三\n\n"
        "{Reference Type}: Journal Article\n{Title}: 第二篇"
    )
    assert [r.title for r in records] == ["", "第二篇"]
    assert [r.line for r in records] == [1, 4]


def test_a_record_before_the_first_reference_type_is_read_with_a_warning():
    records = read_text("{Title}: 缺少类型行\n{Reference Type}: Journal Article\n{Title}: 第二篇")

    assert [(r.title, r.line, r.publication_type) for r in records] == [
        ("缺少类型行", 1, ""),
        ("第二篇", 2, "Journal Article"),
    ]
    assert [r.warnings for r in records] == [["no {Reference Type} line"], []]


def test_a_record_whose_reference_type_line_was_lost_mid_file_is_read_with_a_warning():
    text = (
        "{Reference Type}: Journal Article\n{Title}: 第一篇\n{Author}: 张三\n{Year}: 2001\n"
        "{Title}: 第二篇\n{Author}: 李四\n{Year}: 2002\n\n"
        "{Reference Type}: Thesis\n{Title}: 第三篇\n{Year}: 2003"
    )

    records = read_text(text)

    assert [(r.title, r.authors, r.year, r.line) for r in records] == [
        ("第一篇", ["张三"], 2001, 1),
        ("第二篇", ["李四"], 2002, 5),
        ("第三篇", [], 2003, 9),
    ]
    assert [r.warnings for r in records] == [[], ["no {Reference Type} line"], []]


@pytest.mark.parametrize(
    "path",
    [
        *sorted(CNKI.glob("*.net")),
        WANFANG,
        IMPORTS / "wanfang" / "noteexpress_gb18030_crlf.net",
        IMPORTS / "wanfang" / "noteexpress_mixed_line_ends.net",
    ],
    ids=lambda path: path.name,
)
def test_sniff_recognises_noteexpress_files(path):
    head = read_head(path).decode(detect_encoding(read_head(path)), errors="ignore")
    assert noteexpress.sniff(head)
