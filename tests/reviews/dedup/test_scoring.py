"""Field similarities and the combined score."""

from reviews.dedup import scoring
from reviews.dedup.engine import AUTO_THRESHOLD, REVIEW_THRESHOLD, DedupRecord
from reviews.dedup.records import features


def _sims(a: DedupRecord, b: DedupRecord) -> dict[str, float]:
    return scoring.field_similarities(features(a), features(b))


def test_abbreviated_and_full_journal_names_agree():
    for short, full in [
        ("Curr Opin Lipidol", "Current Opinion in Lipidology"),
        ("Nat Rev Nephrol", "Nature Reviews. Nephrology"),
        ("J Clin Endocrinol Metab", "Journal of Clinical Endocrinology and Metabolism"),
        ("Cochrane Database Syst Rev", "Cochrane Database of Systematic Reviews (Online)"),
        ("Journal of Clinical Oncology", "Journal of clinical oncology : official journal of ASCO"),
        ("JAMA", "Journal American Medical Association"),
    ]:
        sims = _sims(DedupRecord(1, journal=short), DedupRecord(2, journal=full))
        assert sims["journal"] == 1.0, (short, full)
    sims = _sims(DedupRecord(1, journal="Curr Opin Lipidol"), DedupRecord(2, journal="Lancet"))
    assert sims["journal"] < 0.5


def test_journal_name_run_together_agrees_with_its_spaced_forms():
    for other in ("Journal of Thoracic & Cardiovascular Surgery", "J Thorac Cardiovasc Surg"):
        sims = _sims(DedupRecord(1, journal="Jthoraccardiovascsurg"), DedupRecord(2, journal=other))
        assert sims["journal"] == 1.0, other
    # each piece must start its word: "neur" + "ology" is not "Neuro-Oncology"
    sims = _sims(DedupRecord(1, journal="Neurology"), DedupRecord(2, journal="Neuro-Oncology"))
    assert sims["journal"] < 0.85


def test_journal_section_after_a_dash_agrees_with_the_main_title_only():
    main = DedupRecord(1, journal="Nephron")
    clinical = DedupRecord(2, journal="Nephron - Clinical Practice.")
    experimental = DedupRecord(3, journal="Nephron - Experimental Nephrology")
    assert _sims(main, clinical)["journal"] == 1.0
    # two sections share only their first part; that is not the same journal
    assert _sims(clinical, experimental)["journal"] < 0.85


def test_author_formats_agree():
    a = DedupRecord(1, authors=("Smith J", "Jones AB"))
    for other in [("Smith, John", "Jones, A. B."), ("J. Smith", "A. B. Jones"), ("Smith J.",)]:
        assert _sims(a, DedupRecord(2, authors=other))["authors"] == 1.0, other
    assert _sims(a, DedupRecord(2, authors=("Brown K", "Green L")))["authors"] < 0.3


def test_author_name_particles_agree():
    a = DedupRecord(1, authors=("Quintrec, M.", "Zuber, J."))
    for first in ("Le, Quintrec M.", "Le Quintrec, M.", "Le Quintrec M"):
        assert _sims(a, DedupRecord(2, authors=(first, "Zuber, J.")))["authors"] == 1.0, first


def test_author_order_matters_for_the_first_author():
    a = DedupRecord(1, authors=("Smith J", "Jones A"))
    b = DedupRecord(2, authors=("Jones A", "Smith J"))
    assert 0.4 < _sims(a, b)["authors"] < 1.0


def test_page_forms_agree():
    for x, y in [("123-9", "123-129"), ("123-129", "123"), ("c37-c42", "37-42")]:
        assert _sims(DedupRecord(1, pages=x), DedupRecord(2, pages=y))["pages"] == 1.0, (x, y)
    assert _sims(DedupRecord(1, pages="488"), DedupRecord(2, pages="487-488"))["pages"] == 0.5
    assert _sims(DedupRecord(1, pages="1-6"), DedupRecord(2, pages="e12724"))["pages"] == 0.5
    assert _sims(DedupRecord(1, pages="123-9"), DedupRecord(2, pages="300-310"))["pages"] == 0.0


def test_one_mistyped_start_page_digit_is_not_a_disagreement():
    typo = DedupRecord(1, volume="24", pages="2297-2108")
    assert _sims(typo, DedupRecord(2, volume="24", pages="2097-2108"))["pages"] == 0.5
    # only when the end page and the volume agree
    assert _sims(typo, DedupRecord(2, volume="25", pages="2097-2108"))["pages"] == 0.0
    assert _sims(typo, DedupRecord(2, pages="2097-2108"))["pages"] == 0.0
    assert _sims(typo, DedupRecord(2, volume="24", pages="2097-2109"))["pages"] == 0.0
    assert _sims(typo, DedupRecord(2, volume="24", pages="1997-2108"))["pages"] == 0.0


def test_missing_fields_are_neutral_not_disagreement():
    sims = _sims(
        DedupRecord(1, title="A trial of X", volume="3"), DedupRecord(2, title="A trial of X")
    )
    assert "volume" not in sims and "pages" not in sims and "doi" not in sims


def test_chinese_titles_compare_character_by_character():
    a = DedupRecord(1, title="阿司匹林预防房颤患者卒中的随机对照研究")
    b = DedupRecord(2, title="阿司匹林预防房颤患者卒中的随机对照研究。")
    c = DedupRecord(3, title="阿司匹林预防房颤患者卒中的队列研究")
    assert _sims(a, b)["title"] == 1.0
    assert 0.7 < _sims(a, c)["title"] < 1.0


def test_chinese_title_is_not_compared_with_an_english_one_without_a_translation():
    zh = DedupRecord(1, title="阿司匹林预防房颤患者卒中")
    en = DedupRecord(2, title="Aspirin for stroke prevention in atrial fibrillation")
    assert "title" not in _sims(zh, en)
    zh_t = DedupRecord(1, title=zh.title, translated_title=en.title)
    assert _sims(zh_t, en)["title"] == 1.0


def test_title_with_added_subtitle_is_close():
    a = DedupRecord(1, title="Regional immunotherapy with intrapleural BCG for lung cancer")
    b = DedupRecord(
        2,
        title="Regional immunotherapy with intrapleural BCG for lung cancer. "
        "Surgical considerations",
    )
    assert _sims(a, b)["title"] == scoring.TITLE_CONTAINED


def test_subtitle_run_into_the_title_is_a_weaker_containment():
    short = "Inherited complement regulatory protein deficiency predisposes to chronic states"
    glued = DedupRecord(2, title=short + "the examples of vascular damage in atypical HUS")
    assert _sims(DedupRecord(1, title=short), glued)["title"] == scoring.TITLE_GLUED
    # Not run together: a longer last word ("child" -> "children") or the next part ("part i"
    # -> "part ii ..."). Such titles are close anyway; the rule itself must not fire.
    base = "inherited complement regulatory protein deficiency in the"
    assert not scoring._glued_subtitle(base + " child", base + " children")
    assert not scoring._glued_subtitle(base + " part i", base + " part ii and the review")


FULL = dict(
    title="Intestinal lipoprotein overproduction in insulin-resistant states",
    authors=("Adeli K.", "Lewis G. F."),
    year=2008,
    journal="Curr Opin Lipidol",
    volume="19",
    issue="3",
    pages="237-41",
)


def test_same_paper_from_two_databases_scores_above_auto():
    a = DedupRecord(1, **FULL)
    b = DedupRecord(
        2,
        title="Intestinal lipoprotein overproduction in insulin resistant states.",
        authors=("Adeli, Khosrow", "Lewis, Gary F"),
        year=2008,
        journal="Current Opinion in Lipidology",
        volume="19",
        issue="3",
        pages="237-241",
    )
    assert scoring.score(_sims(a, b)) >= AUTO_THRESHOLD


def test_same_title_different_year_volume_and_pages_is_not_auto():
    # e.g. a Cochrane review and its update, or an abstract and the later full paper
    a = DedupRecord(1, **FULL)
    b = DedupRecord(2, **{**FULL, "year": 2012, "volume": "23", "pages": "500-510"})
    assert scoring.score(_sims(a, b)) < REVIEW_THRESHOLD


def test_erratum_with_the_same_title_is_not_auto():
    a = DedupRecord(1, **FULL)
    same_pages = DedupRecord(2, **{**FULL, "title": "Erratum: " + FULL["title"]})
    assert scoring.score(_sims(a, same_pages)) < AUTO_THRESHOLD
    later = DedupRecord(
        3, **{**FULL, "title": "Erratum: " + FULL["title"], "issue": "5", "pages": "601"}
    )
    assert scoring.score(_sims(a, later)) < REVIEW_THRESHOLD


def test_two_forms_of_one_correction_notice_match_each_other():
    paper = dict(authors=("Philipp, T.",), year=2009, journal="N Engl J Med", volume="360")
    embase = DedupRecord(
        1,
        title="Eculizumab for atypical hemolytic-uremic syndrome (New England Journal of "
        "Medicine (2009) 360 (542-544))",
        issue="23",
        pages="2487",
        **paper,
    )
    wos = DedupRecord(
        2,
        title="Eculizumab for Atypical Hemolytic-Uremic Syndrome (vol 360, pg 542, 2009)",
        issue="23",
        pages="2487-2487",
        **paper,
    )
    corrected = DedupRecord(
        3,
        title="Eculizumab for atypical hemolytic-uremic syndrome",
        issue="5",
        pages="542-544",
        **{**paper, "authors": ("Nurnberger, J.", "Philipp, T.", "Witzke, O.")},
    )
    assert scoring.score(_sims(embase, wos)) >= AUTO_THRESHOLD
    # and neither is taken for the paper it corrects
    for notice in (embase, wos):
        assert scoring.score(_sims(notice, corrected)) < REVIEW_THRESHOLD


def test_letter_and_reply_by_other_authors_stay_apart():
    common = dict(year=2004, journal="Pediatric Nephrology", volume="19", issue="8")
    title = "Atypical hemolytic uremic syndrome associated with group A streptococcus"
    letter = DedupRecord(
        1, title=title, authors=("Yildiz, B.", "Kural, N."), pages="943-945", **common
    )
    reply = DedupRecord(
        2,
        title=title + " - Reply",
        authors=("Shepherd, A. B.", "Palmer, A. L."),
        pages="945",
        **common,
    )
    assert scoring.score(_sims(letter, reply)) < REVIEW_THRESHOLD


def test_different_dois_weigh_against():
    a = DedupRecord(1, **FULL, doi="10.1000/a")
    b = DedupRecord(2, **FULL, doi="10.1000/b")
    c = DedupRecord(3, **FULL)
    assert scoring.evidence(_sims(a, b)) <= scoring.evidence(_sims(a, c)) + scoring.DOI_DIFFERENT
