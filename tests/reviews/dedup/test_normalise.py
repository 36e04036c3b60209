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
    ],
)
def test_title_key_drops_notes_case_accents_and_punctuation(raw, expected):
    assert normalise.title_key(raw) == expected


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
        ("van der Berg, J", ("vanderberg", "j")),
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
    "fn",
    [normalise.title_key, normalise.normalise_doi, normalise.normalise_pmid, normalise.text],
)
@pytest.mark.parametrize(
    "value", ["  The Trial.  [Chinese]", "http://dx.doi.org/10.1/X", "中国，糖尿病", "", "NA"]
)
def test_normalisers_are_idempotent(fn, value):
    assert fn(fn(value)) == fn(value)
