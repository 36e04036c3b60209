"""CSV readers: Scopus and Embase.com real exports, and the generic reader with its column
mapping (delimiters, quoted multi-line fields, bad rows)."""

from pathlib import Path

import pytest

from reviews.importers import embase_csv, generic_csv, ris, scopus_csv
from reviews.importers.base import ImportFailure, Rejected
from reviews.importers.decoding import detect_encoding, numbered_lines, read_head

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
SCOPUS = FIXTURES / "scopus" / "bibliometrix_scopus_sample.csv"
EMBASE_CSV = FIXTURES / "embase" / "asreview_embase.csv"
EMBASE_RIS = FIXTURES / "embase" / "asreview_embase.ris"
GENERIC = FIXTURES / "generic_csv"


def head_of(path: Path) -> str:
    head = read_head(path)
    return head.decode(detect_encoding(head))


def lines(path: Path):
    return numbered_lines(path, detect_encoding(read_head(path)))


def lines_of(text: str):
    return enumerate(text.split("\n"), start=1)


# Scopus


def test_scopus_rows_and_fields():
    found = list(scopus_csv.parse(lines(SCOPUS)))
    assert len(found) == 8
    assert [r.line for r in found] == list(range(2, 10))
    record = found[1]
    assert record.title == (
        "Bibliometric mapping of the contribution of African optometry researchers "
        "to ophthalmic literature"
    )
    assert record.authors[:2] == ["Owusu, Paul", "Amoako, Pious Tawiah"]  # ids removed
    assert record.year == 2026
    assert record.journal == "Clinical and Experimental Optometry"
    assert (record.volume, record.issue, record.pages) == ("109", "2", "307-319")
    assert record.doi == "10.1080/08164622.2025.2601299"
    assert record.pmid == "41494690"
    assert record.other_ids["scopus"] == "2-s2.0-105026875241"
    assert record.other_ids["issn"] == "08164622"
    assert record.language == "English"
    assert record.publication_type == "Article"
    assert record.keywords[:2] == ["African optometry", "bibliometrics"]
    assert len(record.keywords) == len(set(record.keywords))  # index keywords deduplicated
    assert record.raw.startswith('"Owusu P.; Amoako P.T.; Asiamah R.;')


def test_scopus_missing_values_pages_and_article_numbers():
    first, _, third, _, fifth, *_ = scopus_csv.parse(lines(SCOPUS))
    assert first.pmid == ""  # written as NA in this sample
    assert "isbn" not in first.other_ids
    assert first.issue == "" and first.pages == ""
    assert third.pages == "e46688"  # page start only
    assert fifth.pages == "763"  # Art. No.
    assert first.title.startswith("Quantitative analysis of studies that use artificial")


def test_scopus_sniff():
    assert scopus_csv.sniff(head_of(SCOPUS))
    assert not scopus_csv.sniff(head_of(EMBASE_CSV))
    assert not scopus_csv.sniff(head_of(GENERIC / "pubmed_layout_synthetic.csv"))
    assert not scopus_csv.sniff(head_of(EMBASE_RIS))


# Embase


def test_embase_csv_and_ris_exports_of_the_same_search_agree():
    from_csv = list(embase_csv.parse(lines(EMBASE_CSV)))
    from_ris = list(ris.parse(lines(EMBASE_RIS)))
    assert len(from_csv) == len(from_ris) == 6
    for c, r in zip(from_csv, from_ris, strict=True):
        assert c.title == r.title
        assert c.doi == r.doi
        assert (c.year, c.journal, c.volume, c.issue, c.pages) == (
            r.year,
            r.journal,
            r.volume,
            r.issue,
            r.pages,
        )
        assert c.authors == r.authors
    # This short-layout CSV has no accession column, so only the RIS carries L-numbers.
    assert [r.other_ids["embase"] for r in from_ris][:2] == ["L373791783", "L39097156"]
    assert all("embase" not in c.other_ids for c in from_csv)


def test_embase_short_layout_fields():
    record = list(embase_csv.parse(lines(EMBASE_CSV)))[1]
    assert record.title.startswith("Endoscopic ultrasound-guided fine-needle aspiration")
    assert record.authors[0] == "Eloubeidi M.A."
    assert (record.journal, record.year, record.volume, record.issue, record.pages) == (
        "Cancer",
        2004,
        "102",
        "4",
        "253-258",
    )
    assert record.doi == "10.1002/cncr.20369"  # from the OpenURL "id=doi:" parameter
    assert record.keywords[:2] == ["adult", "aged"]
    assert record.line == 3


def test_embase_emtree_terms_keep_their_parenthesised_subheadings():
    record = next(embase_csv.parse(lines(EMBASE_CSV)))
    assert "bronchogenic duplication cyst (diagnosis, surgery)" in record.keywords


def test_embase_full_layout_gives_the_l_number_pmid_and_doi():
    text = (
        "Title,Author Names,Source title,Publication Year,Volume,Issue,First Page,Last Page,"
        "DOI,Embase Accession ID,Medline PMID,Article Language,Publication Type\n"
        '"Endoscopic ultrasound-guided fine-needle aspiration in the diagnosis of foregut '
        'duplication cysts","Eloubeidi M.A., Cohn M.",Cancer,2004,102,4,253,258,'
        "10.1002/cncr.20369,39097156,15258913,English,Article\n"
    )
    assert embase_csv.sniff(text)
    [record] = embase_csv.parse(lines_of(text))
    assert record.other_ids["embase"] == "L39097156"
    assert record.pmid == "15258913"
    assert record.doi == "10.1002/cncr.20369"
    assert (record.year, record.pages, record.language) == (2004, "253-258", "English")


def test_embase_sniff():
    assert embase_csv.sniff(head_of(EMBASE_CSV))
    assert not embase_csv.sniff(head_of(SCOPUS))
    assert not embase_csv.sniff(head_of(EMBASE_RIS))


# Generic CSV


def test_guess_mapping_from_common_spellings():
    header = next(iter(lines(SCOPUS)))[1]
    headers = [cell.strip('"') for cell in header.split('","')]
    assert generic_csv.guess_mapping(headers) == {
        "title": "Title",
        "abstract": "Abstract",
        "authors": "Authors",
        "year": "Year",
        "journal": "Source title",
        "volume": "Volume",
        "issue": "Issue",
        "doi": "DOI",
        "pmid": "PubMed ID",
        "keywords": "Author Keywords",
    }
    assert generic_csv.guess_mapping(["\ufeffArticle Title", "Publication Year", "DI"]) == {
        "title": "Article Title",
        "year": "Publication Year",
        "doi": "DI",
    }


def test_pubmed_csv_layout_with_guessed_mapping():
    found = list(generic_csv.parse(lines(GENERIC / "pubmed_layout_synthetic.csv")))
    assert [r.pmid for r in found] == ["12091962", "9997", "11748933"]
    assert found[2].authors[:3] == ["Taddei AR", "Barbato F", "Abelli L"]
    assert found[2].title.startswith("Is cryopreservation a homogeneous process? Ultrastructure")
    assert found[1].doi == "10.1016/0005-2795(76)90109-4"
    assert found[1].journal == "Biochim Biophys Acta"
    assert [r.year for r in found] == [1990, 1976, 2001]
    assert [r.line for r in found] == [2, 3, 4]


def test_semicolons_bom_and_a_quoted_field_over_two_lines():
    found = list(generic_csv.parse(lines(GENERIC / "semicolon_multiline_synthetic.csv")))
    assert len(found) == 2
    first, second = found
    assert first.abstract == (
        'The sensitivity of (13)C NMR imaging can be considerably favored; see "X-filter".'
    )
    assert first.authors == ["Casieri, C", "Testa, C", "Carpinelli, G"]
    assert first.doi == "10.1006/jmre.2001.2429"
    assert first.keywords == ["MRI", "J-editing"]
    assert (first.line, second.line) == (2, 5)  # a row's line is the one it starts on
    assert first.raw.count("\n") == 1  # the row's two original lines
    assert second.authors == ["Taddei, A R"]
    assert second.abstract == ""


def test_tab_delimited_with_a_user_mapping():
    text = "Name of paper\tWho\tWhen\nA tabbed title\tDoe, J; Roe, R\t2019\n"
    mapping = {"title": "Name of paper", "authors": "Who", "year": "When"}
    [record] = generic_csv.parse(lines_of(text), mapping=mapping)
    assert (record.title, record.authors, record.year) == (
        "A tabbed title",
        ["Doe, J", "Roe, R"],
        2019,
    )


def test_a_user_mapping_reads_the_scopus_export_too():
    mapping = {"title": "Title", "journal": "Abbreviated Source Title", "doi": "DOI"}
    first = next(generic_csv.parse(lines(SCOPUS), mapping=mapping))
    assert first.journal == "Digit. Health"
    assert first.doi == "10.1177/20552076261415846"


def test_no_title_column_is_refused_naming_it():
    with pytest.raises(ImportFailure) as failed:
        list(generic_csv.parse(lines(GENERIC / "bad_no_title.csv")))
    assert failed.value.message.startswith("no title column")
    assert "Authors, Year, DOI" in failed.value.message
    assert failed.value.field == "title"


def test_a_mapped_column_missing_from_the_header_is_refused():
    with pytest.raises(ImportFailure, match="“Headline” is not in the file's header"):
        list(generic_csv.parse(lines_of("Title,Year\nA,2000\n"), mapping={"title": "Headline"}))


def test_wrong_number_of_fields_names_the_rows_first_line():
    # The row comes as Rejected in its place; the import names it with every other one.
    rejected = [
        r
        for r in generic_csv.parse(lines(GENERIC / "bad_field_count.csv"))
        if isinstance(r, Rejected)
    ]
    assert [(r.line, "has 4 fields but the header has 3" in r.message) for r in rejected] == [
        (3, True)
    ]


def test_an_unclosed_quote_is_refused():
    text = 'Title,Year\n"Never closed,2000\nNext,2001\n'
    with pytest.raises(ImportFailure, match="malformed") as failed:
        list(generic_csv.parse(lines_of(text)))
    assert failed.value.line == 2


def test_generic_never_sniffs():
    assert not generic_csv.sniff(head_of(GENERIC / "pubmed_layout_synthetic.csv"))
    assert not generic_csv.sniff(head_of(SCOPUS))


# Damaged files: every CSV reader refuses what it cannot read as a row, naming the line. A row
# is never dropped: only rows whose every cell is empty are passed over.

CSV_READERS = [scopus_csv, embase_csv, generic_csv]
HEADER = '"Title","Authors","Year"\n'


@pytest.mark.parametrize("reader", CSV_READERS, ids=lambda module: module.NAME)
def test_text_between_rows_is_rejected_naming_its_line_and_reading_on(reader):
    text = HEADER + '"First","Doe J","2001"\nExported on 2021-01-05\n"Second","Roe R","2002"\n'

    items = list(reader.parse(lines_of(text)))
    assert items[1] == Rejected(
        "this row has 1 fields but the header has 3; "
        "a delimiter or quote is probably missing or extra",
        line=3,
    )
    assert [r.title for r in items if not isinstance(r, Rejected)] == ["First", "Second"]


@pytest.mark.parametrize("reader", CSV_READERS, ids=lambda module: module.NAME)
def test_a_last_row_cut_off_inside_a_cell_is_refused_naming_its_line(reader):
    text = HEADER + '"First","Doe J","2001"\n"Second","Roe R'

    with pytest.raises(ImportFailure, match="malformed") as failed:
        list(reader.parse(lines_of(text)))
    assert failed.value.line == 3


@pytest.mark.parametrize("reader", CSV_READERS, ids=lambda module: module.NAME)
def test_a_last_row_cut_off_between_cells_is_rejected_naming_its_line(reader):
    text = HEADER + '"First","Doe J","2001"\n"Second","Roe R"'

    last = list(reader.parse(lines_of(text)))[-1]
    assert isinstance(last, Rejected)
    assert "has 2 fields but the header has 3" in last.message
    assert last.line == 3


@pytest.mark.parametrize("reader", CSV_READERS, ids=lambda module: module.NAME)
def test_a_row_without_a_title_is_read_for_the_import_to_refuse(reader):
    # The import refuses a record without a title, naming it (tests/reviews/test_imports.py).
    text = HEADER + '"First","Doe J","2001"\n"","Roe R","2002"\n'

    assert [(r.title, r.line) for r in reader.parse(lines_of(text))] == [("First", 2), ("", 3)]
