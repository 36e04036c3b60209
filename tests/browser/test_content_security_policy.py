"""The Content-Security-Policy: every page carries it, and the app's own pages work within it
(no inline script or style, no eval, nothing from another site). The `page` fixture fails any
browser test during which the policy refused something; this one tours the main pages."""

import re

import pytest
from playwright.sync_api import expect

from reviews import services
from screening.services import decision_record
from tests.factories import UserFactory
from tests.reviews.dedup_data import make_import, pending_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def review():
    lead = UserFactory(username="lead")
    UserFactory(username="rita")
    review = services.review_create(user=lead, data={"title": "Lasers for acne scars"})
    services.member_add(actor=lead, review=review, identifier="rita", role="reviewer")
    a, b = make_import(
        review,
        lead,
        "pubmed",
        [("Fractional laser: a synthetic trial", ""), ("Synthetic cohort of peels", "")],
    )
    c, _ = make_import(
        review,
        lead,
        "embase",
        [("Fractional laser - a synthetic trial", ""), ("Synthetic split-face study", "")],
    )
    pending_pair(review, a, c)
    for user, decision in (("lead", "include"), ("rita", "exclude")):
        decision_record(
            reviewer=review.memberships.get(user__username=user).user,
            review=review,
            record_id=b.pk,
            stage="title_abstract",
            decision=decision,
        )
    return review


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response.ok, path
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy, path
    assert "unsafe" not in policy, path
    page.wait_for_load_state("networkidle")


def test_the_main_pages_carry_the_policy_and_work_within_it(page, log_in, review):
    log_in("lead")
    pk = review.pk
    for path in (
        "/reviews/",
        f"/reviews/{pk}/",
        f"/reviews/{pk}/members/",
        f"/reviews/{pk}/audit/",
        f"/reviews/{pk}/imports/",
        f"/reviews/{pk}/records/",
        f"/reviews/{pk}/dedup/",
        f"/reviews/{pk}/dedup/queue/",
        f"/reviews/{pk}/screening/title_abstract/conflicts/",
        f"/reviews/{pk}/prisma/",
        "/accounts/password/",
    ):
        visit(page, path)

    # Screening: the shortcuts help opens from its button, and a decision goes through htmx.
    visit(page, f"/reviews/{pk}/screening/title_abstract/")
    page.get_by_role("button", name="Shortcuts").click()
    expect(page.locator("#keys")).to_be_visible()
    title = page.locator(".screen-title").inner_text()
    page.keyboard.press("i")
    expect(page.locator(".screen-title").or_(page.locator(".done"))).not_to_have_text(title)

    # The screening list: choosing what to show submits the filter by itself.
    visit(page, f"/reviews/{pk}/screening/title_abstract/records/?show=undecided")
    page.get_by_label("All").check()
    page.wait_for_url(re.compile(r"show=all"))
    expect(page.locator(".screening-list")).to_contain_text("Synthetic split-face study")

    visit(page, "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Evident API")
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()

    assert page.csp_violations == []
    assert page.external_requests == []


def test_error_pages_carry_the_policy_too(page, log_in, review):
    log_in("rita")
    response = page.goto("/reviews/999999/")
    assert response.status == 404
    assert "default-src 'self'" in response.headers.get("content-security-policy", "")
