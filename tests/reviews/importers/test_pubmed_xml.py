"""PubMed XML reader: real EFetch samples (biopython), abridged real records with structured
abstracts and inline markup, synthetic MedlineDate and book records, and hostile XML."""

from pathlib import Path

import pytest

from reviews.importers import endnote_xml, pubmed_xml, xml_safety
from reviews.importers.base import ImportFailure, ParsedRecord, Skipped
from reviews.importers.decoding import detect_encoding, read_head

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
PUBMED = FIXTURES / "pubmed_xml"


def head_of(path: Path) -> str:
    head = read_head(path)
    return head.decode(detect_encoding(head))


def records(name: str):
    return list(pubmed_xml.parse(PUBMED / name))


def test_reads_every_article_of_the_real_samples():
    assert [r.pmid for r in records("biopython_pubmed1.xml")] == ["12091962", "9997"]
    assert [r.pmid for r in records("biopython_pubmed2.xml")] == ["11748933", "11700088"]


def test_real_article_fields():
    record = records("biopython_pubmed1.xml")[1]
    assert record.title == (
        "Magnetic studies of Chromatium flavocytochrome C552. "
        "A mechanism for heme-flavin interaction."
    )
    assert record.authors == ["Strekas, T C"]
    assert record.year == 1976
    assert record.journal == "Biochimica et biophysica acta"
    assert (record.volume, record.issue, record.pages) == ("446", "1", "179-91")
    assert record.doi == "10.1016/0005-2795(76)90109-4"  # from PubmedData/ArticleIdList
    assert record.language == "eng"
    assert record.other_ids == {"issn": "0006-3002"}
    assert record.abstract.startswith("Electron paramagnetic resonance and magnetic")
    assert "Heme" in record.keywords  # MeSH descriptor
    assert record.line == 4  # EFetch writes each article on one line


def test_season_date_keywords_and_publication_types():
    record = records("biopython_pubmed1.xml")[0]
    assert record.year == 1990  # <Year>1990</Year><Season>Spring</Season>
    assert record.doi == ""
    assert record.authors == ["Olivero, J Michael"]
    assert record.keywords[:2] == ["Health Care and Public Health", "Legal Approach"]
    assert "Prisoners" in record.keywords
    assert record.publication_type == "Journal Article; Review"


def test_structured_abstract_keeps_labels_and_flattens_markup():
    record = records("biopython_abridged.xml")[0]
    assert record.title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region "
        "and risk of pancreatic cancer."
    )
    assert record.abstract.startswith(
        "OBJECTIVE: Telomere shortening occurs as an early event in pancreatic tumorigenesis"
    )
    assert " DESIGN: We measured prediagnostic leucocyte telomere length" in record.abstract
    assert "OR 1.72; 95% CI 1.07 to 2.78; ptrend=0.048)" in record.abstract
    assert "(linkage disequilibrium r2<0.25)" in record.abstract
    assert record.abstract.endswith(
        "CONCLUSIONS: Prediagnostic leucocyte telomere length and genetic variants at the "
        "TERT gene region were associated with risk of pancreatic cancer."
    )
    assert "BMJ Publishing Group" not in record.abstract  # CopyrightInformation is not text
    assert record.doi == "10.1136/gutjnl-2016-312510"  # from ELocationID
    assert record.authors[-1] == "De Vivo, Immaculata"
    assert record.line == 6


def test_collective_author_pmcid_and_reference_list_ids_ignored():
    record = records("biopython_abridged.xml")[1]
    assert record.authors == [
        "Guo, Fumin",
        "Parraga, Grace",
        "Canadian Respiratory Research Network",
    ]
    assert record.pmid == "29963580"  # not the cited references' PMIDs
    assert record.other_ids == {"pmcid": "PMC6022861", "issn": "2329-4302"}
    assert record.doi == "10.1117/1.jmi.5.2.026002"
    assert record.keywords[2] == "image processing, biomarkers"
    assert "(1) inhaled He 3 / Xe 129 MRI ventilation" in record.abstract  # MathML as text
    assert record.line == 64


def test_medline_date_and_inline_bold_and_superscript():
    record = records("synthetic_dates_and_books.xml")[0]
    assert record.year == 1998  # <MedlineDate>1998 Dec-1999 Jan</MedlineDate>
    assert record.title == "Serum 25(OH)D and Ca2+ in older adults: a trial."
    assert record.abstract == (
        "BACKGROUND: Vitamin D status varies by season. "
        "METHODS: We randomised 120 adults aged ≥65 years. "
        "RESULTS: Serum levels rose by 20 nmol/L."
    )
    assert record.authors == ["Müller, Anna", "Zhang, W"]
    assert record.pages == "301-309"  # StartPage/EndPage when MedlinePgn is absent
    assert record.doi == ""
    assert record.keywords == ["Aged", "Vitamin D"]
    assert record.publication_type == "Randomized Controlled Trial; Journal Article"


def test_book_chapter_uses_its_own_authors_not_the_editors():
    record = records("synthetic_dates_and_books.xml")[1]
    assert record.title == "Screening records twice"
    assert record.journal == "Handbook of Test Records"
    assert record.authors == ["Author, Ada"]
    assert record.year == 2021
    assert record.pmid == "10000002"
    assert record.other_ids == {"accession": "NBK000002", "isbn": "9780000000002"}
    assert record.publication_type == "Review"
    assert record.line == 64


def test_raw_is_the_articles_own_xml():
    record = records("biopython_pubmed1.xml")[1]
    assert record.raw.startswith('<PubmedArticle><MedlineCitation Status="MEDLINE"')
    assert '<PMID Version="1">9997</PMID>' in record.raw
    assert record.raw.endswith("</PubmedArticle>")
    assert "12091962" not in record.raw  # the neighbouring article is not included


def test_sniff_accepts_pubmed_xml_only():
    for name in (
        "biopython_pubmed1.xml",
        "biopython_abridged.xml",
        "synthetic_dates_and_books.xml",
    ):
        assert pubmed_xml.sniff(head_of(PUBMED / name))
    assert not pubmed_xml.sniff(head_of(FIXTURES / "endnote_xml" / "synthetic_reexpressed.xml"))
    assert not pubmed_xml.sniff(head_of(FIXTURES / "embase" / "asreview_embase.ris"))
    assert not pubmed_xml.sniff("PMID- 12091962\nTI  - The treatment of AIDS\n")
    assert not endnote_xml.sniff(head_of(PUBMED / "biopython_pubmed1.xml"))


def test_billion_laughs_is_refused_before_parsing(monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("the parser must not see a file that declares entities")

    monkeypatch.setattr(xml_safety.etree, "iterparse", no_parsing)
    with pytest.raises(ImportFailure) as refused:
        records("bad_billion_laughs.xml")
    assert "entity declarations are not allowed" in refused.value.message
    assert refused.value.line == 3


def test_external_entity_is_refused():
    with pytest.raises(ImportFailure) as refused:
        records("bad_external_entity.xml")
    assert "entity declarations are not allowed" in refused.value.message
    assert refused.value.line == 4


def test_external_entity_is_not_expanded_even_without_the_prolog_check(monkeypatch):
    # Second line of defence: lxml itself is told not to resolve entities.
    monkeypatch.setattr(xml_safety, "refuse_entity_declarations", lambda path: None)
    [record] = records("bad_external_entity.xml")
    assert "root:" not in record.title and "root:" not in record.raw


def test_entity_declaration_after_a_long_comment_is_still_found(tmp_path):
    # Past the first 64 KB, and with a "<tag" inside the comment that is not the root.
    path = tmp_path / "padded.xml"
    padding = "<!-- <PubmedArticleSet> " + "x" * 70_000 + " -->\n"
    path.write_text(
        '<?xml version="1.0"?>\n' + padding + '<!DOCTYPE a [<!ENTITY e "e">]>\n<a>&e;</a>\n'
    )
    with pytest.raises(ImportFailure) as refused:
        list(pubmed_xml.parse(path))
    assert refused.value.line == 3


def test_entity_declaration_across_a_read_boundary_is_found(tmp_path):
    path = tmp_path / "boundary.xml"
    prefix = '<?xml version="1.0"?>\n<!DOCTYPE a [\n'
    filler = " " * (64 * 1024 - len(prefix) - 4)  # "<!ENTITY" starts 4 bytes before the cut
    path.write_text(prefix + filler + '<!ENTITY e "e">]>\n<a>&e;</a>\n')
    with pytest.raises(ImportFailure, match="entity declarations are not allowed"):
        list(pubmed_xml.parse(path))


def test_malformed_xml_names_the_line():
    with pytest.raises(ImportFailure) as failed:
        records("bad_malformed.xml")
    assert failed.value.message.startswith("the XML is malformed")
    assert failed.value.line == 8


def article(pmid: str, title: str, tag: str = "PubmedArticle") -> str:
    return (
        f"<{tag}><MedlineCitation><PMID>{pmid}</PMID><Article>"
        f"<ArticleTitle>{title}</ArticleTitle></Article></MedlineCitation></{tag}>"
    )


def test_an_element_that_is_not_an_article_and_stray_text_are_reported_as_skipped(tmp_path):
    path = tmp_path / "damaged.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<PubmedArticleSet>\n'
        f"{article('1', 'First')}\n"
        f"{article('2', 'Second', tag='PubmedArticl')}\n"
        "  a note pasted in  \n"
        f"{article('3', 'Third')}\n"
        "trailing words\n"
        "</PubmedArticleSet>\n"
    )

    items = list(pubmed_xml.parse(path))

    assert [type(item) for item in items] == [
        ParsedRecord,
        Skipped,
        Skipped,
        ParsedRecord,
        Skipped,
    ]
    assert [(items[0].title, items[0].line), (items[3].title, items[3].line)] == [
        ("First", 3),
        ("Third", 6),
    ]
    assert items[1] == Skipped(
        kind="element",
        message="a <PubmedArticl> element, which is not a record",
        line=4,
        end_line=4,
    )
    assert items[2] == Skipped(kind="text", message="text between records", line=5, end_line=5)
    assert items[4] == Skipped(
        kind="text", message="text after the last record", line=7, end_line=7
    )


def test_a_file_cut_off_inside_its_last_article_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "cut.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<PubmedArticleSet>\n'
        f"{article('1', 'First')}\n"
        "<PubmedArticle><MedlineCitation><PMID>2</PMID><Article>\n<ArticleTitle>Cut"
    )

    with pytest.raises(ImportFailure, match="the XML is malformed") as failed:
        list(pubmed_xml.parse(path))
    assert failed.value.line == 5


def test_nothing_in_the_real_samples_is_skipped():
    for path in sorted(PUBMED.glob("*.xml")):
        if path.name.startswith("bad_"):
            continue
        assert all(isinstance(item, ParsedRecord) for item in pubmed_xml.parse(path)), path
