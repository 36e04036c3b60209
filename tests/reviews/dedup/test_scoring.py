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


def test_author_formats_agree():
    a = DedupRecord(1, authors=("Smith J", "Jones AB"))
    for other in [("Smith, John", "Jones, A. B."), ("J. Smith", "A. B. Jones"), ("Smith J.",)]:
        assert _sims(a, DedupRecord(2, authors=other))["authors"] == 1.0, other
    assert _sims(a, DedupRecord(2, authors=("Brown K", "Green L")))["authors"] < 0.3


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


def test_different_dois_weigh_against():
    a = DedupRecord(1, **FULL, doi="10.1000/a")
    b = DedupRecord(2, **FULL, doi="10.1000/b")
    c = DedupRecord(3, **FULL)
    assert scoring.evidence(_sims(a, b)) <= scoring.evidence(_sims(a, c)) + scoring.DOI_DIFFERENT
