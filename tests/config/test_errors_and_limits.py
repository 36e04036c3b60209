import pytest
from django.test import override_settings

from tests.reviews import test_permissions

# A review with one of every object, and the state a refused request must leave unchanged.
targets = test_permissions.targets
extraction_targets = test_permissions.extraction_targets
rob_assignment_target = test_permissions.rob_assignment_target
state = test_permissions.state


@override_settings(MAX_UPLOAD_SIZE=1024)
def test_oversized_api_request_is_refused_with_json(client):
    response = client.post("/api/v1/auth/token/", data="x" * 2048, content_type="application/json")
    assert response.status_code == 413
    assert "limit on this server is" in response.json()["detail"]
    assert "MAX_UPLOAD_MB" in response.json()["detail"]


@override_settings(MAX_UPLOAD_SIZE=1024)
def test_oversized_page_request_gets_a_page(client, lead):
    client.force_login(lead)
    response = client.post("/reviews/new/", {"title": "x" * 3000})
    assert response.status_code == 413
    assert "Upload too large" in response.content.decode()


def test_unknown_page_is_friendly_404(client, lead):
    client.force_login(lead)
    response = client.get("/reviews/999999/")
    assert response.status_code == 404
    assert "not a member" in response.content.decode()


def test_server_error_under_api_is_json(rf):
    from config.errors import server_error

    response = server_error(rf.get("/api/v1/reviews/"))
    assert response.status_code == 500
    assert b'"detail"' in response.content
    assert server_error(rf.get("/reviews/")).content.startswith(b"<!doctype html>")


@override_settings(MAX_UPLOAD_SIZE=1024)
def test_oversized_htmx_upload_gets_a_fragment_with_the_reason(client, lead):
    client.force_login(lead)
    response = client.post("/reviews/new/", {"title": "x" * 3000}, headers={"HX-Request": "true"})
    assert response.status_code == 413
    body = response.content.decode()
    assert body.startswith('<p class="error" role="alert">')
    assert "MAX_UPLOAD_MB" in body


def test_htmx_request_with_expired_session_redirects_the_whole_page(client, review):
    response = client.post(
        f"/reviews/{review.pk}/worker-check/",
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver/reviews/{review.pk}/"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/accounts/login/?next=%2Freviews%2F{review.pk}%2F"


def test_htmx_request_of_a_viewer_gets_a_fragment_saying_why(client, review, viewer):
    client.force_login(viewer)
    response = client.post(f"/reviews/{review.pk}/worker-check/", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response.content.decode().startswith(
        '<p class="error" role="alert">This needs the lead role'
    )


# --- a JSON body that is not an object ----------------------------------------------------

NOT_OBJECTS = ["[null, null]", "[1]", "[]", "null", "0", "false", '"a string"']

# A value for every path parameter of the API; an endpoint with a new one fails below until it
# is added here.
PATH_VALUES = {
    "review_id": "review",
    "membership_id": "membership",
    "import_id": "import",
    "pair_id": "pair",
    "cluster_id": "cluster",
    "job_id": "job",
    "record_id": "ft_record",
    "study_id": "study_open",
    "extraction_id": "lead_extraction",
    "position": "first_arm",
    "key": "field_key",
    "version": "snapshot_version",
    "assignment_id": "rob_assignment",
    "plan_id": "analysis_plan",
}


def _write_operations() -> list[tuple[str, str, list[str] | None]]:
    """Every POST, PUT and PATCH under /api/v1/, from the OpenAPI schema: (method, path, the
    media types its body may have, or None when it takes no body)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        for method in ("post", "put", "patch"):
            if path.startswith("/api/v1/") and method in item:
                body = item[method].get("requestBody")
                operations.append((method, path, list(body["content"]) if body else None))
    return operations


WRITE_OPERATIONS = _write_operations()


def test_the_schema_lists_the_write_endpoints():
    paths = {path for _, path, _ in WRITE_OPERATIONS}
    assert "/api/v1/auth/token/" in paths
    assert "/api/v1/reviews/{review_id}/dedup/" in paths
    assert len(WRITE_OPERATIONS) >= 12


@pytest.mark.parametrize(
    ("method", "path", "media_types"),
    WRITE_OPERATIONS,
    ids=[f"{m} {p}" for m, p, _ in WRITE_OPERATIONS],
)
def test_a_json_body_that_is_not_an_object_gets_400(
    api_as, lead, targets, extraction_targets, rob_assignment_target, method, path, media_types
):
    ids = {
        **targets,
        **extraction_targets,
        "lead_extraction": extraction_targets["mine"]["lead"],
        "first_arm": 1,
        "field_key": "country",
        "snapshot_version": 1,
        "rob_assignment": rob_assignment_target,
    }
    values = {name: ids[key] for name, key in PATH_VALUES.items()}
    values["stage"] = "title_abstract"
    try:
        url = path.format(**values)
    except KeyError as missing:
        pytest.fail(f"{path}: add a value for the path parameter {missing} to PATH_VALUES")
    client = api_as(lead)
    for body in NOT_OBJECTS:
        before = state()
        response = getattr(client, method)(url, body, content_type="application/json")
        if media_types is None:
            # The schema says this operation takes no body: whatever is sent is ignored. Some
            # of these refuse for the state of their object (a consensus not complete yet);
            # such a refusal must be about that state, never about the body.
            if response.status_code >= 400:
                detail = response.json()["detail"]
                assert response.status_code in (400, 409), (body, detail)
                assert "named fields" not in detail and "JSON" not in detail, (body, detail)
                assert state() == before, body
            continue
        detail = response.json()["detail"]
        if "application/json" in media_types:
            assert response.status_code == 400, (body, detail)
            assert "must be an object of named fields" in detail, (body, detail)
        else:  # uploads: multipart only
            assert response.status_code == 415, (body, detail)
            assert 'Unsupported media type "application/json"' in detail, (body, detail)
        assert state() == before, body


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("[null, null]", "an array"),
        ("null", "null"),
        ("0", "a number"),
        ("1.5", "a number"),
        ("false", "true or false"),
        ('"lead"', "a string"),
    ],
)
def test_a_json_body_that_is_not_an_object_is_400(client, body, kind):
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"The JSON body must be an object of named fields, not {kind}."
    )


def test_nested_field_errors_are_summarised_with_their_place(api_as, lead):
    response = api_as(lead).post(
        "/api/v1/reviews/",
        {"title": "Synthetic review", "exclusion_criteria": ["Animal studies", ""]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "exclusion_criteria.1: This field may not be blank."
    assert response.json()["errors"] == {
        "exclusion_criteria": {"1": ["This field may not be blank."]}
    }
