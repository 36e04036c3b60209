"""PRISMA 2020 counts (issue #5), from imports, deduplication and both screening stages, on a
hand-built review where every box is known in advance.

Every record here is synthetic (made-up titles, test DOIs under 10.5555)."""

import pytest

from reviews.deduplication import dedup_now
from reviews.models import SearchImport
from screening.fulltext import fulltext_mark_not_retrieved
from screening.models import StageSettings
from screening.prisma import prisma_counts
from screening.services import conflict_resolve, decision_record
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT, TA, TITLES

KEYS = {
    "identified",
    "duplicates_removed",
    "records_screened",
    "records_excluded",
    "reports_sought",
    "reports_not_retrieved",
    "reports_assessed",
    "reports_excluded",
    "studies_included",
    "reports_included",
    "progress",
    "notes",
}


def imported(review, user, database, rows):
    """A completed import, with the record count the import pipeline would set."""
    records = make_import(review, user, database, rows)
    SearchImport.objects.filter(pk=records[0].search_import_id).update(record_count=len(rows))
    return records


def decide(user, review, record, decision, stage=TA, reason=""):
    decision_record(
        reviewer=user,
        review=review,
        record_id=record.pk,
        stage=stage,
        decision=decision,
        reason=reason,
    )


def both(review, record, first, second, a, b, stage=TA, reasons=("", "")):
    decide(a, review, record, first, stage, reasons[0])
    decide(b, review, record, second, stage, reasons[1])


def resolve(lead, review, record, decision, stage=TA, reason=""):
    conflict_resolve(
        resolver=lead,
        review=review,
        record_id=record.pk,
        stage=stage,
        decision=decision,
        reason=reason,
    )


@pytest.fixture
def scenario(review, lead, reviewer, reviewer2):
    """PubMed 5 records, Embase 4; one publication in both (same DOI), merged by dedup.

    Title/abstract, 8 unique records: A, B included by agreement; E included by the lead
    after a conflict; C, F excluded by agreement; D excluded by the lead after a conflict;
    G pending (one decision of two); H an open conflict.
    Full text, 3 reports: A excluded by agreement (wrong population); B excluded by the lead
    after a conflict (wrong study design); E included."""
    a, b, c, d, e = imported(
        review,
        lead,
        "pubmed",
        [
            ("Autologous fat grafting for atrophic acne scars: a randomised trial", "10.5555/a"),
            ("Fractional carbon dioxide laser resurfacing in Asian skin", "10.5555/b"),
            ("Platelet-rich plasma injections for knee osteoarthritis", "10.5555/c"),
            ("Cognitive behavioural therapy for insomnia in adolescents", "10.5555/d"),
            ("Mediterranean diet and cardiovascular events in older adults", "10.5555/e"),
        ],
    )
    a2, f, g, h = imported(
        review,
        lead,
        "embase",
        [
            ("Autologous fat grafting for atrophic acne scars: a randomised trial", "10.5555/a"),
            ("Acupuncture for chronic low back pain: a pragmatic trial", "10.5555/f"),
            ("Mindfulness-based stress reduction for nurses", "10.5555/g"),
            ("Vitamin D supplementation and fracture risk", "10.5555/h"),
        ],
    )
    dedup_now(review=review, user=None)
    a.refresh_from_db()
    assert a.cluster is not None and a.cluster.members.count() == 2
    primary = a if a.cluster.primary_id == a.pk else a2

    r1, r2 = reviewer, reviewer2
    both(review, primary, "include", "include", r1, r2)
    both(review, b, "include", "include", r1, r2)
    both(review, c, "exclude", "exclude", r1, r2)
    both(review, d, "include", "exclude", r1, r2)
    resolve(lead, review, d, "exclude")
    both(review, e, "include", "maybe", r1, r2)
    resolve(lead, review, e, "include")
    both(review, f, "exclude", "exclude", r1, r2)
    decide(r1, review, g, "include")
    both(review, h, "include", "exclude", r1, r2)

    pop = "Wrong population"
    both(review, primary, "exclude", "exclude", r1, r2, FT, (pop, pop))
    both(review, b, "include", "exclude", r1, r2, FT, ("", "Wrong outcome"))
    resolve(lead, review, b, "exclude", FT, "Wrong study design")
    both(review, e, "include", "include", r1, r2, FT)
    return {"a": primary, "b": b, "e": e, "g": g, "h": h}


EXPECTED = {
    "identified": {"PubMed / MEDLINE": 5, "Embase": 4, "total": 9},
    "duplicates_removed": 1,
    "records_screened": 8,
    "records_excluded": 3,
    "reports_sought": 3,
    "reports_not_retrieved": 0,
    "reports_assessed": 3,
    "reports_excluded": {
        "total": 2,
        "reasons": {"Wrong population": 1, "Wrong study design": 1},
    },
    "studies_included": 1,
    "reports_included": 1,
    # g has one decision of two, h a conflict: title/abstract is still in progress.
    "progress": {
        "title_abstract": {"status": "in_progress", "screened": 6, "awaiting": 1, "conflicts": 1},
        "full_text": {"status": "complete", "screened": 3, "awaiting": 0, "conflicts": 0},
    },
    "notes": [],
}


def test_prisma_counts_of_a_hand_built_review(review, scenario):
    counts = prisma_counts(review)
    assert set(counts) == KEYS
    assert counts == EXPECTED


def test_the_boxes_add_up(review, scenario):
    c = prisma_counts(review)
    pending_or_conflict = 2  # G (one decision of two) and H (an open conflict)
    assert c["identified"]["total"] == sum(v for k, v in c["identified"].items() if k != "total")
    assert c["identified"]["total"] - c["duplicates_removed"] == c["records_screened"]
    assert (
        c["records_screened"] - c["records_excluded"] - pending_or_conflict == c["reports_sought"]
    )
    assert c["reports_sought"] - c["reports_not_retrieved"] == c["reports_assessed"]
    assert c["reports_excluded"]["total"] == sum(c["reports_excluded"]["reasons"].values())
    assert c["reports_assessed"] - c["reports_excluded"]["total"] == c["reports_included"]
    assert c["studies_included"] == c["reports_included"]  # one report per study here


def test_the_api_gives_the_same_counts_to_every_member(api_as, personas, review, scenario):
    for who in ("lead", "reviewer", "viewer"):
        response = api_as(personas[who]).get(f"/api/v1/reviews/{review.pk}/prisma/")
        assert response.status_code == 200
        assert response.json() == EXPECTED


def test_outsider_gets_404(api_as, outsider, review, scenario):
    assert api_as(outsider).get(f"/api/v1/reviews/{review.pk}/prisma/").status_code == 404


def test_an_empty_review_counts_zero(review):
    assert prisma_counts(review) == {
        "identified": {"total": 0},
        "duplicates_removed": 0,
        "records_screened": 0,
        "records_excluded": 0,
        "reports_sought": 0,
        "reports_not_retrieved": 0,
        "reports_assessed": 0,
        "reports_excluded": {"total": 0, "reasons": {}},
        "studies_included": 0,
        "reports_included": 0,
        "progress": {
            stage: {"status": "not_started", "screened": 0, "awaiting": 0, "conflicts": 0}
            for stage in ("title_abstract", "full_text")
        },
        "notes": [],
    }


def test_records_pending_at_full_text_are_neither_excluded_nor_included(
    review, lead, reviewer, reviewer2
):
    a, b = imported(
        review,
        lead,
        "cnki",
        [
            ("Autologous fat grafting for atrophic acne scars", "10.5555/a"),
            ("Fractional carbon dioxide laser resurfacing in Asian skin", "10.5555/b"),
        ],
    )
    StageSettings.objects.create(review=review, stage=TA, reviewers_required=1)
    decide(reviewer, review, a, "include")
    decide(reviewer, review, b, "include")
    decide(reviewer, review, a, "exclude", FT, "No full text")  # one of two at full text
    both(review, b, "include", "maybe", reviewer, reviewer2, FT)  # open conflict
    counts = prisma_counts(review)
    assert counts["identified"] == {"CNKI": 2, "total": 2}
    assert counts["reports_sought"] == counts["reports_assessed"] == 2
    assert counts["reports_excluded"] == {"total": 0, "reasons": {}}
    assert counts["studies_included"] == counts["reports_included"] == 0


def test_a_full_text_exclusion_counts_once_under_the_first_reason_given(
    review, lead, reviewer, reviewer2
):
    (a,) = imported(review, lead, "pubmed", [("Vitamin D and fracture risk", "10.5555/v")])
    StageSettings.objects.create(review=review, stage=TA, reviewers_required=1)
    decide(reviewer, review, a, "include")
    both(review, a, "exclude", "exclude", reviewer2, reviewer, FT, ("Wrong outcome", "Duplicate"))
    assert prisma_counts(review)["reports_excluded"] == {
        "total": 1,
        "reasons": {"Wrong outcome": 1},
    }


def test_the_boxes_add_up_with_reports_not_retrieved(review, lead, reviewer, reviewer2):
    """Five reports sought: two not retrieved (so not assessed); of the three assessed, one
    excluded, one included and one still pending."""
    a, b, c, d, e, f = imported(
        review, lead, "pubmed", [(title, f"10.5555/nr.{i}") for i, title in enumerate(TITLES[:6])]
    )
    StageSettings.objects.create(review=review, stage=TA, reviewers_required=1)
    for record in (a, b, c, d, e):
        decide(reviewer, review, record, "include")
    decide(reviewer, review, f, "exclude")
    fulltext_mark_not_retrieved(user=reviewer, review=review, record_id=a.pk, note="No library")
    fulltext_mark_not_retrieved(user=lead, review=review, record_id=b.pk)
    pop = "Wrong population"
    both(review, c, "exclude", "exclude", reviewer, reviewer2, FT, (pop, pop))
    both(review, d, "include", "include", reviewer, reviewer2, FT)

    n = prisma_counts(review)
    assert (n["records_screened"], n["records_excluded"]) == (6, 1)
    assert n["records_screened"] - n["records_excluded"] == n["reports_sought"] == 5
    assert n["reports_not_retrieved"] == 2
    assert n["reports_sought"] - n["reports_not_retrieved"] == n["reports_assessed"] == 3
    assert n["reports_excluded"] == {"total": 1, "reasons": {pop: 1}}
    assert n["studies_included"] == n["reports_included"] == 1
    pending = 1  # e: included at title/abstract, no full-text decision yet
    assert n["reports_assessed"] - n["reports_excluded"]["total"] - pending == n["reports_included"]
