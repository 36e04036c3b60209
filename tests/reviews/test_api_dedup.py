import pytest

from reviews.models import DuplicateCluster, Record
from tests.reviews.dedup_data import make_import, pending_pair


@pytest.fixture
def records(review, lead):
    return make_import(
        review, lead, "pubmed", [("Synthetic trial of microneedling", "10.5555/syn.2")]
    ) + make_import(
        review, lead, "embase", [("Synthetic trial of microneedling.", "10.5555/syn.2")]
    )


def test_start_run_and_read_status(
    api_as, review, lead, records, django_capture_on_commit_callbacks
):
    client = api_as(lead)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/api/v1/reviews/{review.pk}/dedup/", {}, format="json")
    assert started.status_code == 202
    status = client.get(f"/api/v1/reviews/{review.pk}/dedup/").json()
    assert status["latest_run"]["status"] == "complete"
    assert status["latest_run"]["counts"] == {
        "records": 2,
        "clusters": 1,
        "auto_merged": 1,
        "needs_review": 0,
        "unique_after": 1,
    }
    assert status["clusters"] == 1
    assert sum(status["duplicates_removed"].values()) == 1


def test_candidates_and_decision(api_as, review, lead, records):
    pair = pending_pair(review, *records)
    client = api_as(lead)
    listed = client.get(f"/api/v1/reviews/{review.pk}/dedup/candidates/").json()
    assert [c["id"] for c in listed["results"]] == [pair.pk]
    assert listed["results"][0]["record_a"]["title"] == "Synthetic trial of microneedling"
    decided = client.post(
        f"/api/v1/reviews/{review.pk}/dedup/candidates/{pair.pk}/",
        {"duplicate": True},
        format="json",
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "duplicate"
    assert len({r.cluster_id for r in Record.objects.all()}) == 1


def test_decision_needs_a_boolean(api_as, review, lead, records):
    pair = pending_pair(review, *records)
    response = api_as(lead).post(
        f"/api/v1/reviews/{review.pk}/dedup/candidates/{pair.pk}/",
        {"duplicate": "maybe"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("duplicate:")


@pytest.mark.parametrize(("value", "kind"), [("true", "a string"), (1, "a number")])
def test_decision_in_json_must_be_true_or_false_not_a_spelling_of_it(
    api_as, review, lead, records, value, kind
):
    pair = pending_pair(review, *records)
    response = api_as(lead).post(
        f"/api/v1/reviews/{review.pk}/dedup/candidates/{pair.pk}/",
        {"duplicate": value},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == f"duplicate: Must be true or false, not {kind}."
    pair.refresh_from_db()
    assert pair.status == "pending"


def test_undo_via_api(api_as, review, lead, records):
    from reviews.deduplication import dedup_now

    dedup_now(review=review, user=lead)
    cluster = DuplicateCluster.objects.get()
    response = api_as(lead).post(
        f"/api/v1/reviews/{review.pk}/dedup/clusters/{cluster.pk}/undo/", {}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["undone_at"]
    again = api_as(lead).post(
        f"/api/v1/reviews/{review.pk}/dedup/clusters/{cluster.pk}/undo/", {}, format="json"
    )
    assert again.status_code == 400
    assert "already undone" in again.json()["detail"]
