"""RIS in every vendor's flavour: real exports (tests/fixtures/imports/ris/SOURCES.md) and
small hand-written files for line ends, missing ER and the like. Expected values are read
off the files."""

from pathlib import Path

import pytest

from reviews.importers import ris
from reviews.importers.base import ParsedRecord, Skipped
from reviews.importers.decoding import detect_encoding, numbered_lines, read_head

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "ris"
EMBASE = FIXTURES / "asreview_embase.ris"
OVID_CAB = FIXTURES / "synthesisr_Ovid_ris_example.ris"
OVID_PSYCINFO = FIXTURES / "asreview_ovid_psycinfo.ris"
PROQUEST = FIXTURES / "asreview_proquest.ris"
EBSCO = FIXTURES / "synthesisr_ASP_ebsco.ris"
SCOPUS = FIXTURES / "asreview_scopus.ris"
SCOPUS_BOM = FIXTURES / "asysd_scopus.ris"


def parse_file(path: Path):
    encoding = detect_encoding(read_head(path))
    return list(ris.parse(numbered_lines(path, encoding)))


def parse_text(text: str):
    return list(ris.parse(enumerate(text.split("\n"), start=1)))


def parse_bytes(tmp_path, data: bytes):
    path = tmp_path / "export.ris"
    path.write_bytes(data)
    return parse_file(path)


@pytest.fixture(scope="module")
def embase():
    return parse_file(EMBASE)


@pytest.fixture(scope="module")
def ovid_cab():
    return parse_file(OVID_CAB)


@pytest.fixture(scope="module")
def ovid_psycinfo():
    return parse_file(OVID_PSYCINFO)


@pytest.fixture(scope="module")
def proquest():
    return parse_file(PROQUEST)


@pytest.fixture(scope="module")
def ebsco():
    return parse_file(EBSCO)


@pytest.fixture(scope="module")
def scopus():
    return parse_file(SCOPUS)


@pytest.fixture(scope="module")
def scopus_bom():
    return parse_file(SCOPUS_BOM)


@pytest.mark.parametrize(
    ("path", "count"),
    [
        (EMBASE, 6),
        (OVID_CAB, 4),
        (OVID_PSYCINFO, 6),
        (PROQUEST, 6),
        (EBSCO, 4),
        (SCOPUS, 6),
        (SCOPUS_BOM, 10),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_every_record_of_each_vendor_export_is_read(path, count):
    assert len(parse_file(path)) == count


# --- Embase.com ---------------------------------------------------------------------------


def test_embase_file_with_bom_starts_its_first_record_on_line_1(embase):
    assert detect_encoding(read_head(EMBASE)) == "utf-8-sig"
    assert [r.line for r in embase] == [1, 51, 114, 197, 267, 317]
    assert embase[0].raw.startswith("TY  - JOUR\nM3  - Article\n")


def test_embase_record_gives_title_authors_year_journal_pages_and_doi(embase):
    record = embase[0]

    assert record.title == (
        "Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound"
    )
    assert record.authors == ["Liu R.", "Adler D.G."]
    assert record.year == 2014  # Y1  - 2014
    assert record.journal == "Endoscopic Ultrasound"  # JF
    assert (record.volume, record.issue, record.pages) == ("3", "3", "152-160")
    assert record.doi == "10.4103/2303-9027.138783"
    assert record.language == "English"
    assert record.publication_type == "Article"  # M3
    assert record.abstract.startswith(
        "Gastrointestinal tract duplication cysts are rare congenital gastrointestinal "
        "malformation in young patients and adults."
    )
    assert record.keywords[:3] == [
        "article",
        "bronchogenic duplication cyst",
        "colonic duplication cyst",
    ]
    assert len(record.keywords) == 22


def test_embase_l_number_from_u2_goes_to_other_ids(embase):
    assert [r.other_ids["embase"] for r in embase] == [
        "L373791783",
        "L39097156",
        "L2001373149",
        "L2001108924",
        "L361121190",
        "L624782849",
    ]


def test_embase_full_journal_name_wins_over_the_abbreviation(embase):
    assert embase[3].journal == "Clinics in Perinatology"  # JO  - Clin. Perinatol.
    assert embase[3].publication_type == "Review"


def test_embase_medline_pmid_from_c5_is_read(embase):
    # C5 appears exactly on the records also indexed in MEDLINE (DB  - Medline).
    assert [r.pmid for r in embase] == ["", "15368318", "", "30396417", "21218094", ""]


def test_embase_empty_db_line_does_not_break_the_record(embase):
    record = embase[2]  # has "DB  -" with nothing after it

    assert record.title == (
        "A case of completely isolated advanced enteric duplication cyst cancer performed "
        "partial pancreatectomy"
    )
    assert len(record.authors) == 12
    assert (record.volume, record.issue, record.pages) == ("54", "", "83-86")


# --- Ovid ---------------------------------------------------------------------------------


def test_ovid_record_numbers_and_links_between_records_are_ignored(ovid_cab):
    assert [r.line for r in ovid_cab] == [2, 39, 69, 104]
    assert all("Link to the Ovid" not in r.raw for r in ovid_cab)
    assert all(not r.raw.startswith(("1.", "2.")) for r in ovid_cab)


def test_ovid_raw_record_runs_from_ty_to_er(ovid_cab):
    source = OVID_CAB.read_text(encoding="utf-8").split("\n")

    assert ovid_cab[0].raw == "\n".join(source[1:34])  # lines 2-34


def test_ovid_cab_record_gives_title_authors_year_journal_pages_and_doi(ovid_cab):
    record = ovid_cab[0]

    assert record.title == "Detection of retention trees on clearcuts, a 50-year perspective."
    assert record.authors == ["Holmstrom, E.", "Nordstrom, E.", "Lariviere, D.", "Wallin, I."]
    assert record.year == 2020  # Y1  - 2020//
    assert record.journal == "Open Journal of Forestry"
    assert (record.volume, record.issue, record.pages) == ("10", "1", "110-123")
    assert record.doi == "10.4236/ojf.2020.101008"  # DO  - http://dx.doi.org/...
    assert record.other_ids["issn"] == "2163-0429"
    assert record.abstract.startswith("Changes in clearcut management over time were evaluated")
    assert record.keywords[0] == "aerial photography"
    assert len(record.keywords) == 11
    assert record.publication_type == "Journal article"


def test_ovid_dois_written_as_urls_are_normalised(ovid_cab, ovid_psycinfo):
    assert [r.doi for r in ovid_cab] == [
        "10.4236/ojf.2020.101008",
        "10.1098/rspb.2019.1969",
        "10.1016/j.jenvman.2019.109817",
        "",
    ]
    assert [r.doi for r in ovid_psycinfo] == [
        "10.1002/cpp.2398",
        "10.1177/1359105317742958",
        "10.1016/j.jpsychores.2019.02.002",
        "10.1080/08870446.2019.1662014",
        "10.1080/17482631.2019.1648945",
        "10.1007/s10880-019-09649-9",
    ]


def test_ovid_years_are_read_from_y1_with_trailing_slashes(ovid_cab):
    assert [r.year for r in ovid_cab] == [2020, 2020, 2020, 2019]


def test_ovid_psycinfo_authors_come_from_a1_not_the_cited_authors_in_a2(ovid_psycinfo):
    assert ovid_psycinfo[1].authors == [
        "Trindade, Ines A",
        "Ferreira, Claudia",
        "Duarte, Cristiana",
        "Pinto-Gouveia, Jose",
    ]
    assert ovid_psycinfo[1].title == (
        "Gender differences in inflammatory bowel disease: Explaining body image dissatisfaction."
    )
    assert ovid_psycinfo[1].journal == "Journal of Health Psychology"
    assert (ovid_psycinfo[1].volume, ovid_psycinfo[1].issue, ovid_psycinfo[1].pages) == (
        "24",
        "7",
        "847-856",
    )


def test_ovid_classification_code_in_m3_is_not_taken_for_a_publication_type(ovid_psycinfo):
    # M3  - Health & Mental Health Treatment & Prevention [3300]
    assert ovid_psycinfo[0].publication_type == "Journal article"


def test_ovid_no_pagination_specified_gives_no_pages(ovid_psycinfo):
    # Ovid writes "No Pagination Specified" as SP  - No / EP  - Specified.
    assert [r.pages for r in ovid_psycinfo] == ["", "847-856", "26-33", "", "", ""]


def test_ovid_tags_after_er_are_not_part_of_the_record(ovid_psycinfo):
    # Each Ovid record is followed by "NL  - <journal abbreviation>" after its ER.
    assert all("NL  -" not in r.raw for r in ovid_psycinfo)
    assert ovid_psycinfo[0].raw.endswith("ER  -")


# --- ProQuest -----------------------------------------------------------------------------


def test_proquest_record_gives_title_authors_year_journal_pages_and_doi(proquest):
    record = proquest[3]

    assert record.title == (
        "An online educational program for individuals with dissociative disorders and their "
        "clinicians: 1-year and 2-year follow-up"
    )
    assert record.authors[:2] == ["Brand, Bethany L", "Schielke, Hugo J"]
    assert len(record.authors) == 11
    assert record.year == 2019  # PY
    assert record.journal == "Journal of Traumatic Stress"
    assert (record.volume, record.issue, record.pages) == ("32", "1", "156-166")
    assert record.doi == "10.1002/jts.22370"
    assert record.language == "English"


def test_proquest_records_separated_by_several_blank_lines(proquest):
    assert [r.line for r in proquest] == [1, 45, 84, 119, 173, 234]
    assert [r.year for r in proquest] == [2019, 2019, 2019, 2019, 2018, 2018]


# --- EBSCOhost (CRLF) ---------------------------------------------------------------------


def test_ebsco_record_gives_title_authors_year_journal_pages_and_doi(ebsco):
    record = ebsco[0]

    assert record.title == (
        "“Living on the edge”: The role of field margins for common vole (Microtus arvalis) "
        "populations in recently colonised Mediterranean farmland."
    )
    assert record.authors == [
        "Rodríguez-Pastor, Ruth",
        "Luque-Larena, Juan José",
        "Lambin, Xavier",
        "Mougeot, François",
    ]
    assert record.year == 2016  # Y1  - 2016/09//
    assert record.journal == "Agriculture, Ecosystems & Environment"
    assert (record.volume, record.issue, record.pages) == ("231", "", "206-217")
    assert record.doi == "10.1016/j.agee.2016.06.041"  # L3
    assert record.abstract.startswith("Small rodents are common inhabitants of farmlands")


def test_ebsco_same_first_and_last_page_is_one_page(ebsco):
    assert ebsco[1].title == "£330,000 Welsh farmer scheme helps reduce flooding."
    assert ebsco[1].pages == "4"
    assert ebsco[1].year == 2018  # Y1  - 2018/05/04/
    assert ebsco[1].doi == ""


def test_ebsco_chinese_title_authors_and_keywords_survive(ebsco):
    record = ebsco[3]

    assert record.title == "2ZGK-6 型可调宽窄行高速水稻插秧机设计与试验."
    assert record.authors == ["朱德泉", "熊 玮", "蒋 锐", "武立权", "汪超贤", "朱 宏"]
    assert record.doi == "10.11975/j.issn.1002-6819.2016.21.005"
    assert record.keywords[-6:] == [
        "农业机械",
        "可调行距",
        "机构",
        "田间试验",
        "锁紧装置",
        "高速插秧机",
    ]


def test_ebsco_journal_comes_from_jf_not_the_english_title_in_t2(ebsco):
    # EBSCO puts the English title of a Chinese article in T2.
    assert ebsco[3].journal == "Transactions of the Chinese Society of Agricultural Engineering"


def test_ebsco_crlf_lines_keep_no_carriage_returns(ebsco):
    source = EBSCO.read_bytes().decode("utf-8").split("\r\n")

    assert all("\r" not in r.raw for r in ebsco)
    assert ebsco[0].raw == "\n".join(source[:33])  # lines 1-33


# --- Scopus -------------------------------------------------------------------------------


def test_scopus_record_gives_title_authors_year_journal_type_and_doi(scopus):
    record = scopus[0]

    assert record.title == (
        "Stress and the brain-gut axis in functional and chronic-inflammatory gastrointestinal "
        "diseases: A transdisciplinary challenge"
    )
    assert record.authors == ["Labanski, A.", "Langhorst, J.", "Engler, H.", "Elsenbruch, S."]
    assert record.year == 2020
    assert record.journal == "Psychoneuroendocrinology"  # T2
    assert record.volume == "111"
    assert record.doi == "10.1016/j.psyneuen.2019.104501"
    assert record.publication_type == "Review"  # M3
    assert record.language == "English"
    assert record.pmid == ""


def test_scopus_eid_from_the_record_url_goes_to_other_ids(scopus, scopus_bom):
    assert scopus[0].other_ids["scopus"] == "2-s2.0-85074596690"
    assert [r.other_ids["scopus"] for r in scopus_bom][:3] == [
        "2-s2.0-85214459603",
        "2-s2.0-85214320386",
        "2-s2.0-85211162703",
    ]


def test_scopus_record_whose_ur_line_is_fused_into_the_references_has_no_eid(scopus):
    # In this export the UR tag of record 3 is glued to the end of a reference line
    # ("... American Psychiatric PubUR  - https://..."), so it is not a tag.
    assert "scopus" not in scopus[2].other_ids
    assert scopus[2].title.startswith("Does symptom activity explain psychological differences")


def test_scopus_pmid_is_read_from_c2(scopus):
    assert [r.pmid for r in scopus] == [
        "",
        "31421429",
        "31627144",
        "31574429",
        "30704343",
        "31175206",
    ]


def test_scopus_untagged_reference_lines_continue_n1_and_start_no_record(scopus):
    assert [r.line for r in scopus] == [1, 226, 427, 569, 679, 897]
    assert scopus[4].title == "Exercise influence on the microbiome–gut–brain axis"
    assert (scopus[4].volume, scopus[4].issue, scopus[4].pages) == ("10", "5", "555-568")


def test_scopus_file_with_bom_starts_on_line_1_and_reads_every_field(scopus_bom):
    assert detect_encoding(read_head(SCOPUS_BOM)) == "utf-8-sig"
    record = scopus_bom[0]
    assert record.line == 1
    assert record.title == (
        "Development and Validation of a Robust and Straightforward LC-MS Method for Measuring "
        "Taurine in Whole Blood and Plasma of Dogs and Reference Intervals Calculation"
    )
    assert record.authors[-1] == "Sanchez del Pulgar, J."
    assert (record.year, record.journal, record.volume, record.issue) == (
        2025,
        "Animals",
        "15",
        "1",
    )
    assert record.doi == "10.3390/ani15010003"


def test_scopus_upper_case_doi_is_lower_cased(scopus_bom):
    assert scopus_bom[7].doi == "10.62757/iva.2024.101.11.18-22"  # DO  - 10.62757/IVA...


def test_scopus_typographic_apostrophe_in_a_name_survives(scopus_bom):
    assert "O’Rourke, B.A." in scopus_bom[6].authors


# --- hand-written files: structure --------------------------------------------------------

TWO_RECORDS = (
    "TY  - JOUR\nT1  - First title\nA1  - Smith, J.\nPY  - 2019\nER  - \n\n"
    "TY  - JOUR\nT1  - Second title\nAU  - Lee, K.\nPY  - 2020\nER  - \n"
)


def test_an_export_header_before_the_first_ty_is_ignored():
    text = "Provider: Some Database\nDatabase: Everything\nContent: text/plain\n\n"

    records = parse_text(text + TWO_RECORDS)

    assert [r.title for r in records] == ["First title", "Second title"]
    assert records[0].authors == ["Smith, J."]
    assert records[0].line == 5


def test_a_field_before_the_first_ty_is_a_record_not_part_of_the_header():
    text = "Provider: Some Database\nContent: text/plain\nAU  - Stray\n\n"

    records = parse_text(text + TWO_RECORDS)

    assert [(r.title, r.authors, r.line) for r in records] == [
        ("", ["Stray"], 3),
        ("First title", ["Smith, J."], 5),
        ("Second title", ["Lee, K."], 11),
    ]
    assert records[0].warnings == ["no TY line (record type unknown)"]


def test_a_missing_er_is_tolerated():
    records = parse_text("TY  - JOUR\nT1  - First title\nTY  - JOUR\nT1  - Second title\n")

    assert [r.title for r in records] == ["First title", "Second title"]
    assert [r.line for r in records] == [1, 3]


def test_a_missing_final_er_is_tolerated():
    records = parse_text("TY  - JOUR\nT1  - First title\nER  - \nTY  - JOUR\nT1  - Last one")

    assert [r.title for r in records] == ["First title", "Last one"]


# --- damaged files: nothing vanishes without a word -----------------------------------------


def test_a_record_without_its_ty_line_is_read_with_a_warning():
    text = (
        "TY  - JOUR\nTI  - first\nER  - \n\n"
        "TI  - second\nAU  - Doe, J\nER  - \n\n"
        "TY  - JOUR\nTI  - third\nER  - \n"
    )

    records = parse_text(text)

    assert [(r.title, r.line) for r in records] == [("first", 1), ("second", 5), ("third", 9)]
    assert records[1].authors == ["Doe, J"]
    assert records[1].publication_type == ""
    assert records[1].warnings == ["no TY line (record type unknown)"]
    assert records[1].raw == "TI  - second\nAU  - Doe, J\nER  - "
    assert records[0].warnings == records[2].warnings == []


def test_text_between_records_is_reported_as_skipped_with_its_lines():
    text = (
        "TY  - JOUR\nTI  - first\nER  - \n"
        "Notes someone typed\n\ninto the export\n"
        "TY  - JOUR\nTI  - second\nER  - \n"
        "and a last remark"
    )

    items = parse_text(text)

    assert [type(item) for item in items] == [ParsedRecord, Skipped, ParsedRecord, Skipped]
    assert items[1] == Skipped(kind="text", message="text between records", line=4, end_line=6)
    assert items[3] == Skipped(
        kind="text", message="text after the last record", line=10, end_line=10
    )
    assert [items[0].title, items[2].title] == ["first", "second"]


def test_a_last_record_cut_off_before_its_er_is_read_with_a_warning():
    records = parse_text("TY  - JOUR\nTI  - first\nER  - \nTY  - JOUR\nTI  - second\nAB  - The ab")

    assert [r.title for r in records] == ["first", "second"]
    assert records[0].warnings == []
    assert records[1].warnings == ["no ER line at the end of the file (the record may be cut off)"]


@pytest.mark.parametrize(
    "path", [EMBASE, OVID_CAB, OVID_PSYCINFO, PROQUEST, EBSCO, SCOPUS, SCOPUS_BOM], ids=str
)
def test_nothing_in_the_real_exports_is_skipped_or_warned_about(path):
    # Ovid's record numbers, "Link to the Ovid Full Text" lines and NL lines after ER are
    # known parts of its export, not lost data.
    items = parse_file(path)

    assert all(isinstance(item, ParsedRecord) and not item.warnings for item in items)


def test_wrapped_abstract_lines_without_a_tag_are_joined():
    text = (
        "TY  - JOUR\nT1  - T\nAB  - Small rodents are common inhabitants\n"
        "of farmlands where they play key\n   ecosystem roles.\nKW  - voles\nER  - \n"
    )

    record = parse_text(text)[0]

    assert record.abstract == (
        "Small rodents are common inhabitants of farmlands where they play key ecosystem roles."
    )
    assert record.keywords == ["voles"]


def test_one_space_before_the_dash_and_nothing_after_it_are_accepted():
    records = parse_text("TY - JOUR\nTI - Loose spacing\nER -\n")

    assert [r.title for r in records] == ["Loose spacing"]


def test_all_authors_in_one_au_line_are_split_on_semicolons():
    record = parse_text("TY  - JOUR\nAU  - Smith, J.; Lee, K.;Wong, A.\nER  - ")[0]

    assert record.authors == ["Smith, J.", "Lee, K.", "Wong, A."]


def test_a1_and_au_authors_are_read_in_file_order():
    record = parse_text("TY  - JOUR\nA1  - One, A.\nAU  - Two, B.\nA1  - Three, C.\nER  - ")[0]

    assert record.authors == ["One, A.", "Two, B.", "Three, C."]


def test_editors_stand_in_when_there_are_no_authors():
    record = parse_text("TY  - BOOK\nT1  - Edited book\nED  - Editor, E.\nER  - ")[0]

    assert record.authors == ["Editor, E."]
    assert record.publication_type == "Book"


def test_pages_written_as_one_range_in_sp_are_kept():
    record = parse_text("TY  - JOUR\nSP  - 616-617\nEP  - 617\nER  - ")[0]

    assert record.pages == "616-617"


@pytest.mark.parametrize(
    ("tags", "year"),
    [
        ("PY  - 2019///\n", 2019),
        ("Y1  - 2020//\n", 2020),
        ("DA  - 2018/05/04\n", 2018),
        ("PY  - 2019\nY1  - 2020//\n", 2019),
        ("", None),
    ],
)
def test_the_year_is_read_from_py_then_y1_then_da(tags, year):
    assert parse_text(f"TY  - JOUR\n{tags}ER  - ")[0].year == year


@pytest.mark.parametrize(
    ("tags", "journal"),
    [
        ("T2  - Gut\nJ2  - Gut\n", "Gut"),
        ("JF  - Cancer\nJO  - Cancer\n", "Cancer"),
        ("JO  - Farmers Weekly\n", "Farmers Weekly"),
        ("JA  - Clin. Perinatol.\n", "Clin. Perinatol."),
        ("T2  - English title of a Chinese article\nJF  - Real Journal\n", "Real Journal"),
    ],
)
def test_the_journal_is_read_from_jf_t2_jo_or_ja(tags, journal):
    assert parse_text(f"TY  - JOUR\n{tags}ER  - ")[0].journal == journal


def test_record_types_without_m3_are_named():
    types = [parse_text(f"TY  - {kind}\nER  - ")[0].publication_type for kind in ("JOUR", "CHAP")]

    assert types == ["Journal article", "Book chapter"]
    assert parse_text("TY  - ODDTYPE\nER  - ")[0].publication_type == "ODDTYPE"


def test_cochrane_central_id_is_read_from_the_record_url():
    record = parse_text(
        "TY  - JOUR\nT1  - Trial\n"
        "UR  - https://www.cochranelibrary.com/central/doi/10.1002/central/CN-01234567/full\nER  - "
    )[0]

    assert record.other_ids["central"] == "CN-01234567"


def test_web_of_science_accession_goes_to_other_ids():
    record = parse_text("TY  - JOUR\nAN  - WOS:000455011500001\nER  - ")[0]

    assert record.other_ids["wos"] == "WOS:000455011500001"


def test_the_pmid_is_read_from_a_pubmed_link():
    record = parse_text("TY  - JOUR\nUR  - https://pubmed.ncbi.nlm.nih.gov/31421429/\nER  - ")[0]

    assert record.pmid == "31421429"


def test_an_empty_input_has_no_records():
    assert parse_text("") == []
    assert parse_text("Just a header\nand nothing else") == []


# --- line ends and byte-order marks -------------------------------------------------------


@pytest.mark.parametrize(
    "convert",
    [
        lambda data: data.replace(b"\r\n", b"\n"),
        lambda data: data.replace(b"\r\n", b"\r"),
        lambda data: data,
    ],
    ids=["lf", "cr", "crlf"],
)
def test_ebsco_export_reads_the_same_with_any_line_ends(tmp_path, ebsco, convert):
    assert parse_bytes(tmp_path, convert(EBSCO.read_bytes())) == ebsco


@pytest.mark.parametrize("end", [b"\r\n", b"\r"], ids=["crlf", "cr"])
def test_ovid_export_reads_the_same_with_windows_or_old_mac_line_ends(tmp_path, ovid_cab, end):
    assert parse_bytes(tmp_path, OVID_CAB.read_bytes().replace(b"\n", end)) == ovid_cab


def test_ovid_export_reads_the_same_with_mixed_line_ends(tmp_path, ovid_cab):
    lines = OVID_CAB.read_bytes().split(b"\n")
    ends = [b"\n", b"\r\n", b"\r"]
    data = b""
    for n, line in enumerate(lines[:-1]):
        end = ends[n % 3]
        if end == b"\r" and lines[n + 1] == b"":
            end = b"\r\n"  # "\r" then an empty line ended by "\n" would read as one "\r\n"
        data += line + end
    data += lines[-1]

    assert parse_bytes(tmp_path, data) == ovid_cab


def test_a_utf8_bom_before_ty_is_ignored_even_when_the_encoding_keeps_it():
    records = parse_text("\ufeffTY  - JOUR\nT1  - With BOM\nER  - ")

    assert [(r.title, r.line) for r in records] == [("With BOM", 1)]


def test_a_utf16_export_with_bom_is_read(tmp_path):
    data = ("TY  - JOUR\r\nT1  - 针刺治疗失眠\r\nAU  - 王小明\r\nER  - \r\n").encode("utf-16")

    records = parse_bytes(tmp_path, data)

    assert [(r.title, r.authors) for r in records] == [("针刺治疗失眠", ["王小明"])]


def test_sniff_recognises_ris_and_not_medline():
    assert ris.sniff(OVID_CAB.read_text(encoding="utf-8")[:3000])
    assert ris.sniff("\ufeffTY  - JOUR\n")
    assert ris.sniff("TY - JOUR\n")
    assert not ris.sniff("PMID- 1\nTI  - MEDLINE\n")


def test_c5_is_not_taken_for_a_pmid_outside_embase():
    record = parse_text("TY  - JOUR\nC5  - 12345678\nDB  - Some Database\nER  - ")[0]

    assert record.pmid == ""


@pytest.mark.parametrize(
    "tags",
    ["SP  - No\nEP  - Specified\n", "SP  - No Pagination Specified\n"],
    ids=["split", "whole"],
)
def test_no_pagination_specified_gives_no_pages(tags):
    assert parse_text(f"TY  - JOUR\n{tags}ER  - ")[0].pages == ""


def test_accession_numbers_of_other_databases_are_not_taken_for_pmids(tmp_path):
    from reviews.importers import ris

    text = "TY  - JOUR\nTI  - An EBSCO record\nAN  - 117372971\nDB  - a9h\nER  - \n"
    medline = (
        "TY  - JOUR\nTI  - An Ovid MEDLINE record\nAN  - 31421429\nDB  - Ovid MEDLINE(R)\nER  - \n"
    )
    lines = list(enumerate((text + medline).splitlines(), start=1))
    records = list(ris.parse(lines))
    assert [r.pmid for r in records] == ["", "31421429"]


def test_doi_is_not_taken_from_the_reference_list_in_n1():
    from reviews.importers import ris

    text = "TY  - JOUR\nTI  - Cites another paper\nN1  - References: Doe J, 10.1000/cited\nER  - \n"
    (record,) = ris.parse(enumerate(text.splitlines(), start=1))
    assert record.doi == ""
