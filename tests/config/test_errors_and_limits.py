import pytest
from django.test import override_settings


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
    assert response.content.decode().startswith('<p class="error" role="alert">Only a lead')


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
