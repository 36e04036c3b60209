"""EndNote refer (%0) exports of CNKI and Wanfang. No public sample exists: the fixtures
re-express the real CNKI E-Study and Wanfang NoteExpress samples' records (SOURCES.md), so
each test also checks the fields agree with the reading of the original export."""

from pathlib import Path

from reviews.importers import cnki, endnote_refer, noteexpress
from reviews.importers.decoding import detect_encoding, numbered_lines, read_head

IMPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
CNKI_REFER = IMPORTS / "cnki" / "cnki_endnote_synthetic.txt"
WANFANG_REFER = IMPORTS / "wanfang" / "wanfang_endnote_synthetic.txt"
SHARED_FIELDS = ("title", "authors", "journal", "year", "volume", "issue", "pages", "keywords")


def read(module, path: Path):
    return list(module.parse(numbered_lines(path, detect_encoding(read_head(path)))))


def read_text(text: str):
    return list(endnote_refer.parse(enumerate(text.split("\n"), start=1)))


def fields(record, names=SHARED_FIELDS):
    return {name: getattr(record, name) for name in names}


def test_cnki_export():
    records = read(endnote_refer, CNKI_REFER)
    assert [r.line for r in records] == [1, 17, 28]
    first = records[0]
    assert first.title == "1例卡培他滨与苯妥英钠相互作用致乳腺癌合并癫痫患者小脑功能障碍的病例分析"
    assert first.authors == ["柯洪琴", "陈璿英", "王启斌"]
    assert (first.journal, first.year, first.volume, first.issue) == ("中南药学", 2021, "19", "01")
    assert first.keywords == ["苯妥英钠", "卡培他滨", "相互作用", "小脑功能障碍", "不良反应"]
    assert first.other_ids["cnki"] == "ZNYX202101034"
    assert first.language == "chi"
    assert first.publication_type == "Journal Article"
    assert first.abstract.startswith("苯妥英钠作为一种传统抗癫痫药物")  # "<正>" dropped
    assert records[1].authors == []


def test_cnki_export_agrees_with_the_estudy_export_of_the_same_records():
    original = read(cnki, IMPORTS / "cnki" / "mrhelper_demo_cnki_202101_estudy.txt")[:3]
    refer = read(endnote_refer, CNKI_REFER)
    assert [fields(r) for r in refer] == [fields(r) for r in original]
    assert [r.other_ids for r in refer] == [r.other_ids for r in original]
    assert [r.abstract for r in refer] == [r.abstract for r in original]


def test_wanfang_export_with_translated_title_doi_and_issn():
    records = read(endnote_refer, WANFANG_REFER)
    assert [r.line for r in records] == [1, 20, 41]
    first, second = records[0], records[1]
    assert first.translated_title.startswith("Influence of ultrasound-guided serratus plane block")
    assert first.authors == ["江文杰", "韩超", "顾达民"]  # repeated %A lines
    assert first.keywords == ["前锯肌平面阻滞", "乳腺癌改良根治术", "基质金属蛋白酶"]
    assert first.other_ids["wanfang"] == "lcjyzz-d202001100"
    assert second.doi == "10.3969/j.issn.1672-9676.2020.01.039"
    assert second.other_ids["issn"] == "1672-9676"
    assert second.language == "chi"


def test_wanfang_export_agrees_with_the_noteexpress_export_of_the_same_records():
    original = read(
        noteexpress, IMPORTS / "wanfang" / "mrhelper_demo_wanfang_202101_noteexpress.net"
    )
    names = (*SHARED_FIELDS, "doi", "other_ids", "translated_title", "abstract")
    assert [fields(r, names) for r in read(endnote_refer, WANFANG_REFER)] == [
        fields(r, names) for r in original[:3]
    ]


def test_semicolon_separated_authors_and_wrapped_abstract():
    [record] = read_text(
        "%0 Journal Article\n%A 郝国强;黄惠群\n%T 题名\n%X first line of the abstract\n"
        "second line of the abstract\n%D 2025"
    )
    assert record.authors == ["郝国强", "黄惠群"]
    assert record.abstract == "first line of the abstract second line of the abstract"
    assert record.year == 2025


def test_a_record_without_its_type_line_after_a_blank_line_is_its_own_record():
    records = read_text(
        "%0 Journal Article\n%T 第一篇\n\n%T 第二篇\n%A 张三\n\n%0 Thesis\n%T 第三篇"
    )
    assert [r.title for r in records] == ["第一篇", "第二篇", "第三篇"]
    assert [r.line for r in records] == [1, 4, 7]
    assert records[1].publication_type == ""


def test_a_record_without_its_type_line_is_read_with_a_warning():
    records = read_text(
        "%0 Journal Article\n%T 第一篇\n\n%T 第二篇\n%A 张三\n\n%0 Thesis\n%T 第三篇"
    )
    assert [r.warnings for r in records] == [[], ["no %0 line (record type unknown)"], []]


def test_a_record_without_its_type_line_or_a_blank_line_before_it_is_its_own_record():
    records = read_text(
        "%0 Journal Article\n%T 第一篇\n%A 张三\n%T 第二篇\n%A 李四\n\n%0 Thesis\n%T 第三篇"
    )
    assert [(r.title, r.authors, r.line) for r in records] == [
        ("第一篇", ["张三"], 1),
        ("第二篇", ["李四"], 4),
        ("第三篇", [], 7),
    ]
    assert [r.warnings for r in records] == [[], ["no %0 line (record type unknown)"], []]


def test_record_without_title_is_read_with_an_empty_title():
    [record] = read_text("%0 Journal Article\n%A 张三\n%D 2020")
    assert record.title == ""
    assert record.authors == ["张三"]


def test_sniff_recognises_refer_files():
    for path in (CNKI_REFER, WANFANG_REFER):
        assert endnote_refer.sniff(read_head(path).decode("utf-8"))
