import pytest

from reviews.models import AuditEvent, Membership, Review


def test_create_review_returns_it_with_lead_role(api_as, lead):
    response = api_as(lead).post(
        "/api/v1/reviews/",
        {
            "title": "PRP for atrophic acne scars",
            "population": "Adults with atrophic acne scars",
            "inclusion_criteria": ["Randomised trials", "Split-face trials"],
            "protocol_registration": "CRD42023000001",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["my_role"] == "lead"
    assert body["created_by"] == "lead"
    assert body["inclusion_criteria"] == ["Randomised trials", "Split-face trials"]
    assert Membership.objects.get(review_id=body["id"]).user == lead


def test_create_review_without_title_names_the_field(api_as, lead):
    response = api_as(lead).post("/api/v1/reviews/", {"question": "Why?"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("title:")
    assert "title" in body["errors"]
    assert not Review.objects.exists()


def test_criteria_must_be_a_list_of_strings(api_as, lead):
    response = api_as(lead).post(
        "/api/v1/reviews/", {"title": "T", "inclusion_criteria": "RCTs"}, format="json"
    )
    assert response.status_code == 400
    assert "inclusion_criteria" in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            {"dedup_review_threshold": False},
            "dedup_review_threshold: Must be a number, not true or false.",
        ),
        (
            {"dedup_review_threshold": "0.6"},
            "dedup_review_threshold: Must be a number, not a string.",
        ),
        ({"protocol_registration": 42}, "protocol_registration: Must be a string, not a number."),
        ({"inclusion_criteria": "RCTs"}, "inclusion_criteria: Must be an array, not a string."),
        (
            {"inclusion_criteria": ["RCTs", 7]},
            "inclusion_criteria.1: Must be a string, not a number.",
        ),
    ],
)
def test_json_values_must_have_the_type_of_their_field(api_as, review, lead, body, detail):
    response = api_as(lead).patch(f"/api/v1/reviews/{review.pk}/", body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == detail
    review.refresh_from_db()
    assert (review.protocol_registration, review.inclusion_criteria) == ("", [])


def test_patch_changes_fields_and_is_audited(api_as, review, lead):
    response = api_as(lead).patch(
        f"/api/v1/reviews/{review.pk}/",
        {"comparator": "Saline injection", "exclusion_criteria": ["Keloid scars"]},
        format="json",
    )
    assert response.status_code == 200
    review.refresh_from_db()
    assert review.comparator == "Saline injection"
    event = AuditEvent.objects.get(action="review.updated")
    assert event.changes == {
        "comparator": ["", "Saline injection"],
        "exclusion_criteria": [[], ["Keloid scars"]],
    }


def test_put_is_not_offered(api_as, review, lead):
    response = api_as(lead).put(f"/api/v1/reviews/{review.pk}/", {"title": "X"}, format="json")
    assert response.status_code == 405


def test_delete_removes_review(api_as, review, lead):
    assert api_as(lead).delete(f"/api/v1/reviews/{review.pk}/").status_code == 204
    assert not Review.objects.filter(pk=review.pk).exists()
    assert api_as(lead).get(f"/api/v1/reviews/{review.pk}/").status_code == 404


def test_members_list_shows_roles(api_as, review, viewer):
    members = api_as(viewer).get(f"/api/v1/reviews/{review.pk}/members/").json()
    assert {m["username"]: m["role"] for m in members} == {
        "lead": "lead",
        "reviewer": "reviewer",
        "viewer": "viewer",
    }


def test_invite_member_by_email(api_as, review, lead, outsider):
    response = api_as(lead).post(
        f"/api/v1/reviews/{review.pk}/members/",
        {"username": outsider.email, "role": "reviewer"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["username"] == "outsider"
    assert api_as(outsider).get(f"/api/v1/reviews/{review.pk}/").status_code == 200


def test_invite_unknown_person_is_clear_400(api_as, review, lead):
    response = api_as(lead).post(
        f"/api/v1/reviews/{review.pk}/members/",
        {"username": "ghost@example.org", "role": "reviewer"},
        format="json",
    )
    assert response.status_code == 400
    assert "ghost@example.org" in response.json()["detail"]


def test_invite_with_bad_role_is_400(api_as, review, lead, outsider):
    response = api_as(lead).post(
        f"/api/v1/reviews/{review.pk}/members/",
        {"username": "outsider", "role": "owner"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("role:")
    assert not Membership.objects.filter(user=outsider).exists()


def test_demoting_the_only_lead_is_refused(api_as, review, lead):
    own = Membership.objects.get(review=review, user=lead)
    response = api_as(lead).patch(
        f"/api/v1/reviews/{review.pk}/members/{own.pk}/", {"role": "viewer"}, format="json"
    )
    assert response.status_code == 400
    assert "only lead" in response.json()["detail"]
    own.refresh_from_db()
    assert own.role == "lead"


def test_patching_a_member_without_a_role_changes_nothing(api_as, review, lead, reviewer):
    membership = Membership.objects.get(review=review, user=reviewer)
    response = api_as(lead).patch(
        f"/api/v1/reviews/{review.pk}/members/{membership.pk}/", {}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["username"], response.json()["role"]) == ("reviewer", "reviewer")
    assert not AuditEvent.objects.filter(action__startswith="member").exists()


def test_audit_log_lists_changes_newest_first(api_as, review, lead):
    client = api_as(lead)
    client.patch(f"/api/v1/reviews/{review.pk}/", {"outcomes": "Scar score"}, format="json")
    client.patch(f"/api/v1/reviews/{review.pk}/", {"outcomes": "ECCA score"}, format="json")
    events = client.get(f"/api/v1/reviews/{review.pk}/audit/").json()["results"]
    assert [e["changes"]["outcomes"] for e in events[:2]] == [
        ["Scar score", "ECCA score"],
        ["", "Scar score"],
    ]
    assert events[0]["actor"] == "lead"


def test_worker_check_job_runs_and_reports(
    api_as, review, lead, django_capture_on_commit_callbacks
):
    client = api_as(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/reviews/{review.pk}/worker-check/")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    # Unit tests run Celery eagerly: once the transaction commits, the task runs in-process.
    job = client.get(f"/api/v1/jobs/{response.json()['id']}/").json()
    assert job["status"] == "succeeded"
    assert job["progress"] == 100
    assert job["result"]["pid"] > 0
