"""PubMed MEDLINE / .nbib: real exports (tests/fixtures/imports/pubmed_medline/SOURCES.md)
and small hand-written records for the edge cases. Expected values are read off the files."""

from pathlib import Path

import pytest

from reviews.importers import medline
from reviews.importers.base import ParsedRecord, Skipped
from reviews.importers.decoding import detect_encoding, numbered_lines, read_head

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "pubmed_medline"
BIOPYTHON = FIXTURES / "biopython_pubmed_result2.txt"
SYNTHESISR = FIXTURES / "synthesisr_PubMed_example.txt"
MRHELPER = FIXTURES / "mrhelper_demo_pubmed_202101.nbib"


def parse_file(path: Path):
    encoding = detect_encoding(read_head(path))
    return list(medline.parse(numbered_lines(path, encoding)))


def parse_text(text: str):
    return list(medline.parse(enumerate(text.split("\n"), start=1)))


@pytest.fixture(scope="module")
def biopython():
    return parse_file(BIOPYTHON)


@pytest.fixture(scope="module")
def synthesisr():
    return parse_file(SYNTHESISR)


@pytest.fixture(scope="module")
def mrhelper():
    return parse_file(MRHELPER)


@pytest.mark.parametrize(
    ("path", "count"), [(BIOPYTHON, 4), (SYNTHESISR, 3), (MRHELPER, 10)], ids=lambda v: str(v)
)
def test_every_record_of_each_export_is_read(path, count):
    assert len(parse_file(path)) == count


def test_the_pmids_are_read_in_file_order(biopython, mrhelper):
    assert [r.pmid for r in biopython] == ["16403221", "16377612", "14871861", "14630660"]
    assert [r.pmid for r in mrhelper] == [
        "33465792",
        "33465753",
        "33465722",
        "33465702",
        "33465556",
        "33465471",
        "33465338",
        "33465101",
        "33465095",
        "33464845",
    ]


# --- biopython_pubmed_result2.txt: a leading blank line, 6-space continuations -------------


def test_the_leading_blank_line_does_not_hide_the_first_record(biopython):
    assert biopython[0].pmid == "16403221"
    assert biopython[0].line == 2


def test_each_record_knows_the_line_it_starts_on(biopython, synthesisr, mrhelper):
    assert [r.line for r in biopython] == [2, 67, 127, 192]
    assert [r.line for r in synthesisr] == [1, 92, 190]
    assert [r.line for r in mrhelper] == [1, 80, 191, 271, 339, 427, 501, 576, 701, 795]


def test_the_first_biopython_record_has_every_field(biopython):
    record = biopython[0]

    assert record.title == "A high level interface to SCOP and ASTRAL implemented in python."
    assert record.authors == ["Casbon, James A", "Crooks, Gavin E", "Saqi, Mansoor A S"]
    assert record.year == 2006
    assert record.journal == "BMC bioinformatics"
    assert (record.volume, record.issue, record.pages) == ("7", "", "10")
    assert record.doi == "10.1186/1471-2105-7-10"  # the [pii] AID comes first in the file
    assert record.pmid == "16403221"
    assert record.other_ids == {"pmcid": "PMC1373603", "issn": "1471-2105"}
    assert record.language == "eng"
    assert record.publication_type == "Evaluation Studies; Journal Article"
    assert record.translated_title == ""
    assert record.keywords == [
        "*Database Management Systems",
        "*Databases, Protein",
        "Information Storage and Retrieval/*methods",
        "Programming Languages",
        "Sequence Alignment/*methods",
        "Sequence Analysis, Protein/*methods",
        "Sequence Homology, Amino Acid",
        "*Software",
        "*User-Computer Interface",
    ]


def test_an_abstract_is_joined_across_its_continuation_lines(biopython):
    assert biopython[3].abstract == (
        "The biopython project provides a set of bioinformatics tools implemented in Python. "
        "Recently, biopython was extended with a set of modules that deal with macromolecular "
        "structure. Biopython now contains a parser for PDB files that makes the atomic "
        "information available in an easy-to-use but powerful data structure. The parser and "
        "data structure deal with features that are often left out or handled inadequately by "
        "other packages, e.g. atom and residue disorder (if point mutants are present in the "
        "crystal), anisotropic B factors, multiple models and insertion codes. In addition, the "
        "parser performs some sanity checking to detect obvious errors. AVAILABILITY: The "
        "Biopython distribution (including source code and documentation) is freely available "
        "(under the Biopython license) from http://www.biopython.org"
    )


def test_trailing_spaces_before_a_continuation_do_not_double_the_space(biopython):
    # Line 16 ends "The ASTRAL " and line 17 continues "compendium provides".
    abstract = biopython[0].abstract

    assert "The ASTRAL compendium provides non redundant subsets" in abstract
    assert abstract.startswith("BACKGROUND: Benchmarking algorithms in structural")
    assert abstract.endswith("use in structural genomics easier and more principled.")
    assert "  " not in abstract


def test_a_title_is_joined_across_its_continuation_line(biopython):
    assert biopython[1].title == (
        "GenomeDiagram: a python package for the visualization of large-scale genomic data."
    )


def test_volume_issue_pages_and_year_are_read_from_a_dated_issue(biopython):
    record = biopython[1]  # DP  - 2006 Mar 1, VI 22, IP 5, PG 616-7

    assert (record.year, record.volume, record.issue, record.pages) == (2006, "22", "5", "616-7")
    assert record.journal == "Bioinformatics (Oxford, England)"


def test_the_doi_is_taken_whether_it_comes_before_or_after_the_pii(biopython):
    assert biopython[1].doi == "10.1093/bioinformatics/btk021"  # [pii] first
    assert biopython[2].doi == "10.1093/bioinformatics/bth078"  # [doi] first


def test_a_record_without_a_doi_has_none(biopython):
    assert biopython[3].doi == ""


def test_full_author_names_keep_particles_and_initials(biopython):
    assert biopython[2].authors == ["de Hoon, M J L", "Imoto, S", "Nolan, J", "Miyano, S"]


def test_every_publication_type_is_kept_in_order(biopython):
    assert biopython[3].publication_type == (
        "Comparative Study; Evaluation Studies; Journal Article; "
        "Research Support, Non-U.S. Gov't; Validation Studies"
    )


def test_the_raw_record_is_its_source_lines_verbatim(biopython):
    source = BIOPYTHON.read_text(encoding="utf-8").split("\n")

    assert biopython[0].raw == "\n".join(source[1:65])  # lines 2-65
    assert biopython[3].raw == "\n".join(source[191:248])  # lines 192-248
    assert biopython[0].raw.startswith("PMID- 16403221\nOWN - NLM\n")
    assert biopython[0].raw.endswith("SO  - BMC Bioinformatics. 2006 Jan 10;7:10.")


def test_raw_keeps_continuation_lines_with_their_indentation(biopython):
    assert "\n      the construction of datasets of proteins with given sequence" in (
        biopython[0].raw
    )


# --- synthesisr_PubMed_example.txt --------------------------------------------------------


def test_a_doi_in_lid_is_read_and_the_pii_beside_it_ignored(synthesisr):
    record = synthesisr[0]  # LID S0048-9697(17)30912-9 [pii], then LID 10.1016/... [doi]

    assert record.doi == "10.1016/j.scitotenv.2017.04.075"


def test_a_pii_that_looks_like_a_doi_is_not_taken_for_one(tmp_path):
    # synthesisr record 2 labels the same DOI-shaped string [pii] and [doi]; here only [pii].
    records = parse_text("PMID- 1\nTI  - T\nAID - 10.1007/s00267-019-01153-y [pii]\n")

    assert records[0].doi == ""


def test_synthesisr_records_give_titles_authors_dates_pages_and_ids(synthesisr):
    first, second, third = synthesisr

    assert first.title == (
        "Differences in nitrate and phosphorus export between wooded and grassed riparian "
        "zones from farmland to receiving waterways under varying rainfall conditions."
    )
    assert first.authors == [
        "Neilen, Amanda D",
        "Chen, Chengrong R",
        "Parker, Brett M",
        "Faggotter, Stephen J",
        "Burford, Michele A",
    ]
    assert (first.year, first.volume, first.issue, first.pages) == (2017, "598", "", "188-197")
    assert first.journal == "The Science of the total environment"
    assert first.other_ids == {"issn": "1879-1026"}
    assert first.keywords == [
        "Buffer strips",
        "Landsat",
        "Leaching",
        "Nitrate",
        "Structural equation modelling",
        "Water quality",
        "Watershed",
    ]
    assert first.abstract.startswith("Agricultural activities in catchments can cause")
    assert first.abstract.endswith(
        "the relative importance of which was driven by hydrological conditions."
    )

    assert second.year == 2019  # DP  - 2019 May
    assert (second.volume, second.issue, second.pages) == ("63", "5", "647-657")
    assert second.doi == "10.1007/s00267-019-01153-y"
    assert second.authors[-1] == "Mahy, Grégory"
    assert second.publication_type == "Journal Article; Research Support, Non-U.S. Gov't"

    assert third.title == (
        "Mulch and groundcover effects on soil temperature and moisture, surface reflectance, "
        "grapevine water potential, and vineyard weed management."
    )
    assert third.year == 2018
    assert third.pages == "e5082"
    assert third.doi == "10.7717/peerj.5082"  # the unlabelled "LID - e5082" is not a DOI
    assert third.other_ids == {"pmcid": "PMC6022731", "issn": "2167-8359"}
    assert third.journal == "PeerJ"


# --- mrhelper_demo_pubmed_202101.nbib -----------------------------------------------------


def test_the_translated_title_is_read_from_tt(mrhelper):
    record = mrhelper[0]

    assert record.title == "Switching of Hormone Therapies in Breast Cancer Women."
    assert record.translated_title == (
        "Avaliação da mudança do esquema hormonioterápico em mulheres com câncer de mama."
    )


def test_the_year_comes_from_dp_written_as_year_month_day(mrhelper):
    assert mrhelper[0].year == 2021  # DP  - 2021 Jan 19


def test_dp_wins_over_the_electronic_publication_date(mrhelper):
    assert mrhelper[9].year == 2020  # DP  - 2020 Feb 10, DEP - 20191213


def test_an_ahead_of_print_record_has_no_volume_issue_or_pages(mrhelper):
    record = mrhelper[0]

    assert (record.volume, record.issue, record.pages) == ("", "", "")
    assert record.doi == "10.1055/s-0040-1719149"


def test_a_journal_title_continued_on_the_next_line_is_joined(mrhelper):
    assert mrhelper[0].journal == (
        "Revista brasileira de ginecologia e obstetricia : revista da Federacao Brasileira "
        "das Sociedades de Ginecologia e Obstetricia"
    )


def test_unicode_spaces_in_an_abstract_become_plain_spaces(mrhelper):
    abstract = mrhelper[0].abstract

    assert abstract.startswith(
        "OBJECTIVE: The objective of the present study was to analyze the reasons that led to "
        "hormone therapies (HTs) regimen changes in women with breast cancer. METHODS: This was"
    )
    assert "switched HT were > 50 years old, postmenopausal" in abstract


def test_accented_and_greek_letters_survive(mrhelper):
    assert "Gandía, Almudena" in mrhelper[1].authors
    assert "Ibáñez, Reyes" in mrhelper[1].authors
    assert mrhelper[2].title == (
        "Diagnostic and therapeutic ERβ, HER2, BRCA biomakers in the histological subtypes of "
        "lung adenocarcinoma according to the IASLC/ATS/ERS classification."
    )
    assert mrhelper[5].authors == ["Tolmachev, Vladimir", "Orlova, Anna", "Sörensen, Jens"]


def test_a_letter_without_abstract_imports_with_an_empty_abstract(mrhelper):
    record = mrhelper[6]

    assert record.title == (
        "Changes in Treatment Behavior during the COVID-19 Pandemic among Patients at a "
        "Cancer Hospital."
    )
    assert record.abstract == ""
    assert record.publication_type == "Letter"
    assert record.doi == "10.1016/j.ccell.2021.01.002"


def test_author_keywords_are_read_from_ot(mrhelper):
    assert mrhelper[1].keywords == [
        "Electronic brachytherapy",
        "IORT",
        "In vivo dosimetry",
        "Radiochromic films",
    ]
    assert mrhelper[7].keywords == []


def test_several_publication_types_are_joined(mrhelper):
    assert mrhelper[5].publication_type == "Journal Article; Review"


def test_the_electronic_issn_is_kept(mrhelper):
    assert mrhelper[0].other_ids == {"issn": "1806-9339"}


# --- hand-written edge cases --------------------------------------------------------------


def test_authors_fall_back_to_short_names_when_there_is_no_fau():
    records = parse_text("PMID- 1\nTI  - T\nAU  - Casbon JA\nAU  - Crooks GE\n")

    assert records[0].authors == ["Casbon JA", "Crooks GE"]


def test_the_year_falls_back_to_the_electronic_date_when_dp_is_missing():
    records = parse_text("PMID- 1\nTI  - T\nDEP - 20210119\n")

    assert records[0].year == 2021


def test_a_book_title_is_read_from_bti():
    records = parse_text("PMID- 1\nBTI - Handbook of Things\nDP  - 2015\n")

    assert records[0].title == "Handbook of Things"


def test_the_abbreviated_journal_is_used_when_the_full_one_is_missing():
    records = parse_text("PMID- 1\nTI  - T\nTA  - BMC Bioinformatics\n")

    assert records[0].journal == "BMC Bioinformatics"


def test_a_doi_written_with_a_resolver_prefix_in_lid_is_normalised():
    records = parse_text("PMID- 1\nTI  - T\nLID - https://doi.org/10.1000/ABC.1 [doi]\n")

    assert records[0].doi == "10.1000/abc.1"


def test_records_follow_each_other_without_a_blank_line():
    records = parse_text("PMID- 1\nTI  - One\nPMID- 2\nTI  - Two\n")

    assert [(r.pmid, r.title, r.line) for r in records] == [("1", "One", 1), ("2", "Two", 3)]


def test_a_tab_indented_continuation_is_joined():
    records = parse_text("PMID- 1\nTI  - A title\n\tcontinued by tab\n")

    assert records[0].title == "A title continued by tab"


def test_an_empty_input_has_no_records():
    assert parse_text("") == []
    assert parse_text("\n\n") == []


# --- damaged files: nothing vanishes without a word -----------------------------------------


def test_a_record_without_its_pmid_line_is_read_with_a_warning():
    text = (
        "PMID- 1\nTI  - First\n\n"
        "TI  - Second, whose PMID line was lost\nFAU - Doe, Jane\n\n"
        "PMID- 3\nTI  - Third\n"
    )

    records = parse_text(text)

    assert [(r.pmid, r.title, r.line) for r in records] == [
        ("1", "First", 1),
        ("", "Second, whose PMID line was lost", 4),
        ("3", "Third", 7),
    ]
    assert records[1].authors == ["Doe, Jane"]
    assert records[1].warnings == ["no PMID line"]
    assert records[0].warnings == records[2].warnings == []


def test_text_between_records_is_reported_as_skipped_with_its_lines():
    text = "PMID- 1\nTI  - First\n\nSaved from PubMed\n   on Monday\n\nPMID- 2\nTI  - Second\n"

    items = parse_text(text)

    assert [type(item) for item in items] == [ParsedRecord, Skipped, ParsedRecord]
    assert items[1] == Skipped(kind="text", message="text between records", line=4, end_line=5)


def test_an_unindented_line_inside_a_record_is_kept_in_raw_and_reported():
    items = parse_text("PMID- 1\nTI  - First\nlost its indentation\nAB  - Abstract.\n")

    assert [type(item) for item in items] == [Skipped, ParsedRecord]
    assert items[0] == Skipped(
        kind="text",
        message="text in a record that is neither a field nor a continuation line",
        line=3,
        end_line=3,
    )
    record = items[1]
    assert (record.title, record.abstract) == ("First", "Abstract.")
    assert record.raw == "PMID- 1\nTI  - First\nlost its indentation\nAB  - Abstract."


@pytest.mark.parametrize("end", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_the_same_records_are_read_whatever_the_line_ends(tmp_path, biopython, end):
    copy = tmp_path / "pubmed.txt"
    copy.write_bytes(BIOPYTHON.read_bytes().replace(b"\n", end.encode()))

    assert parse_file(copy) == biopython


def test_sniff_recognises_medline_and_nothing_else():
    assert medline.sniff(BIOPYTHON.read_text(encoding="utf-8")[:2000])
    assert medline.sniff("PMID-33465792\nOWN - NLM")
    assert not medline.sniff("TY  - JOUR\nTI  - Not MEDLINE\nER  - ")
    assert not medline.sniff("The PMID- 123 is mentioned in passing")


def test_the_first_record_survives_a_bom_when_utf8_is_chosen_by_hand(tmp_path, biopython):
    copy = tmp_path / "pubmed.nbib"
    copy.write_bytes(b"\xef\xbb\xbf" + BIOPYTHON.read_bytes().lstrip(b"\n"))

    records = list(medline.parse(numbered_lines(copy, "utf-8")))

    assert [r.pmid for r in records] == [r.pmid for r in biopython]
