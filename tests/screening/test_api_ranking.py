"""GET /api/v1/reviews/{id}/screening/{stage}/ranking/: how a stage's records are ordered.

Every record here is synthetic (made-up titles, test DOIs under 10.5555)."""

import pytest

from screening import prioritisation
from screening.models import StageSettings
from screening.services import decision_record
from tests.reviews.dedup_data import make_import
from tests.screening.data import TA, TITLES


def url(review, stage=TA):
    return f"/api/v1/reviews/{review.pk}/screening/{stage}/ranking/"


@pytest.fixture
def ranked(review, lead, reviewer):
    StageSettings.objects.create(review=review, stage=TA, reviewers_required=1)
    records = make_import(
        review, lead, "pubmed", [(title, f"10.5555/rank.{i}") for i, title in enumerate(TITLES)]
    )
    for record, decision in zip(records, ["include", "exclude", "exclude"], strict=False):
        decision_record(
            reviewer=reviewer, review=review, record_id=record.pk, stage=TA, decision=decision
        )
    return prioritisation.ranking_refresh(review=review, stage=TA)


def test_viewer_sees_the_model_behind_the_order(api_as, viewer, review, ranked):
    response = api_as(viewer).get(url(review))

    assert response.status_code == 200
    body = response.json()
    assert body["active"] is True
    assert (body["n_included"], body["n_excluded"], body["n_scored"]) == (1, 2, len(TITLES))
    assert body["trained_at"].startswith(ranked.trained_at.date().isoformat())


def test_before_any_model_the_order_is_not_by_relevance(api_as, reviewer, review):
    response = api_as(reviewer).get(url(review))

    assert response.json() == {
        "active": False,
        "trained_at": None,
        "n_included": 0,
        "n_excluded": 0,
        "n_scored": 0,
        "random": False,
        "failed_at": None,
    }


def test_outsider_gets_404(api_as, outsider, review):
    assert api_as(outsider).get(url(review)).status_code == 404


def test_an_unknown_stage_is_not_found(api_as, viewer, review):
    response = api_as(viewer).get(url(review, "abstract_only"))

    assert response.status_code == 404
    assert "abstract_only" in response.json()["detail"]
