"""CNKI's E-Study text export, read from a real export (dearfad/mrhelper, see SOURCES.md)."""

from pathlib import Path

import pytest

from reviews.importers import cnki
from reviews.importers.base import ParsedRecord, Skipped
from reviews.importers.decoding import detect_encoding, numbered_lines, read_head

CNKI = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "cnki"
ESTUDY = CNKI / "mrhelper_demo_cnki_202101_estudy.txt"


def read(path: Path):
    return list(cnki.parse(numbered_lines(path, detect_encoding(read_head(path)))))


def read_text(text: str):
    return list(cnki.parse(enumerate(text.split("\n"), start=1)))


def test_reads_every_record_of_a_real_export_without_blank_lines():
    records = read(ESTUDY)
    assert len(records) == 20
    assert [r.line for r in records[:4]] == [1, 16, 27, 39]
    assert records[-1].title == "新型抗体偶联药物607-LDM的制备及抗肿瘤活性研究"


def test_maps_the_fields_of_a_journal_article():
    first = read(ESTUDY)[0]
    assert first.title == "1例卡培他滨与苯妥英钠相互作用致乳腺癌合并癫痫患者小脑功能障碍的病例分析"
    assert first.authors == ["柯洪琴", "陈璿英", "王启斌"]
    assert first.journal == "中南药学"
    assert first.year == 2021
    assert (first.volume, first.issue, first.pages) == ("19", "01", "168-170")
    assert first.keywords == ["苯妥英钠", "卡培他滨", "相互作用", "小脑功能障碍", "不良反应"]
    assert first.language == "chi"
    assert first.publication_type == "Journal Article"
    assert first.other_ids == {
        "cnki": "ZNYX202101034",
        "url": "https://kns.cnki.net/kcms/detail/detail.aspx?FileName=ZNYX202101034&DbName=CJFQTEMP",
    }
    assert first.doi == ""


def test_body_text_marker_is_dropped_from_the_summary():
    first = read(ESTUDY)[0]
    assert first.abstract.startswith("苯妥英钠作为一种传统抗癫痫药物(AEDs)")
    assert "<正>" not in first.abstract


def test_year_falls_back_to_the_publication_time_of_online_first_records():
    # Record 2 is published online first: no Year-年 and no authors, only
    # "PubTime-出版时间: 2021-01-15 16:54".
    second = read(ESTUDY)[1]
    assert "Year-年" not in second.raw
    assert second.year == 2021
    assert second.authors == []
    assert second.other_ids["cnki"] == "JBKZ20210115000"


def test_raw_is_the_record_verbatim():
    first = read(ESTUDY)[0]
    lines = ESTUDY.read_text(encoding="utf-8").split("\n")
    assert first.raw == "\n".join(lines[0:15])


def test_fields_are_found_by_the_english_half_of_the_tag():
    # CNKI words the Chinese half differently between export versions.
    [record] = read_text(
        "DataType: 1\n"
        "Title-题名: 以史为鉴\n"
        "Author-作者: 张三;李四;\n"
        "Source-文献来源: 某某研究\n"
        "PubTime-发表时间: 2025-10-20\n"
        "DOI-DOI: 10.16001/J.Example.2025.05.001\n"
        "ISSN-国际标准刊号: 1004-3438\n"
        "SrcDatabase-来源库: 硕士"
    )
    assert record.journal == "某某研究"
    assert record.authors == ["张三", "李四"]
    assert record.year == 2025
    assert record.doi == "10.16001/j.example.2025.05.001"
    assert record.other_ids == {"issn": "1004-3438"}
    assert record.publication_type == "Thesis (master's)"


def test_record_without_title_is_read_with_an_empty_title():
    # Whether a record without title can be imported is the import service's decision.
    records = read_text("DataType: 1\nAuthor-作者: 张三;\nDataType: 1\nTitle-题名: 第二篇")
    assert [r.title for r in records] == ["", "第二篇"]
    assert [r.line for r in records] == [1, 3]


def test_a_record_before_the_first_datatype_line_is_read_with_a_warning():
    records = read_text("\nTitle-题名: 没有 DataType 的记录\nDataType: 1\nTitle-题名: 第二篇")

    assert [(r.title, r.line) for r in records] == [("没有 DataType 的记录", 2), ("第二篇", 3)]
    assert [r.warnings for r in records] == [["no DataType line"], []]


def test_text_before_the_first_record_is_reported_as_skipped():
    # E-Study files have no header: text before the first record is no part of the export.
    items = read_text("exported by a colleague\n\nDataType: 1\nTitle-题名: 第一篇")

    assert [type(item) for item in items] == [Skipped, ParsedRecord]
    assert items[0] == Skipped(
        kind="text", message="text before the first record", line=1, end_line=1
    )


def test_a_record_whose_datatype_line_was_lost_mid_file_is_read_with_a_warning():
    text = (
        "DataType: 1\nTitle-题名: 第一篇\nAuthor-作者: 张三;\nYear-年: 2001\n"
        "Title-题名: 第二篇\nAuthor-作者: 李四;\nYear-年: 2002\n"
        "DataType: 1\nTitle-题名: 第三篇\nYear-年: 2003"
    )

    records = read_text(text)

    assert [(r.title, r.authors, r.year, r.line) for r in records] == [
        ("第一篇", ["张三"], 2001, 1),
        ("第二篇", ["李四"], 2002, 5),
        ("第三篇", [], 2003, 8),
    ]
    assert [r.warnings for r in records] == [[], ["no DataType line"], []]


@pytest.mark.parametrize(
    "name",
    ["mrhelper_demo_cnki_202101_estudy.txt", "estudy_utf8_bom.txt", "estudy_gb18030_crlf.txt"],
)
def test_sniff_recognises_estudy_files_in_every_encoding(name):
    path = CNKI / name
    head = read_head(path).decode(detect_encoding(read_head(path)), errors="ignore")
    assert cnki.sniff(head)
