"""Issue #16 on the screening page: what the page shows about the current record is its
current state (progress, messages, Back and Forward), the question and criteria stay beside
the record, and include/exclude highlighting is readable and not colour alone.

Every record is synthetic (made-up titles, DOIs under the 10.5555 test prefix)."""

import pytest
from playwright.sync_api import expect

from reviews import services as review_services
from screening.models import Decision, StageSettings
from tests.browser.conftest import ARTIFACTS
from tests.factories import UserFactory
from tests.reviews.dedup_data import make_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [f"Synthetic trial {n} of fat grafting for acne scars" for n in range(1, 7)]
READ_MS = 500  # screen.js ignores a decision made within 0.4 s of a record appearing


@pytest.fixture
def review():
    lead = UserFactory(username="lead")
    UserFactory(username="rita")
    review = review_services.review_create(
        user=lead,
        data={
            "title": "Fat grafting (synthetic)",
            "question": "Does autologous fat grafting improve atrophic acne scars?",
            "population": "Adults with atrophic acne scars",
            "inclusion_criteria": ["Randomised trials"],
            "exclusion_criteria": ["Animal studies"],
        },
    )
    review_services.member_add(actor=lead, review=review, identifier="rita", role="reviewer")
    make_import(review, lead, "pubmed", [(t, f"10.5555/fh.{i}") for i, t in enumerate(TITLES)])
    return review


def decide(page, key: str) -> str:
    title = page.locator(".screen-title").inner_text()
    page.wait_for_timeout(READ_MS)
    with page.expect_response("**/decide/"):
        page.keyboard.press(key)
    expect(page.locator(".screen-title")).not_to_have_text(title)
    return title


def relative_luminance(rgb: str) -> float:
    r, g, b = (int(part) / 255 for part in rgb[rgb.index("(") + 1 : -1].split(",")[:3])

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_progress_moves_with_each_decision_and_undo(page, log_in, review):
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    count = page.locator("#progress [data-decided]")
    expect(count).to_have_text("0")
    for n in (1, 2, 3):
        decide(page, "e")
        # At once, not at the next 5-second poll.
        expect(count).to_have_text(str(n), timeout=1_500)
    page.keyboard.press("u")
    expect(count).to_have_text("2", timeout=1_500)
    page.wait_for_timeout(5_500)  # the poll's recount agrees
    expect(count).to_have_text("2")


def test_back_then_forward_never_shows_a_decided_record_as_undecided(page, log_in, review):
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    first = decide(page, "e")
    second = decide(page, "i")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/records/?show=all")
    page.go_back()
    expect(page.locator(".screen-title")).to_be_visible()
    shown = page.locator(".screen-title").inner_text()
    assert shown not in (first, second), "a decided record came back as undecided"
    page.go_forward()
    page.go_back()
    expect(page.locator(".screen-title")).not_to_have_text(first)
    expect(page.locator(".screen-title")).not_to_have_text(second)
    assert Decision.objects.filter(reviewer__username="rita").count() == 2


def test_a_message_about_one_record_goes_when_the_next_appears(page, log_in, review):
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/settings/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("settings saved")
    decide(page, "e")
    expect(page.locator(".messages")).to_have_count(0)


def test_question_and_criteria_beside_the_record_fold_with_c(page, log_in, review):
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    panel = page.locator(".screen-criteria")
    expect(panel).to_contain_text("Does autologous fat grafting improve atrophic acne scars?")
    expect(panel).to_contain_text("Randomised trials")
    expect(panel).to_contain_text("Animal studies")
    record_box = page.locator("#screen").bounding_box()
    panel_box = panel.bounding_box()
    assert panel_box["x"] >= record_box["x"] + record_box["width"] - 1, "beside, not below"
    page.screenshot(path=str(ARTIFACTS / "first-hour-screening-criteria.png"))
    page.keyboard.press("c")
    expect(panel.get_by_text("Randomised trials")).to_be_hidden()
    # Folded, it is a bar above the record and the record has the page's width.
    folded, record_box = panel.bounding_box(), page.locator("#screen").bounding_box()
    assert folded["y"] + folded["height"] <= record_box["y"]
    assert record_box["width"] > 1000
    page.screenshot(path=str(ARTIFACTS / "first-hour-screening-criteria-folded.png"))
    # Stays folded on the next record and the next visit.
    decide(page, "e")
    page.reload()
    expect(panel.get_by_text("Randomised trials")).to_be_hidden()
    page.keyboard.press("c")
    expect(panel.get_by_text("Randomised trials")).to_be_visible()


def test_include_and_exclude_terms_pass_wcag_aa_and_are_not_colour_alone(page, log_in, review):
    StageSettings.objects.create(
        review=review, stage="title_abstract", include_terms=["acne"], exclude_terms=["fat"]
    )
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    for selector in ("mark.inc", "mark.exc"):
        mark = page.locator(f".screen-title {selector}").first
        expect(mark).to_be_visible()
        style = mark.evaluate(
            "m => { const s = getComputedStyle(m); return {color: s.color, "
            "background: s.backgroundColor, weight: s.fontWeight, "
            "line: s.textDecorationLine, lineStyle: s.textDecorationStyle}; }"
        )
        assert contrast(style["color"], style["background"]) >= 4.5, (selector, style)
        assert int(style["weight"]) >= 700, style
        assert "underline" in style["line"], style
    styles = [
        page.locator(f".screen-title {s}").first.evaluate(
            "m => getComputedStyle(m).textDecorationStyle"
        )
        for s in ("mark.inc", "mark.exc")
    ]
    assert styles[0] != styles[1], "include and exclude differ by more than colour"
    page.screenshot(path=str(ARTIFACTS / "first-hour-screening-highlight.png"))
