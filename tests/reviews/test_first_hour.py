"""Issue #16, what a new team meets in its first hour: the review list, logging out, the
app's own error pages under `make run`."""

import re
from datetime import timedelta

import pytest
from django.urls import include, path

from reviews.models import Role
from tests.factories import MembershipFactory, ReviewFactory, UserFactory


def test_review_list_counts_every_member_of_each_review(client, review, lead):
    solo = ReviewFactory(created_by=lead, title="A review led alone")
    client.force_login(lead)
    html = client.get("/reviews/").content.decode()
    # `review` has lead, reviewer and viewer; `solo` only its lead.
    assert "3 members" in html
    assert "1 member<" in html or "1 member\n" in html
    assert solo.title in html


def test_review_list_counts_members_for_a_viewer_too(client, review, viewer):
    MembershipFactory(review=review, user=UserFactory(), role=Role.REVIEWER)
    client.force_login(viewer)
    assert "4 members" in client.get("/reviews/").content.decode()


def test_logout_by_get_shows_a_page_with_the_button(client, lead):
    client.force_login(lead)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/accounts/logout/"' in html
    assert "Log out</button>" in html
    # Only the POST logs out.
    assert client.get("/reviews/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/reviews/").status_code == 302


def _boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("boom/", _boom), path("", include("config.urls"))]


@pytest.fixture
def make_run_settings(settings):
    """What config/settings/local.py gives `make run`: DEBUG on, our error pages."""
    from config.settings import local

    assert "config.middleware.AppErrorPagesMiddleware" in local.MIDDLEWARE
    settings.DEBUG = True
    settings.MIDDLEWARE = local.MIDDLEWARE
    return settings


def test_make_run_shows_the_apps_own_404_for_an_unknown_url(client, lead, make_run_settings):
    client.force_login(lead)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is nothing here" in html
    assert "URLconf" not in html


def test_make_run_shows_the_apps_own_404_for_someone_elses_review(
    client, review, outsider, make_run_settings
):
    client.force_login(outsider)
    response = client.get(f"/reviews/{review.pk}/members/")
    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_make_run_shows_the_apps_own_500(client, lead, make_run_settings):
    make_run_settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    client.force_login(lead)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()


def test_viewer_sees_no_screening_tabs(client, review, viewer, reviewer):
    def nav(user) -> str:
        client.force_login(user)
        html = client.get(f"/reviews/{review.pk}/").content.decode()
        return html.split('<nav class="review-nav"')[1].split("</nav>")[0]

    assert ">Screen</a>" not in nav(viewer)
    assert ">Full text</a>" not in nav(viewer)
    assert ">Screen</a>" in nav(reviewer)


def test_dashboard_stage_cards_link_to_pages_the_member_can_open(client, review, viewer, lead):
    client.force_login(viewer)
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    links = re.findall(r'<a href="([^"]+)" class="stage-link"', html)
    assert len(links) >= 4  # import, duplicates, both screening stages, extraction
    assert f"/reviews/{review.pk}/screening/title_abstract/records/" in html
    assert f'href="/reviews/{review.pk}/screening/title_abstract/"' not in html
    for url in links:
        assert client.get(url).status_code == 200, url
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    assert f'href="/reviews/{review.pk}/screening/title_abstract/" class="stage-link"' in html


def test_worker_panel_in_plain_words_for_leads_only(client, review, lead, viewer, reviewer):
    for member in (viewer, reviewer):
        client.force_login(member)
        assert "Background worker" not in client.get(f"/reviews/{review.pk}/").content.decode()
    client.force_login(lead)
    assert "Background worker" in client.get(f"/reviews/{review.pk}/").content.decode()
    # No worker runs in this test: the check stays queued, and once it has waited the
    # panel says so in words.
    client.post(f"/reviews/{review.pk}/worker-check/")
    job = review.jobs.get()
    type(job).objects.filter(pk=job.pk).update(created_at=job.created_at - timedelta(seconds=30))
    html = client.get(f"/reviews/jobs/{job.pk}/").content.decode()
    assert "The background worker is not answering — imports and analyses will wait" in html


def test_refused_page_says_which_role_is_needed_and_who_to_ask(client, review, viewer):
    client.force_login(viewer)
    response = client.get(f"/reviews/{review.pk}/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "needs the lead role" in html
    assert "you are a viewer" in html
    assert "Ask a lead of the review (lead)" in html


def test_refused_write_names_the_reviewer_role(api_as, review, viewer):
    response = api_as(viewer).patch(f"/api/v1/reviews/{review.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 403
    assert (
        "reviewer or lead role" in response.json()["detail"]
        or "lead role" in (response.json()["detail"])
    )
