"""Issue #16, a new team's first hour in a browser: invitations without a shell, the logout
page, the dashboard for a lead and a viewer, refused pages, the audit log in sentences, the
Records page's screening status and filter, and PRISMA while screening is in progress.
Screenshots go to test-artifacts/first-hour-*.png. Every record here is synthetic."""

import re

import pytest
from playwright.sync_api import expect

from reviews import services as review_services
from screening.services import decision_record
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, UserFactory
from tests.reviews.dedup_data import make_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [
    "Migraine: a woman's disease? (synthetic)",
    "Fat grafting for atrophic acne scars (synthetic)",
    "Laser resurfacing of acne scars (synthetic)",
]


@pytest.fixture
def review():
    lead = UserFactory(username="ana")
    UserFactory(username="rita")
    UserFactory(username="vic")
    review = review_services.review_create(
        user=lead,
        data={"title": "Acne scar treatments (synthetic)", "question": "What works for scars?"},
    )
    review_services.member_add(actor=lead, review=review, identifier="rita", role="reviewer")
    review_services.member_add(actor=lead, review=review, identifier="vic", role="viewer")
    records = make_import(
        review, lead, "cinahl", [(t, f"10.5555/fh.{i}") for i, t in enumerate(TITLES)]
    )
    for person in (lead, review.memberships.get(user__username="rita").user):
        decision_record(
            reviewer=person,
            review=review,
            record_id=records[0].pk,
            stage="title_abstract",
            decision="exclude",
            note="not about scars",
        )
    return review


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"first-hour-{name}.png"), full_page=True)


def test_a_lead_invites_by_email_and_the_person_signs_up(
    page, log_in, review, chromium, live_server
):
    log_in("ana")
    page.goto(f"/reviews/{review.pk}/members/")
    page.get_by_label("Username or email").fill("new.person@example.org")
    page.get_by_role("button", name="Invite").click()
    link = page.locator("#invitation-url").input_value()
    assert re.match(r"http://[^/]+/reviews/invitations/[\w-]+/$", link)
    expect(page.locator(".invitation-link")).to_contain_text("Email is not set up")
    expect(page.locator("table", has_text="new.person@example.org")).to_contain_text("open until")
    shot(page, "members-invitation")

    other = chromium.new_context(base_url=live_server.url)
    newcomer = other.new_page()
    newcomer.goto(link)
    expect(
        newcomer.get_by_role("heading", name="Join “Acne scar treatments (synthetic)”")
    ).to_be_visible()
    newcomer.screenshot(path=str(ARTIFACTS / "first-hour-sign-up.png"), full_page=True)
    newcomer.locator("#id_username").fill("newperson")
    newcomer.locator("#id_password1").fill(PASSWORD)
    newcomer.locator("#id_password2").fill(PASSWORD)
    newcomer.get_by_role("button", name="Create account and join").click()
    expect(newcomer.locator(".messages")).to_contain_text("you joined as reviewer")
    newcomer.goto(link)
    expect(newcomer.get_by_role("alert")).to_contain_text("already been used")
    other.close()


def test_logout_page_by_get(page, log_in, review):
    log_in("rita")
    page.goto("/accounts/logout/")
    expect(page.get_by_role("heading", name="Log out")).to_be_visible()
    shot(page, "logout")
    page.locator("main").get_by_role("button", name="Log out").click()
    page.goto("/reviews/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_the_apps_own_404(page, log_in, review):
    log_in("rita")
    response = page.goto("/no/such/page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    shot(page, "404")


def test_a_viewer_sees_what_they_can_use_and_why_not_the_rest(page, log_in, review):
    log_in("vic")
    page.goto(f"/reviews/{review.pk}/")
    nav = page.locator("nav.review-nav")
    expect(nav.get_by_role("link", name="Screen", exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="Full text", exact=True)).to_have_count(0)
    expect(page.get_by_text("Background worker")).to_have_count(0)
    shot(page, "dashboard-viewer")
    page.locator(".stage", has_text="Title/abstract").click()
    expect(page).to_have_url(re.compile(r"/screening/title_abstract/records/"))
    response = page.goto(f"/reviews/{review.pk}/audit/")
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("needs the lead role")
    expect(page.locator("main")).to_contain_text("Ask a lead of the review (ana)")
    shot(page, "refused")


def test_the_lead_reads_activity_records_and_prisma_in_words(page, log_in, review):
    log_in("ana")
    page.goto(f"/reviews/{review.pk}/")
    expect(page.locator(".events")).to_contain_text(
        f"rita excluded “{TITLES[0]}” at title/abstract"
    )
    expect(page.locator(".events")).not_to_contain_text("ago")
    page.get_by_role("button", name="Check the worker").click()
    # No worker runs beside the test server: the check waits (eager Celery would answer).
    expect(page.locator("#worker-job")).to_contain_text("background worker", timeout=15_000)
    shot(page, "dashboard-lead")

    page.goto(f"/reviews/{review.pk}/audit/")
    expect(page.locator("table.audit")).to_contain_text(f"excluded “{TITLES[0]}” at title/abstract")
    expect(page.locator("table.audit")).not_to_contain_text("screening.decided")
    shot(page, "audit-log")

    page.goto(f"/reviews/{review.pk}/records/")
    expect(page.locator(".record-list")).to_contain_text("Screening: Excluded at title/abstract")
    expect(page.locator(".record-list")).to_contain_text("rita: exclude — not about scars")
    page.get_by_label("Screening").select_option("awaiting")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".record-list > li")).to_have_count(2)
    shot(page, "records")

    page.goto(f"/reviews/{review.pk}/prisma/")
    expect(page.locator(".notice")).to_contain_text("Title/abstract screening is in progress")
    expect(page.locator("figure.prisma")).to_contain_text("Records screened so far (n = 1)")
    expect(page.locator("figure.prisma")).to_contain_text("CINAHL")
    shot(page, "prisma-in-progress")
    assert page.external_requests == []
