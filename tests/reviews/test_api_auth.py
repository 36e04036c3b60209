import re

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD


@pytest.fixture
def anon():
    return APIClient(enforce_csrf_checks=True)


def log_in(client, username: str, password: str = PASSWORD):
    """Through the login form, CSRF token and all, as a browser does."""
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        format="multipart",
    )


def test_token_from_username_and_password_authenticates(anon, review, lead):
    response = anon.post(
        "/api/v1/auth/token/", {"username": "lead", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get("/api/v1/reviews/").json()
    assert [r["title"] for r in listed["results"]] == [review.title]


def test_token_is_stable_across_logins(anon, lead):
    first = anon.post("/api/v1/auth/token/", {"username": "lead", "password": PASSWORD}).json()
    second = anon.post("/api/v1/auth/token/", {"username": "lead", "password": PASSWORD}).json()
    assert first["token"] == second["token"]


def test_wrong_password_gets_clear_json_error(anon, lead):
    response = anon.post(
        "/api/v1/auth/token/", {"username": "lead", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Wrong username or password."


def test_malformed_json_gets_clear_error(anon, lead):
    response = anon.post(
        "/api/v1/auth/token/", '{"username": "lead"', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_token_request_without_fields_says_what_is_missing(anon):
    response = anon.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert "username" in response.json()["detail"]


def test_bad_token_is_401(anon, review):
    anon.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = anon.get("/api/v1/reviews/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_anonymous_request_is_401_with_challenge(anon):
    response = anon.get("/api/v1/reviews/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_session_write_without_csrf_token_is_refused_and_changes_nothing(anon, lead):
    from reviews.models import Review

    assert log_in(anon, "lead").status_code == 302
    response = anon.post("/api/v1/reviews/", {"title": "Sneaky"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Review.objects.filter(title="Sneaky").exists()


def test_expired_session_is_treated_as_anonymous(anon, lead, settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    assert log_in(anon, "lead").status_code == 302
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    assert anon.get("/api/v1/reviews/").status_code == 401


def test_unknown_api_path_is_json_404(anon):
    response = anon.get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("logged_in", [False, True])
def test_unknown_api_path_is_json_404_for_writes_too(anon, lead, method, logged_in):
    # Not a 403 for the missing CSRF token: there is nothing here to protect.
    if logged_in:
        assert log_in(anon, "lead").status_code == 302
    response = getattr(anon, method)("/api/v1/does-not-exist/", {"a": 1}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/reviews/{review_id}/members/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Swagger UI comes from our own static files, never a CDN: every file the page loads is
    # ours, and no other site is named. (Not a search for "cdn": a random token might spell
    # it now and then.) Its start-up script is a file too, not inline (Content-Security-Policy).
    loaded = re.findall(rb'(?:src|href)="([^"]+)"', docs.content)
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in loaded
    assert all(url.startswith(b"/") and not url.startswith(b"//") for url in loaded)
    assert re.search(rb"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", docs.content, re.I) is None
    assert re.search(rb"<script>|<style", docs.content) is None
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"


# --- guessing passwords (django-axes) ------------------------------------------------------


def wrong_tokens(client, username: str, times: int):
    for _ in range(times):
        response = client.post(
            "/api/v1/auth/token/", {"username": username, "password": "wrong"}, format="json"
        )
        assert response.status_code == 400


def test_too_many_wrong_passwords_lock_the_username_out_of_the_token_endpoint(
    anon, lead, reviewer, settings
):
    wrong_tokens(anon, "lead", settings.AXES_FAILURE_LIMIT - 1)
    locked = anon.post(
        "/api/v1/auth/token/", {"username": "lead", "password": "wrong"}, format="json"
    )
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.json()["detail"]
    # Now even the right password is refused, for this username only.
    right = anon.post("/api/v1/auth/token/", {"username": "lead", "password": PASSWORD})
    assert right.status_code == 429
    other = anon.post("/api/v1/auth/token/", {"username": "reviewer", "password": PASSWORD})
    assert other.status_code == 200


def test_the_lockout_ends_after_the_cool_off(anon, lead, settings):
    from axes.models import AccessAttempt
    from django.utils import timezone

    wrong_tokens(anon, "lead", settings.AXES_FAILURE_LIMIT - 1)
    assert (
        anon.post("/api/v1/auth/token/", {"username": "lead", "password": "x"}).status_code == 429
    )
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(seconds=1)
    )
    response = anon.post("/api/v1/auth/token/", {"username": "lead", "password": PASSWORD})
    assert response.status_code == 200


def test_a_successful_login_resets_the_count(anon, lead, settings):
    wrong_tokens(anon, "lead", settings.AXES_FAILURE_LIMIT - 1)
    ok = anon.post("/api/v1/auth/token/", {"username": "lead", "password": PASSWORD})
    assert ok.status_code == 200
    wrong_tokens(anon, "lead", settings.AXES_FAILURE_LIMIT - 1)
    ok = anon.post("/api/v1/auth/token/", {"username": "lead", "password": PASSWORD})
    assert ok.status_code == 200


def test_the_login_form_says_why_it_refuses(anon, lead, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(anon, "lead", "wrong").status_code == 200  # the form again, with an error
    locked = log_in(anon, "lead", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert log_in(anon, "lead").status_code == 429


# --- tokens end with the password that issued them, and after API_TOKEN_DAYS ---------------

NEW_PASSWORD = "a different horse, battery and staple"
EXPIRED = "Your API token has expired; get a new one from POST /api/v1/auth/token/"


def get_token(client, username: str = "lead", password: str = PASSWORD) -> str:
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def token_works(token: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/reviews/").status_code == 200


def test_changing_the_password_on_the_password_page_revokes_the_token(anon, lead):
    old = get_token(anon)
    assert log_in(anon, "lead").status_code == 302
    csrf = anon.cookies["csrftoken"].value
    response = anon.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "csrfmiddlewaretoken": csrf,
        },
        format="multipart",
    )
    assert response.status_code == 302
    assert not token_works(old)
    fresh = get_token(APIClient(), password=NEW_PASSWORD)
    assert fresh != old
    assert token_works(fresh)


def test_an_administrator_resetting_the_password_revokes_the_token(anon, client, lead):
    from tests.factories import UserFactory

    old = get_token(anon)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        f"/admin/auth/user/{lead.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()
    assert not token_works(old)


def test_set_password_anywhere_revokes_the_token(anon, lead):
    old = get_token(anon)
    lead.set_password(NEW_PASSWORD)
    lead.save()
    assert not token_works(old)


def test_saving_the_user_without_a_new_password_keeps_the_token(anon, lead):
    old = get_token(anon)
    lead.email = "lead@elsewhere.example"
    lead.save()
    lead.refresh_from_db()
    lead.first_name = "Lea"
    lead.save(update_fields=["first_name"])
    assert token_works(old)
    assert get_token(anon) == old


def test_revoke_my_tokens_on_the_password_page(anon, lead):
    old = get_token(anon)
    assert log_in(anon, "lead").status_code == 302
    page = anon.get("/accounts/password/").content.decode()
    assert 'action="/accounts/tokens/revoke/"' in page
    response = anon.post(
        "/accounts/tokens/revoke/",
        {"csrfmiddlewaretoken": anon.cookies["csrftoken"].value},
        format="multipart",
        follow=True,
    )
    assert response.status_code == 200
    assert "Your API tokens were revoked" in response.content.decode()
    assert not token_works(old)
    assert get_token(anon) != old


def test_revoking_tokens_needs_a_post_with_the_csrf_token(anon, lead):
    old = get_token(anon)
    assert log_in(anon, "lead").status_code == 302
    assert anon.get("/accounts/tokens/revoke/").status_code == 405
    assert anon.post("/accounts/tokens/revoke/", {}, format="multipart").status_code == 403
    assert token_works(old)


def age_token(token: str, days: float) -> None:
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    Token.objects.filter(key=token).update(created=timezone.now() - timezone.timedelta(days=days))


def test_token_expires_after_api_token_days_with_a_clear_401(anon, lead, settings):
    assert settings.API_TOKEN_DAYS == 30
    token = get_token(anon)
    age_token(token, 29.9)
    assert token_works(token)
    age_token(token, 30.1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/reviews/")
    assert response.status_code == 401
    assert response.json() == {"detail": EXPIRED}
    assert response["WWW-Authenticate"] == "Token"


def test_the_token_lifetime_follows_the_setting(anon, lead, settings):
    settings.API_TOKEN_DAYS = 2
    token = get_token(anon)
    age_token(token, 1.9)
    assert token_works(token)
    age_token(token, 2.1)
    assert not token_works(token)


def test_the_token_endpoint_replaces_an_expired_token(anon, lead):
    old = get_token(anon)
    age_token(old, 31)
    fresh = get_token(anon)
    assert fresh != old
    assert token_works(fresh)
    assert not token_works(old)
