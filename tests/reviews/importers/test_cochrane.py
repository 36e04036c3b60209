"""The Cochrane Library's plain-text export. No public sample exists: the fixture is written
from the format's layout with placeholder content (SOURCES.md)."""

from pathlib import Path

from reviews.importers import cochrane
from reviews.importers.decoding import detect_encoding, numbered_lines, read_head

FIXTURE = (
    Path(__file__).resolve().parents[2] / "fixtures/imports/cochrane/cochrane_central_synthetic.txt"
)


def read(path: Path = FIXTURE):
    return list(cochrane.parse(numbered_lines(path, detect_encoding(read_head(path)))))


def read_text(text: str):
    return list(cochrane.parse(enumerate(text.split("\n"), start=1)))


def test_header_is_skipped_and_each_record_number_starts_a_record():
    records = read()
    assert len(records) == 3
    assert [r.line for r in records] == [5, 26, 39]
    assert records[0].raw.startswith("Record #1 of 3\nID: CN-09900001\n")


def test_maps_a_central_record():
    first = read()[0]
    assert first.title == (
        "Synthetic placeholder trial 1: topical cream versus vehicle cream (parser test record)"
    )
    assert first.authors == ["Placeholder A", "Example B", "Sample C"]
    assert first.journal == "Evident Test Journal of Dermatology"
    assert (first.year, first.volume, first.issue, first.pages) == (2021, "20", "3", "811-818")
    assert first.doi == "10.5555/evident.test.0001"
    assert first.pmid == "99000001"  # "PM: PUBMED 99000001"
    assert first.other_ids == {
        "central": "CN-09900001",
        "embase": "L699000001",  # "XR: EMBASE 699000001", written as Embase's L-number
        "url": "https://www.cochranelibrary.com/central/doi/10.1002/central/CN-09900001/full",
    }
    assert first.keywords == [
        "Administration, Topical",
        "Emollients [therapeutic use]",
        "Humans",
        "Skin Cream",
    ]
    assert first.publication_type == "Journal Article; Randomized Controlled Trial"
    assert (
        first.abstract
        == "Placeholder abstract for parser tests. It reports no study and no results."
    )


def test_wrapped_abstract_keeps_lines_that_look_like_a_heading():
    second = read()[1]
    assert second.authors == ["Placeholder D", "Example E"]  # one AU line with ";"
    assert second.abstract == (
        "BACKGROUND: first line of a wrapped placeholder abstract "
        "AIM: this continuation line starts with a word and a colon and a third line ends it."
    )
    assert second.publication_type == "Journal: Conference Abstract"


def test_record_without_title_is_read_with_an_empty_title():
    third = read()[2]
    assert third.title == ""
    assert third.other_ids == {"central": "CN-09900003"}
    assert third.year == 2018


def test_central_id_is_taken_from_the_link_when_the_id_line_is_missing():
    [record] = read_text(
        "Record #1 of 1\nTI: A title\n"
        "US: https://www.cochranelibrary.com/central/doi/10.1002/central/CN-01234567/full"
    )
    assert record.other_ids["central"] == "CN-01234567"


def test_a_record_without_its_record_number_line_is_read_with_a_warning():
    text = (
        "Cochrane Library\nTrials\n\n"
        "Record #1 of 3\nID: CN-00000001\nAU: Doe J\nTI: First\nYR: 2001\n\n"
        "ID: CN-00000002\nAU: Roe R\nTI: Second, whose record line was lost\nYR: 2002\n\n"
        "Record #3 of 3\nID: CN-00000003\nTI: Third\nYR: 2003"
    )

    records = read_text(text)

    assert [(r.title, r.authors, r.year, r.line) for r in records] == [
        ("First", ["Doe J"], 2001, 4),
        ("Second, whose record line was lost", ["Roe R"], 2002, 10),
        ("Third", [], 2003, 15),
    ]
    assert records[1].other_ids["central"] == "CN-00000002"
    assert [r.warnings for r in records] == [[], ["no “Record #” line"], []]


def test_the_export_header_is_not_reported():
    assert all(not r.warnings for r in read())
    assert len(read()) == 3


def test_sniff_recognises_the_cochrane_file():
    assert cochrane.sniff(read_head(FIXTURE).decode("utf-8"))
