"""RefWorks tagged exports of CNKI and Wanfang. No public sample exists: the fixtures
re-express the real CNKI E-Study and Wanfang NoteExpress samples' records (SOURCES.md), so
each test also checks the fields agree with the reading of the original export."""

from pathlib import Path

from reviews.importers import cnki, noteexpress, refworks
from reviews.importers.decoding import detect_encoding, numbered_lines, read_head

IMPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
CNKI_REFWORKS = IMPORTS / "cnki" / "cnki_refworks_synthetic.txt"
WANFANG_REFWORKS = IMPORTS / "wanfang" / "wanfang_refworks_synthetic.txt"
SHARED_FIELDS = ("title", "authors", "journal", "year", "volume", "issue", "pages", "keywords")


def read(module, path: Path):
    return list(module.parse(numbered_lines(path, detect_encoding(read_head(path)))))


def read_text(text: str):
    return list(refworks.parse(enumerate(text.split("\n"), start=1)))


def fields(record, names=SHARED_FIELDS):
    return {name: getattr(record, name) for name in names}


def test_cnki_export_with_one_line_of_authors_and_pages_in_op():
    records = read(refworks, CNKI_REFWORKS)
    assert [r.line for r in records] == [1, 17, 31]
    first = records[0]
    assert first.raw.split("\n")[:3] == ["RT Journal Article", "SR 1", "A1 柯洪琴;陈璿英;王启斌;"]
    assert first.authors == ["柯洪琴", "陈璿英", "王启斌"]
    assert first.title == "1例卡培他滨与苯妥英钠相互作用致乳腺癌合并癫痫患者小脑功能障碍的病例分析"
    assert (first.volume, first.issue, first.pages) == ("19", "01", "168-170")  # "vo", "OP"
    assert first.language == "chi"  # "LA 中文;"
    assert first.other_ids["cnki"] == "ZNYX202101034"  # from LK
    assert first.publication_type == "Journal Article"


def test_cnki_export_agrees_with_the_estudy_export_of_the_same_records():
    original = read(cnki, IMPORTS / "cnki" / "mrhelper_demo_cnki_202101_estudy.txt")[:3]
    names = (*SHARED_FIELDS, "other_ids", "abstract", "language")
    assert [fields(r, names) for r in read(refworks, CNKI_REFWORKS)] == [
        fields(r, names) for r in original
    ]


def test_wanfang_export_with_repeated_lines_and_split_pages():
    records = read(refworks, WANFANG_REFWORKS)
    assert [r.line for r in records] == [1, 20, 42]
    first, second = records[0], records[1]
    assert first.authors == ["江文杰", "韩超", "顾达民"]
    assert first.keywords == ["前锯肌平面阻滞", "乳腺癌改良根治术", "基质金属蛋白酶"]
    assert first.pages == "117-118"  # SP 117, OP 118
    assert first.other_ids["wanfang"] == "lcjyzz-d202001100"
    assert second.doi == "10.3969/j.issn.1672-9676.2020.01.039"
    assert second.other_ids["issn"] == "1672-9676"


def test_wanfang_export_agrees_with_the_noteexpress_export_of_the_same_records():
    original = read(
        noteexpress, IMPORTS / "wanfang" / "mrhelper_demo_wanfang_202101_noteexpress.net"
    )
    names = (*SHARED_FIELDS, "doi", "other_ids", "abstract", "language")
    assert [fields(r, names) for r in read(refworks, WANFANG_REFWORKS)] == [
        fields(r, names) for r in original[:3]
    ]


def test_a_wrapped_line_that_starts_like_a_tag_in_lower_case_continues_the_value():
    [record] = read_text(
        "RT Journal Article\nT1 Title\nAB first line\nno difference was found\nYR 2020"
    )
    assert record.abstract == "first line no difference was found"
    assert record.year == 2020


def test_a_record_without_its_rt_line_after_a_blank_line_is_its_own_record():
    records = read_text(
        "RT Journal Article\nT1 第一篇\n\nT1 第二篇\n\nRT Journal Article\nT1 第三篇"
    )
    assert [r.title for r in records] == ["第一篇", "第二篇", "第三篇"]
    assert [r.line for r in records] == [1, 4, 6]


def test_a_record_without_its_rt_line_is_read_with_a_warning():
    records = read_text(
        "RT Journal Article\nT1 第一篇\n\nT1 第二篇\n\nRT Journal Article\nT1 第三篇"
    )
    assert [r.warnings for r in records] == [[], ["no RT line (record type unknown)"], []]


def test_a_record_without_its_rt_line_or_a_blank_line_before_it_is_its_own_record():
    records = read_text(
        "RT Journal Article\nT1 第一篇\nA1 张三\nT1 第二篇\nA1 李四\n\nRT Thesis\nT1 第三篇"
    )
    assert [(r.title, r.authors, r.line) for r in records] == [
        ("第一篇", ["张三"], 1),
        ("第二篇", ["李四"], 4),
        ("第三篇", [], 7),
    ]
    assert [r.warnings for r in records] == [[], ["no RT line (record type unknown)"], []]


def test_record_without_title_is_read_with_an_empty_title():
    [record] = read_text("RT Journal Article\nA1 张三\nYR 2020")
    assert record.title == ""
    assert record.authors == ["张三"]


def test_sniff_recognises_refworks_files():
    for path in (CNKI_REFWORKS, WANFANG_REFWORKS):
        assert refworks.sniff(read_head(path).decode("utf-8"))
