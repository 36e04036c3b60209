"""Web of Science tagged text: real exports (plain UTF-8, UTF-8 with BOM, and a UTF-16 LE
re-encoding), a truncated file, and sniffing against the neighbouring tagged formats."""

from pathlib import Path

import pytest

from reviews.importers import wos
from reviews.importers.base import ParsedRecord, Rejected, Skipped
from reviews.importers.decoding import detect_encoding, numbered_lines, read_head

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
WOS = FIXTURES / "wos"


def head_of(path: Path) -> str:
    head = read_head(path)
    return head.decode(detect_encoding(head))


def records(path: Path):
    return list(wos.parse(numbered_lines(path, detect_encoding(read_head(path)))))


def lines_of(text: str):
    return enumerate(text.split("\n"), start=1)


def test_record_counts_of_the_real_exports():
    assert len(records(WOS / "synthesisr_WoS_txt_example.txt")) == 4
    assert len(records(WOS / "mrhelper_demo_wos_202101.txt")) == 10
    # rispy's "example_wos.ris" is WoS tagged text despite its name.
    assert len(records(WOS / "rispy_example_wos.ris")) == 2


def test_fields_of_a_full_record():
    record = records(WOS / "rispy_example_wos.ris")[0]
    assert record.title == (
        "Interactions stabilizing the structure of the core light-harvesting "
        "complex (LHl) of photosynthetic bacteria and its subunit (B820)"
    )
    assert record.authors == ["Parkes-Loach, PS", "Majeed, AP", "Law, CJ", "Loach, PA"]
    assert record.journal == "BIOCHEMISTRY"
    assert record.year == 2004
    assert (record.volume, record.issue, record.pages) == ("43", "22", "7003-7016")
    assert record.doi == "10.1021/bi049798f"
    assert record.pmid == "15170338"
    assert record.other_ids == {"wos": "WOS:000221807500019", "issn": "0006-2960"}
    assert record.language == "English"
    assert record.publication_type == "Article"
    # ID keywords continue over indented lines; each ";" separates one keyword.
    assert record.keywords[:3] == [
        "CHEMICALLY SYNTHESIZED POLYPEPTIDES",
        "IN-VITRO RECONSTITUTION",
        "AMINO-ACID-SEQUENCE",
    ]
    assert record.keywords[-1] == "ANTENNA COMPLEX"
    assert record.abstract.startswith("Reconstitution experiments with a chemically")
    assert record.line == 3


def test_full_author_names_and_keywords_split_over_lines_in_a_bom_file():
    first, second = records(WOS / "mrhelper_demo_wos_202101.txt")[:2]
    assert first.authors == [
        "Husinka, Lakyn",
        "Koerner, Pamela H.",
        "Miller, Rick T.",
        "Trombatt, William",
    ]
    assert first.title == (
        "Review of cyclin-dependent kinase 4/6 inhibitors in the treatment of "
        "advanced or metastatic breast cancer"
    )
    # "DE …; side" + "   effects; …" is the keyword "side effects".
    assert first.keywords[4:6] == ["cancer", "side effects"]
    assert first.abstract.startswith("Objective The purpose of this study")
    assert (first.year, first.pmid, first.line) == (2021, "33414982", 3)
    assert first.other_ids["wos"] == "WOS:000602649200001"
    assert second.authors[5] == "van de Wetering, Thierry"
    assert second.line == 78


def test_article_numbers_and_non_wos_accessions():
    soil, grief, _relics, mirna = records(WOS / "synthesisr_WoS_txt_example.txt")
    assert soil.pages == "1722034"  # "AR UNSP 1722034"
    assert soil.doi == "10.1080/20964129.2020.1722034"
    assert soil.authors[-1] == "Pan, Xu"  # AU only (no AF): continuation lines are authors
    assert grief.pages == "9-20"
    assert mirna.other_ids["accession"] == "MEDLINE:31858815"
    assert "wos" not in mirna.other_ids
    assert mirna.pmid == "31858815"
    assert mirna.other_ids["issn"] == "2169-141X"  # EI when SN is absent


def test_line_numbers_and_raw_text():
    found = records(WOS / "synthesisr_WoS_txt_example.txt")
    assert [r.line for r in found] == [3, 56, 93, 137]
    assert found[1].raw.startswith("PT J\nAU Higgins, Kathleen Marie\nTI Aesthetics")
    assert found[1].raw.endswith("UT WOS:000510870600001\nER")


def test_utf16_export_reads_like_the_utf8_one():
    path = WOS / "synthesisr_WoS_txt_example_utf16le.txt"
    assert read_head(path)[:2] == b"\xff\xfe"
    assert detect_encoding(read_head(path)) == "utf-16"
    assert wos.sniff(head_of(path))
    utf16 = records(path)
    utf8 = records(WOS / "synthesisr_WoS_txt_example.txt")
    assert [(r.title, r.authors, r.doi, r.line) for r in utf16] == [
        (r.title, r.authors, r.doi, r.line) for r in utf8
    ]


def test_truncated_file_rejects_the_cut_record_naming_its_line():
    cut = records(WOS / "bad_truncated.txt")[-1]
    assert isinstance(cut, Rejected)
    assert "no ER line" in cut.message
    assert cut.line == 56


def test_a_missing_er_in_mid_file_is_tolerated():
    text = "PT J\nTI First\nPY 2001\nPT J\nTI Second\nPY 2002\nER\nEF"
    assert [(r.title, r.year, r.line) for r in wos.parse(lines_of(text))] == [
        ("First", 2001, 1),
        ("Second", 2002, 4),
    ]


def test_a_record_without_its_pt_line_is_read_with_a_warning():
    text = (
        "FN Clarivate Analytics Web of Science\nVR 1.0\n"
        "PT J\nTI First\nPY 2001\nER\n\n"
        "TI Second, whose PT line was lost\nAU Doe, J\nPY 2002\nER\n\n"
        "PT J\nTI Third\nPY 2003\nER\n\nEF"
    )

    items = list(wos.parse(lines_of(text)))

    assert [(r.title, r.year, r.line) for r in items] == [
        ("First", 2001, 3),
        ("Second, whose PT line was lost", 2002, 8),
        ("Third", 2003, 13),
    ]
    assert items[1].authors == ["Doe, J"]
    assert [r.warnings for r in items] == [[], ["no PT line"], []]


def test_text_between_records_is_reported_as_skipped_with_its_lines():
    text = "PT J\nTI First\nER\n\nsaved 2021-01-05\n\nPT J\nTI Second\nER\nEF"

    items = list(wos.parse(lines_of(text)))

    assert [type(item) for item in items] == [ParsedRecord, Skipped, ParsedRecord]
    assert items[1] == Skipped(kind="text", message="text between records", line=5, end_line=5)


@pytest.mark.parametrize(
    "name",
    [
        "synthesisr_WoS_txt_example.txt",
        "mrhelper_demo_wos_202101.txt",
        "synthesisr_WoS_txt_example_utf16le.txt",
    ],
)
def test_the_header_and_end_of_file_lines_of_real_exports_are_not_reported(name):
    assert all(isinstance(item, ParsedRecord) and not item.warnings for item in records(WOS / name))


def test_sniff_accepts_wos_and_rejects_its_neighbours():
    for name in ("synthesisr_WoS_txt_example.txt", "mrhelper_demo_wos_202101.txt"):
        assert wos.sniff(head_of(WOS / name))
    assert wos.sniff("PT J\nAU Smith, J\nTI A title\nER\n")  # cut from a larger export
    # asreview's Embase export is RIS ("TY  - ", "ER  - ").
    assert not wos.sniff(head_of(FIXTURES / "embase" / "asreview_embase.ris"))
    assert not wos.sniff("PMID- 123456\nPT  - Journal Article\nTI  - A title\n")
    assert not wos.sniff("{Reference Type}: Journal Article\n{Title}: 题名\n")
    assert not wos.sniff("RT Journal Article\nA1 Smith, J\nT1 A title\n")
    assert not wos.sniff("%0 Journal Article\n%A Smith, J\n%T A title\n")
