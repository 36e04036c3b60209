import pytest
from playwright.sync_api import expect

from reviews import services
from reviews.models import DuplicatePair, Record
from tests.factories import UserFactory
from tests.reviews.dedup_data import make_import, pending_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_decides_pairs_with_the_keyboard(page, log_in):
    lead = UserFactory(username="lead")
    review = services.review_create(user=lead, data={"title": "Microneedling for acne scars"})
    a, b = make_import(
        review,
        lead,
        "pubmed",
        [("Microneedling versus laser: a synthetic trial", ""), ("Synthetic cohort of peels", "")],
    )
    c, d = make_import(
        review,
        lead,
        "embase",
        [
            ("Microneedling vs laser - a synthetic trial", ""),
            ("Synthetic cohort study of peels", ""),
        ],
    )
    first = pending_pair(review, a, c)
    second = pending_pair(review, b, d)
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/dedup/queue/")
    expect(page.locator(".compare")).to_contain_text("Microneedling versus laser")
    expect(page.locator(".compare tr.differs").first).to_contain_text("Title")
    page.keyboard.press("d")
    expect(page.locator(".compare")).to_contain_text("Synthetic cohort of peels")
    page.keyboard.press("n")
    expect(page.get_by_text("Nothing left to review")).to_be_visible()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (
        DuplicatePair.Status.DUPLICATE,
        DuplicatePair.Status.NOT_DUPLICATE,
    )
    assert Record.objects.get(pk=a.pk).cluster_id == Record.objects.get(pk=c.pk).cluster_id
    page.goto(f"/reviews/{review.pk}/dedup/")
    expect(page.locator(".record-list")).to_contain_text("Microneedling versus laser")
    assert page.external_requests == []
