"""Each normalisation on the forms real exports use."""

import pytest

from reviews.dedup import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1097/MOL.0b013e3282ffaf82", "10.1097/mol.0b013e3282ffaf82"),
        ("http://dx.doi.org/10.1097/MOL.0b013e3282ffaf82", "10.1097/mol.0b013e3282ffaf82"),
        ("https://doi.org/10.1000/ABC.", "10.1000/abc"),
        ("doi: 10.1000/xyz;", "10.1000/xyz"),
        ("ＤＯＩ：10．1000／ＡＢＣ", "10.1000/abc"),  # full-width forms
        ("NA", ""),
        ("", ""),
    ],
)
def test_doi_is_normalised(raw, expected):
    assert normalise.normalise_doi(raw) == expected


def test_pmid_keeps_digits_only():
    assert normalise.normalise_pmid("PMID: 0012345") == "12345"
    assert normalise.normalise_pmid("") == ""


def test_source_ids_drop_prefixes_and_punctuation():
    assert normalise.normalise_id("L600123456") == normalise.normalise_id("600123456")
    assert normalise.normalise_id("CN-01234567") == "01234567"
    assert normalise.normalise_id("WOS:000123") == "000123"
    assert normalise.normalise_id("PMC123456") == "123456"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The effect of X on Y.", "the effect of x on y"),
        ("Effect of batroxobin. [Chinese]", "effect of batroxobin"),
        ("[Effect of X on the Y in Z]. [Article in Chinese]", "effect of x on the y in z"),
        ("Update on HPV infection. [Review] [33 refs]", "update on hpv infection"),
        (
            "Robot-assisted gait.[Erratum appears in Exp Brain Res. 2010 May;202(4):821]",
            "robot assisted gait",
        ),
        ('"[A new paracentesis needle]"', "a new paracentesis needle"),
        ("Héllo wörld in Zürich", "hello world in zurich"),
        # a note holding a note of its own, then a second note cut off by the length limit
        (
            "Anti-Factor H autoantibodies.[Erratum appears in Am J Transplant. 2009 Sep;9(9):2205 "
            "Note: Niauif, P [added]].[Erratum",
            "anti factor h autoantibodies",
        ),
        (
            "Successful liver transplantation: Brief communication",
            "successful liver transplantation",
        ),
    ],
)
def test_title_key_drops_notes_case_accents_and_punctuation(raw, expected):
    assert normalise.title_key(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "Eculizumab for atypical HUS (vol 360, pg 542, 2009)",  # Web of Science
        "Eculizumab for atypical HUS (New England Journal of Medicine (2009) 360 (542-544))",
        "Erratum: Eculizumab for atypical HUS (The New England Journal of Medicine (M",  # cut off
        "Erratum: Eculizumab for atypical HUS",
        "Correction to: Eculizumab for atypical HUS",
        '"Eculizumab for atypical HUS": Correction',
        "Eculizumab for atypical HUS - Reply",
        "Eculizumab for atypical HUS AUTHORS REPLY",
    ],
)
def test_notice_markers_and_the_corrected_papers_citation_leave_the_title(raw):
    assert normalise.title_key(raw) == "eculizumab for atypical hus"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # notice words that begin or end a paper's own title stay
        ("Correction of post-stroke cognitive impairments", "correction of post stroke cognitive"),
        ("Response-adapted therapy in Hodgkin lymphoma", "response adapted therapy in hodgkin"),
        ("A trial of aspirin: dose-response", "a trial of aspirin dose response"),
        # a study name in brackets is not a citation
        (
            "Radiofrequency ablation (the RAPTURE study)",
            "radiofrequency ablation the rapture study",
        ),
    ],
)
def test_titles_that_only_look_like_notices_keep_their_words(raw, expected):
    assert normalise.title_key(raw).startswith(expected)


def test_chinese_full_width_punctuation_and_spacing_fold_away():
    # Full-width comma/colon/brackets (NFKC) and 、。《》 (mapped) vanish; no spaces between
    # characters, so the same title typed two ways gives the same key.
    a = normalise.title_key("《中国》糖尿病，患者（2型）：随机对照研究。")
    b = normalise.title_key("中国 糖尿病, 患者(2型): 随机对照研究")
    assert a == b == "中国糖尿病患者2型随机对照研究"
    assert normalise.has_cjk(a)
    assert not normalise.has_cjk("Diabetes in China")


def test_full_width_latin_folds_to_ascii():
    assert normalise.title_key("ＴＲＩＡＬ ｏｆ Ｘ") == "trial of x"


def test_bilingual_title_gives_each_part():
    parts = normalise.title_parts(
        "Utilidad de los antimicrobianos en la toracostomia; Are antimicrobials useful in "
        "closed thoracostomy?"
    )
    assert "are antimicrobials useful in closed thoracostomy" in parts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Smith J", ("smith", "j")),
        ("Smith JA", ("smith", "ja")),
        ("Smith, John", ("smith", "j")),
        ("Smith, John A.", ("smith", "ja")),
        ("J. Smith", ("smith", "j")),
        ("J. A. Smith", ("smith", "ja")),
        ("John Smith", ("smith", "j")),
        ("Smith J. A.", ("smith", "ja")),
        ("Adeli K.", ("adeli", "k")),
        ("van der Berg, J", ("berg", "j")),  # particles dropped: indexed with and without
        ("J. van der Berg", ("berg", "j")),
        ("Le Quintrec, M.", ("quintrec", "m")),
        ("Le, Quintrec M.", ("quintrec", "m")),  # "Le Quintrec M" split at the first space
        ("Le, T. H.", ("le", "th")),  # a surname that is only a particle stays
        ("Le, Thi H.", ("le", "th")),  # a short given name is not joined to it
        ("Müller, Jörg", ("muller", "j")),
        ("张三", ("张三", "")),
        ("", ("", "")),
    ],
)
def test_author_formats_give_the_same_surname_and_initials(raw, expected):
    assert normalise.author_surname_initials(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123-9", ("123", "129")),
        ("123-129", ("123", "129")),
        ("123", ("123", "")),
        ("1030-7", ("1030", "1037")),
        ("S12–S15", ("s12", "s15")),
        ("e1002345", ("e1002345", "")),
        ("01-Jun", ("", "")),  # a spreadsheet turned "1-6" into a date
        ("", ("", "")),
    ],
)
def test_page_forms(raw, expected):
    assert normalise.page_range(raw) == expected


def test_journal_tokens_drop_stop_words_and_notes():
    assert normalise.journal_tokens("Cochrane Database of Systematic Reviews (Online)") == (
        "cochrane",
        "database",
        "systematic",
        "reviews",
    )
    variants = normalise.journal_variants("Journal of clinical oncology : official journal")
    assert ("journal", "clinical", "oncology") in variants


def test_journal_parts_split_at_a_spaced_dash_only():
    assert ("nephron",) in normalise.journal_variants("Nephron - Clinical Practice.")
    assert normalise.journal_variants("Haematologica-the Hematology Journal") == (
        ("haematologica", "hematology", "journal"),
    )


@pytest.mark.parametrize(
    ("doi", "journal", "ptype", "expected"),
    [
        ("10.1101/2020.03.01.123456", "", "", True),  # bioRxiv / medRxiv
        ("10.1101/gr.123456.110", "Genome Research", "", False),  # Cold Spring Harbor journal
        ("10.21203/rs.3.rs-12345/v1", "", "", True),  # Research Square
        ("10.2139/ssrn.3551234", "", "", True),
        ("", "medRxiv", "", True),
        ("", "arXiv", "", True),
        ("", "", "Preprint", True),
        ("10.1056/nejmoa2001234", "N Engl J Med", "Journal Article", False),
    ],
)
def test_preprint_detection(doi, journal, ptype, expected):
    assert normalise.is_preprint(doi=doi, journal=journal, publication_type=ptype) is expected


def test_notices_are_detected_from_the_title_start_only():
    assert normalise.notice_kind("Erratum: Severe deficiency of ADAMTS13") == "erratum"
    assert normalise.notice_kind("Reply to: Eculizumab in aHUS") == "reply"
    assert normalise.notice_kind("Robot gait.[Erratum appears in Exp Brain Res]") == ""
    assert normalise.notice_kind("Trial of X") == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Severe deficiency of ADAMTS13 (vol 142, pg 310, 2003)", "erratum"),
        ("Eculizumab for aHUS (New England Journal of Medicine (2009) 360 (542-544))", "erratum"),
        ("Correction to: Severe deficiency of ADAMTS13", "erratum"),  # one family
        ('Corrigendum to "Severe deficiency of ADAMTS13"', "erratum"),
        ('"Escitalopram for poststroke depression": Correction', "erratum"),
        ("Gait training (Retraction of vol 7, art no e123, 2012)", "retraction"),
        ("Group A streptococcus in aHUS - Reply", "reply"),
        ("Thrombomodulin in aHUS AUTHORS REPLY", "reply"),
        ("Trial of aspirin: dose-response", ""),
        ("Radiofrequency ablation (the RAPTURE study)", ""),
        ("Atypical HUS in children (2 cases)", ""),
    ],
)
def test_notices_are_also_detected_from_the_title_end(raw, expected):
    assert normalise.notice_kind(raw) == expected


@pytest.mark.parametrize(
    "fn",
    [normalise.title_key, normalise.normalise_doi, normalise.normalise_pmid, normalise.text],
)
@pytest.mark.parametrize(
    "value",
    [
        "  The Trial.  [Chinese]",
        "http://dx.doi.org/10.1/X",
        "中国，糖尿病",
        "",
        "NA",
        "Erratum: The trial of aspirin (vol 12, pg 3, 2003)",
        "The trial of aspirin - Reply",
    ],
)
def test_normalisers_are_idempotent(fn, value):
    assert fn(fn(value)) == fn(value)
