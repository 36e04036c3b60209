"""Every review endpoint and page, for every persona: outsiders get 404, members below the
role an action needs get 403, and nothing changes when a request is refused."""

import pytest

from reviews.models import AuditEvent, Job, Membership
from tests.factories import UserFactory

RANK = {"viewer": 0, "reviewer": 1, "lead": 2}


def expected_status(persona: str, needs: str, success: int) -> int:
    if persona == "outsider":
        return 404
    return success if RANK[persona] >= RANK[needs] else 403


@pytest.fixture
def targets(review, viewer):
    UserFactory(username="newbie")
    job = Job.objects.create(review=review, kind="worker_check")
    return {
        "review": review.pk,
        "membership": Membership.objects.get(review=review, user=viewer).pk,
        "job": job.pk,
    }


API = [
    # (method, path, payload, role needed, success status)
    ("get", "/api/v1/reviews/{review}/", None, "viewer", 200),
    ("patch", "/api/v1/reviews/{review}/", {"population": "Adults"}, "lead", 200),
    ("delete", "/api/v1/reviews/{review}/", None, "lead", 204),
    ("get", "/api/v1/reviews/{review}/members/", None, "viewer", 200),
    (
        "post",
        "/api/v1/reviews/{review}/members/",
        {"username": "newbie", "role": "viewer"},
        "lead",
        201,
    ),
    ("patch", "/api/v1/reviews/{review}/members/{membership}/", {"role": "reviewer"}, "lead", 200),
    ("delete", "/api/v1/reviews/{review}/members/{membership}/", None, "lead", 204),
    ("get", "/api/v1/reviews/{review}/audit/", None, "lead", 200),
    ("post", "/api/v1/reviews/{review}/worker-check/", None, "lead", 202),
    ("get", "/api/v1/jobs/{job}/", None, "viewer", 200),
]


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
@pytest.mark.parametrize(("method", "path", "payload", "needs", "success"), API)
def test_api_endpoint_enforces_roles(
    api_as, personas, targets, persona, method, path, payload, needs, success
):
    events_before = AuditEvent.objects.count()
    client = api_as(personas[persona])
    response = getattr(client, method)(path.format(**targets), payload, format="json")
    expected = expected_status(persona, needs, success)
    assert response.status_code == expected, response.content
    if expected in (403, 404):
        assert response.json()["detail"]
        assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
def test_review_list_shows_only_own_reviews(api_as, personas, review, persona):
    titles = [
        r["title"] for r in api_as(personas[persona]).get("/api/v1/reviews/").json()["results"]
    ]
    assert titles == ([] if persona == "outsider" else [review.title])


PAGES = [
    ("get", "/reviews/{review}/", None, "viewer", 200),
    ("get", "/reviews/{review}/members/", None, "viewer", 200),
    ("post", "/reviews/{review}/members/", {"username": "newbie", "role": "viewer"}, "lead", 302),
    ("post", "/reviews/{review}/members/{membership}/role/", {"role": "reviewer"}, "lead", 302),
    ("post", "/reviews/{review}/members/{membership}/remove/", {}, "lead", 302),
    ("get", "/reviews/{review}/audit/", None, "lead", 200),
    ("get", "/reviews/{review}/edit/", None, "lead", 200),
    ("post", "/reviews/{review}/edit/", {"title": "Renamed"}, "lead", 302),
    ("get", "/reviews/{review}/delete/", None, "lead", 200),
    ("post", "/reviews/{review}/worker-check/", {}, "lead", 200),
    ("get", "/reviews/jobs/{job}/", None, "viewer", 200),
]


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
@pytest.mark.parametrize(("method", "path", "payload", "needs", "success"), PAGES)
def test_page_enforces_roles(
    client, personas, targets, persona, method, path, payload, needs, success
):
    events_before = AuditEvent.objects.count()
    client.force_login(personas[persona])
    response = getattr(client, method)(path.format(**targets), payload or {})
    assert response.status_code == expected_status(persona, needs, success)
    if response.status_code in (403, 404):
        assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(
    "path", ["/reviews/", "/reviews/new/", "/reviews/{review}/", "/accounts/password/"]
)
def test_anonymous_page_request_redirects_to_login(client, targets, path):
    response = client.get(path.format(**targets))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
