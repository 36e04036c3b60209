import re
import time

from django.conf import settings

# https://w3c.github.io/server-timing/#the-server-timing-header-field
SERVER_TIMING = re.compile(r"^app;dur=(\d+\.\d)$")


def _duration_ms(response) -> float:
    match = SERVER_TIMING.match(response["Server-Timing"])
    assert match, response["Server-Timing"]
    return float(match.group(1))


def _timed(get, path: str) -> tuple[object, float]:
    """The response and the milliseconds the test waited for it."""
    start = time.perf_counter()
    response = get(path)
    return response, (time.perf_counter() - start) * 1000


def test_page_response_says_how_long_django_took(web_as, lead, review):
    response, waited = _timed(web_as(lead).get, f"/reviews/{review.pk}/")
    assert response.status_code == 200
    # Rounded to 0.1 ms: a dashboard takes more than that, and never more than the wait.
    assert 0 < _duration_ms(response) <= waited + 0.1


def test_api_response_says_how_long_django_took(api_as, lead, review):
    response, waited = _timed(api_as(lead).get, "/api/v1/reviews/")
    assert response.status_code == 200
    assert 0 < _duration_ms(response) <= waited + 0.1


def test_the_time_includes_the_view(web_as, lead, review, monkeypatch):
    from reviews import selectors

    real = selectors.reviews_for_user

    def slow(user):
        time.sleep(0.2)
        return real(user)

    monkeypatch.setattr(selectors, "reviews_for_user", slow)
    response, waited = _timed(web_as(lead).get, "/reviews/")
    assert 200 <= _duration_ms(response) <= waited + 0.1


def test_error_and_anonymous_responses_are_timed_too(client):
    for path in ("/api/v1/reviews/", "/no-such-page/"):  # 401, 404
        response, waited = _timed(client.get, path)
        assert response.status_code in (401, 404)
        assert 0 < _duration_ms(response) <= waited + 0.1


def test_timing_middleware_runs_first_so_it_covers_the_others():
    assert settings.MIDDLEWARE[0] == "config.middleware.ServerTimingMiddleware"
