import pytest
from playwright.sync_api import expect

from reviews import services as review_services
from screening.models import Decision, Resolution
from screening.prisma import prisma_counts
from tests.browser.conftest import ARTIFACTS
from tests.factories import UserFactory
from tests.reviews.dedup_data import make_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [f"Synthetic trial {n} of fat grafting for acne scars" for n in range(1, 11)]
# A person reads a record before deciding it; screen.js ignores a decision made within
# 0.4 s of a record appearing (a double press, not a reading).
READ_MS = 500


@pytest.fixture
def review():
    lead = UserFactory(username="lead")
    UserFactory(username="rita")
    review = review_services.review_create(user=lead, data={"title": "Fat grafting (synthetic)"})
    review_services.member_add(actor=lead, review=review, identifier="rita", role="reviewer")
    make_import(review, lead, "pubmed", [(t, f"10.5555/syn.{i}") for i, t in enumerate(TITLES)])
    return review


def screen_all(page, review, keys):
    """Decide every record by keyboard: `keys[i]` is the key for TITLES[i], whatever order the
    relevance ranking serves the records in once it starts."""
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    for _ in keys:
        expect(page.locator(".screen-title")).to_be_visible()
        title = page.locator(".screen-title").inner_text()
        key = keys[TITLES.index(title)]
        page.wait_for_timeout(READ_MS)
        # Each answer is awaited: the one that settles enough records to start the relevance
        # ranking trains it in the request (Celery runs eagerly here), which takes a while.
        with page.expect_response("**/decide/", timeout=30_000):
            page.keyboard.press(key)
        expect(page.locator(".screen-title").or_(page.locator(".done"))).not_to_have_text(title)
    expect(page.get_by_text("Nothing left for you to screen")).to_be_visible()


def test_two_reviewers_screen_with_the_keyboard_and_the_lead_resolves_a_conflict(
    page, log_in, review
):
    log_in("rita")
    screen_all(page, review, ["i", "i", "e", "e", "e", "e", "e", "e", "e", "i"])
    # Blinded: rita's page never showed another decision (none existed yet either).
    page.get_by_role("button", name="Log out").click()

    log_in("lead")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    expect(page.locator(".screen-title")).to_have_text(TITLES[0])
    assert "rita" not in page.content()  # her decision stays hidden until the lead decides
    screen_all(page, review, ["i", "e", "e", "e", "e", "e", "e", "e", "e", "i"])
    assert Decision.objects.count() == 20

    page.goto(f"/reviews/{review.pk}/screening/title_abstract/conflicts/")
    conflict = page.locator(".record-list > li")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text(TITLES[1])
    expect(conflict).to_contain_text("rita")
    conflict.get_by_role("button", name="Include").click()
    expect(page.get_by_text("No conflicts.")).to_be_visible()
    assert Resolution.objects.get().decision == "include"

    counts = prisma_counts(review)
    assert (counts["records_screened"], counts["records_excluded"], counts["reports_sought"]) == (
        10,
        7,
        3,
    )
    assert page.external_requests == []


def test_undo_takes_back_the_last_decision(page, log_in, review):
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    page.wait_for_timeout(READ_MS)
    page.keyboard.press("e")
    expect(page.locator(".screen-title")).to_have_text(TITLES[1])
    # Undo is offered once the decision is saved.
    expect(page.get_by_role("button", name="Undo last")).to_be_visible()
    page.keyboard.press("u")
    expect(page.locator(".screen-title")).to_have_text(TITLES[0])
    assert not Decision.objects.exists()
    page.keyboard.press("?")
    expect(page.locator("#keys")).to_be_visible()


def test_the_next_record_appears_before_the_server_answers(page, log_in, review):
    """Prefetch: the record after the one shown comes with the page and is drawn as soon as
    a decision is sent; the held-back answer then confirms it."""
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    expect(page.locator(".screen-title")).to_have_text(TITLES[0])
    held = []
    page.route("**/decide/", lambda route: held.append(route))
    page.wait_for_timeout(READ_MS)
    page.keyboard.press("i")
    expect(page.locator("#screen .screen-title")).to_have_text(TITLES[1])
    expect(page.get_by_role("button", name="Include")).to_be_disabled()
    assert len(held) == 1 and not Decision.objects.exists()  # the answer is still held back
    held[0].continue_()
    page.unroute("**/decide/")
    expect(page.get_by_role("button", name="Include")).to_be_enabled()
    expect(page.locator(".screen-title")).to_have_text(TITLES[1])
    assert Decision.objects.get().record.title == TITLES[0]
    page.screenshot(path=str(ARTIFACTS / "screening-prefetch.png"))


def test_the_progress_bar_follows_the_decisions(page, log_in, review):
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    expect(page.locator("#progress")).to_contain_text("you decided 0 of 10")
    for _ in range(3):
        title = page.locator(".screen-title").inner_text()
        page.wait_for_timeout(READ_MS)
        page.keyboard.press("e")
        expect(page.locator(".screen-title")).not_to_have_text(title)
    # The bar is outside the swapped section and counts again within 5 s of new decisions.
    expect(page.locator("#progress")).to_contain_text("you decided 3 of 10", timeout=12_000)
    assert Decision.objects.filter(reviewer__username="rita").count() == 3


def decisions():
    return list(Decision.objects.order_by("pk").values_list("record__title", "decision", "note"))


def test_enter_in_the_note_records_nothing(page, log_in, review):
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    expect(page.locator(".screen-title")).to_have_text(TITLES[0])
    page.get_by_label("Note").fill("mixed evidence")
    page.get_by_label("Note").press("Enter")
    # The decision is the button pressed next, with the note typed before it; had Enter
    # decided, this click would have decided the record after.
    page.wait_for_timeout(READ_MS)
    page.get_by_role("button", name="Exclude").click()
    expect(page.locator(".screen-title")).to_have_text(TITLES[1])
    expect(page.get_by_role("button", name="Undo last")).to_be_visible()
    assert decisions() == [(TITLES[0], "exclude", "mixed evidence")]


@pytest.mark.parametrize("answer", ["at-once", "held-back"])
def test_e_pressed_twice_quickly_decides_one_record(page, log_in, review, answer):
    """The record after is drawn the moment the first decision is sent; the second press
    comes before anyone could have read it, whether or not the server has answered yet."""
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    expect(page.locator(".screen-title")).to_have_text(TITLES[0])
    page.wait_for_timeout(READ_MS)
    held = []
    if answer == "held-back":
        page.route("**/decide/", lambda route: held.append(route))
    page.keyboard.press("e")
    page.keyboard.press("e")
    expect(page.locator(".screen-title")).to_have_text(TITLES[1])
    if held:
        held.pop().continue_()
        page.unroute("**/decide/")
    expect(page.get_by_role("button", name="Undo last")).to_be_visible()
    # Read the record now shown, and decide it otherwise: a second "e" that had been applied
    # to it would show here as an exclusion, and this "i" would have decided the third.
    page.wait_for_timeout(READ_MS)
    with page.expect_response("**/decide/"):
        page.keyboard.press("i")
    expect(page.locator(".screen-title")).to_have_text(TITLES[2])
    assert decisions() == [(TITLES[0], "exclude", ""), (TITLES[1], "include", "")]


def test_a_key_pressed_on_the_next_record_while_the_answer_is_slow_is_applied(page, log_in, review):
    """Someone who has read the record drawn ahead decides it before a slow answer is in:
    the key is kept and applied once the answer confirms that record."""
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    expect(page.locator(".screen-title")).to_have_text(TITLES[0])
    page.wait_for_timeout(READ_MS)
    held = []
    page.route("**/decide/", lambda route: held.append(route))
    page.keyboard.press("e")
    expect(page.locator(".screen-title")).to_have_text(TITLES[1])
    page.wait_for_timeout(READ_MS)
    page.keyboard.press("i")
    with page.expect_response(lambda r: "decision=include" in (r.request.post_data or "")):
        held.pop().continue_()
        page.unroute("**/decide/")
    expect(page.locator(".screen-title")).to_have_text(TITLES[2])
    assert decisions() == [(TITLES[0], "exclude", ""), (TITLES[1], "include", "")]
