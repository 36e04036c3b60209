"""EndNote XML reader, on a synthetic export that re-expresses real records (see SOURCES.md)."""

from pathlib import Path

import pytest

from reviews.importers import endnote_xml
from reviews.importers.base import ImportFailure, ParsedRecord, Skipped
from reviews.importers.decoding import detect_encoding, read_head

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
EXPORT = FIXTURES / "endnote_xml" / "synthetic_reexpressed.xml"


def head_of(path: Path) -> str:
    head = read_head(path)
    return head.decode(detect_encoding(head))


@pytest.fixture(scope="module")
def records():
    return list(endnote_xml.parse(EXPORT))


def test_reads_every_record_with_its_line(records):
    assert len(records) == 4
    assert [r.line for r in records] == [2, 3, 4, 5]


def test_pubmed_record_takes_the_pmid_from_the_accession_number(records):
    record = records[0]
    assert record.title == "The treatment of AIDS behind the walls of correctional facilities"
    assert record.authors == ["Olivero, J. M."]
    assert record.year == 1990
    assert record.journal == "Social justice (San Francisco, Calif.)"
    assert (record.volume, record.issue, record.pages) == ("17", "1", "113-25")
    assert record.pmid == "12091962"
    assert record.doi == ""
    assert record.other_ids == {"issn": "1043-1578"}
    assert record.keywords == [
        "AIDS Serodiagnosis",
        "*Acquired Immunodeficiency Syndrome",
        "Humans",
    ]
    assert record.language == "eng"
    assert record.publication_type == "Journal Article"


def test_style_runs_are_joined_and_carriage_returns_split_keywords(records):
    record = records[1]
    assert record.title == (
        "Magnetic studies of Chromatium flavocytochrome C552. "
        "A mechanism for heme-flavin interaction"
    )
    assert record.keywords == ["Binding Sites", "Chromatium", "Heme"]
    assert record.doi == "10.1016/0005-2795(76)90109-4"
    assert record.pmid == "9997"
    assert record.abstract.startswith("Electron paramagnetic resonance")


def test_web_of_science_accession_is_not_a_pmid(records):
    record = records[2]
    assert record.pmid == ""
    assert record.other_ids["wos"] == "WOS:000221807500019"
    assert record.authors == ["Parkes-Loach, P. S.", "Majeed, A. P.", "Law, C. J.", "Loach, P. A."]
    assert record.year == 2004
    assert record.doi == "10.1021/bi049798f"


def test_embase_accession_becomes_an_l_number_and_doi_comes_from_the_url(records):
    record = records[3]
    assert record.other_ids["embase"] == "L373791783"
    assert record.pmid == ""
    assert record.doi == "10.4103/2303-9027.138783"
    assert record.other_ids["url"].endswith("id=L373791783")


def test_raw_is_the_records_own_xml(records):
    assert records[0].raw.startswith("<record><database")
    assert records[0].raw.endswith("</record>")
    assert "<rec-number>1</rec-number>" in records[0].raw
    assert "<rec-number>2</rec-number>" not in records[0].raw


def test_sniff():
    assert endnote_xml.sniff(head_of(EXPORT))
    assert not endnote_xml.sniff(head_of(FIXTURES / "pubmed_xml" / "biopython_pubmed1.xml"))
    assert not endnote_xml.sniff(head_of(FIXTURES / "wos" / "synthesisr_WoS_txt_example.txt"))
    assert not endnote_xml.sniff("<xml><records></records></xml>")  # no record at all


def test_entity_declarations_are_refused(tmp_path):
    path = tmp_path / "laughs.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        '<xml><records><record><ref-type name="Journal Article">17</ref-type>'
        "<titles><title>&b;</title></titles></record></records></xml>\n"
    )
    with pytest.raises(ImportFailure, match="entity declarations are not allowed") as refused:
        list(endnote_xml.parse(path))
    assert refused.value.line == 2


def test_malformed_xml_names_the_line(tmp_path):
    path = tmp_path / "cut.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?><xml><records>\n'
        "<record><titles><title>Whole</title></titles></record>\n"
        "<record><titles><title>Cut off here\n"
    )
    with pytest.raises(ImportFailure, match="malformed") as failed:
        list(endnote_xml.parse(path))
    # The parser notices at the end of the file and names the unclosed tag's line.
    assert failed.value.line == 4
    assert "in tag title line 3" in failed.value.message


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.xml"
    path.write_bytes(b"")
    with pytest.raises(ImportFailure, match="the file is empty"):
        list(endnote_xml.parse(path))


def test_an_element_that_is_not_a_record_and_stray_text_are_reported_as_skipped(tmp_path):
    path = tmp_path / "damaged.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?><xml><records>\n'
        "<record><titles><title>First</title></titles></record>\n"
        "<recrod><titles><title>Second</title></titles></recrod>\n"
        "stray words\n"
        "<record><titles><title>Third</title></titles></record>\n"
        "</records></xml>\n"
    )

    items = list(endnote_xml.parse(path))

    assert [type(item) for item in items] == [ParsedRecord, Skipped, Skipped, ParsedRecord]
    assert [items[0].title, items[3].title] == ["First", "Third"]
    assert items[1] == Skipped(
        kind="element", message="a <recrod> element, which is not a record", line=3, end_line=3
    )
    assert items[2] == Skipped(kind="text", message="text between records", line=4, end_line=4)


def test_nothing_in_the_export_is_skipped(records):
    assert all(isinstance(item, ParsedRecord) for item in records)


def test_text_after_a_last_record_over_several_lines_is_located_after_its_end(tmp_path):
    path = tmp_path / "trailing.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?><xml><records>\n'
        "<record>\n<titles><title>Only</title></titles>\n</record>\n"
        "\nleft behind\n"
        "</records></xml>\n"
    )

    items = list(endnote_xml.parse(path))

    assert items[0].title == "Only"
    assert items[1] == Skipped(
        kind="text", message="text after the last record", line=6, end_line=6
    )
