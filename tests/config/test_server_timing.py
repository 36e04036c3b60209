import re

from django.conf import settings

# https://w3c.github.io/server-timing/#the-server-timing-header-field
SERVER_TIMING = re.compile(r"^app;dur=(\d+\.\d)$")


def _duration_ms(response) -> float:
    match = SERVER_TIMING.match(response["Server-Timing"])
    assert match, response["Server-Timing"]
    return float(match.group(1))


def test_page_response_says_how_long_django_took(web_as, lead, review):
    response = web_as(lead).get(f"/reviews/{review.pk}/")
    assert response.status_code == 200
    assert _duration_ms(response) >= 0


def test_api_response_says_how_long_django_took(api_as, lead, review):
    response = api_as(lead).get("/api/v1/reviews/")
    assert response.status_code == 200
    assert _duration_ms(response) >= 0


def test_error_and_anonymous_responses_are_timed_too(client):
    assert _duration_ms(client.get("/api/v1/reviews/")) >= 0  # 401
    assert _duration_ms(client.get("/no-such-page/")) >= 0  # 404


def test_timing_middleware_runs_first_so_it_covers_the_others():
    assert settings.MIDDLEWARE[0] == "config.middleware.ServerTimingMiddleware"
