import re

import pytest
from playwright.sync_api import expect

from reviews.models import Membership, Review
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_creates_review_invites_member_and_sees_dashboard(page, log_in):
    UserFactory(username="lead")
    UserFactory(username="maria", email="maria@hospital.example")
    log_in("lead")

    page.get_by_role("link", name="New review").click()
    page.get_by_label("Title").fill("Autologous cell therapies for atrophic acne scars")
    page.get_by_label("Population").fill("Adults with atrophic acne scars")
    page.get_by_label("Inclusion criteria").fill("Randomised trials\nSplit-face trials")
    page.get_by_label("Protocol registration").fill("CRD42023000000")
    page.get_by_role("button", name="Create review").click()

    expect(page.get_by_text("Review created. You are its lead.")).to_be_visible()
    review = Review.objects.get()
    assert review.inclusion_criteria == ["Randomised trials", "Split-face trials"]
    stages = page.locator(".pipeline .stage h3")
    expect(stages).to_have_text(
        [
            "Import",
            "Deduplicate",
            "Title/abstract",
            "Full text",
            "Extraction",
            "Risk of bias",
            "Analysis",
        ]
    )

    page.get_by_role("navigation", name="Review").get_by_role("link", name="Members").click()
    page.get_by_label("Username or email").fill("maria@hospital.example")
    page.get_by_role("combobox", name="Role", exact=True).select_option("reviewer")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("maria joined as reviewer.")).to_be_visible()
    assert Membership.objects.get(review=review, user__username="maria").role == "reviewer"

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator(".team")).to_contain_text("maria")
    page.get_by_role("button", name="Check the worker").click()
    expect(page.locator("#worker-job")).to_contain_text(
        "The background worker is running", timeout=15_000
    )
    assert page.external_requests == []


def test_invite_of_unknown_person_shows_error_in_place(page, log_in):
    lead = UserFactory(username="lead")
    from reviews import services

    review = services.review_create(user=lead, data={"title": "PRP for acne scars"})
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/members/")
    page.get_by_label("Username or email").fill("nobody")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("alert")).to_contain_text("No active account")
    # An email address without an account gets an invitation instead (test_first_hour_pages).
    expect(page.get_by_role("alert")).to_contain_text("enter their email address")


def test_viewer_sees_review_read_only_and_outsider_sees_404(page, log_in):
    lead = UserFactory(username="lead")
    UserFactory(username="vera")
    UserFactory(username="otto")
    from reviews import services

    review = services.review_create(user=lead, data={"title": "Fibroblasts for acne scars"})
    services.member_add(actor=lead, review=review, identifier="vera", role="viewer")

    log_in("vera")
    page.goto(f"/reviews/{review.pk}/members/")
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    expect(page.get_by_role("button", name="Invite")).to_have_count(0)
    expect(page.get_by_role("link", name="Settings")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    log_in("otto")
    response = page.goto(f"/reviews/{review.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()


def test_keyboard_user_can_skip_to_content_and_see_focus(page, log_in):
    UserFactory(username="lead")
    log_in("lead")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"


def test_api_docs_render_offline(page, log_in):
    UserFactory(username="lead")
    log_in("lead")
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Evident API")
    expect(
        page.get_by_text(re.compile(r"/api/v1/reviews/\{review_id\}/members/")).first
    ).to_be_visible()
    assert page.external_requests == []
