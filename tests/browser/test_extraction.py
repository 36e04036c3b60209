"""Extraction in the browser: two extractors type one study's outcome row with the keyboard,
the lead resolves the discrepancy, locks, and the snapshot export downloaded from the page
matches the snapshot. Screenshots of every extraction page go to test-artifacts/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from extraction import exports, services
from extraction.models import (
    Extraction,
    ExtractionLock,
    OutcomeValue,
    Snapshot,
    Study,
    StudyFieldValue,
)
from reviews import services as review_services
from tests.browser.conftest import ARTIFACTS
from tests.extraction.conftest import include_at_full_text
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = {
    "fields": [{"key": "country", "label": "Country", "type": "text", "required": True}],
    "outcomes": [
        {
            "key": "scar_score",
            "name": "Acne scar score",
            "type": "continuous",
            "direction": "lower_better",
            "timepoints": ["3 months", "6 months"],
            "primary": True,
        }
    ],
}


@pytest.fixture(autouse=True)
def unlock_before_flush(transactional_db):
    yield
    # The database refuses to delete a locked review's extraction rows, and the flush after a
    # transactional test deletes table by table (on SQLite, in no set order): unlock first.
    ExtractionLock.objects.all().delete()


@pytest.fixture
def review():
    lead = UserFactory(username="lead")
    review = review_services.review_create(user=lead, data={"title": "Fat grafting (synthetic)"})
    for name in ("rita", "sam"):
        UserFactory(username=name)
        review_services.member_add(actor=lead, review=review, identifier=name, role="reviewer")
    include_at_full_text(
        review,
        lead,
        [("Stromal vascular fraction gel for acne scars", "10.5555/b.1")],
        [["Wang Y"]],
    )
    services.form_save(lead=lead, review=review, definition=FORM)
    services.studies_sync(review=review)
    study = Study.objects.get(review=review)
    services.study_update(lead=lead, study=study, data={"design": "parallel"})
    return review


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"extraction-{name}.png"), full_page=True)


def saved(row, timeout=5_000):
    expect(row.locator(".save-state .save-ok")).to_be_visible(timeout=timeout)


def extract_as(page, log_in, review, username, sd):
    log_in(username)
    page.goto(f"/reviews/{review.pk}/extraction/")
    page.get_by_role("button", name="Extract").click()
    expect(page.locator("h1")).to_contain_text("extraction by " + username)
    country = page.locator(".entry-field").filter(has_text="Country")
    country.locator("#f-country").fill("China")
    country.locator("#f-country").press("Tab")
    saved(country)
    for label in ("SVF gel", "Control"):
        page.get_by_label("Name of the new arm").fill(label)
        page.get_by_label("n of the new arm").fill("30")
        page.get_by_role("button", name="Add an arm").click()
        expect(
            page.locator("tr.arm-row").filter(has=page.locator(f'input[value="{label}"]'))
        ).to_have_count(1)
    control = page.locator("tr.arm-row").nth(1)
    expect(control.get_by_label("Role of arm 2")).to_have_value("control")

    # The outcome row, typed as the paper's table reads: n, mean, SD of each arm in turn.
    row = page.locator("tr.entry-row").first
    row.get_by_label("Format of Acne scar score at 3 months").focus()
    page.keyboard.press("Tab")
    for value in ("30", "2.1", sd, "29", "2.9", "1.1"):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    saved(row)
    page.keyboard.press("Shift+Tab")  # back in the row, then Enter starts the next row
    page.keyboard.press("Enter")
    next_row = page.locator("tr.entry-row").nth(1)
    expect(next_row.get_by_label("SVF gel, n, Acne scar score at 6 months")).to_be_focused()
    saved(row)
    expect(row.locator(".save-note")).to_have_count(0)  # nothing missing in the row
    if username == "rita":
        shot(page, "entry")
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Your extraction of Wang 2020 is done.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()


def test_two_extractors_the_lead_resolves_locks_and_the_export_matches(page, log_in, review):
    extract_as(page, log_in, review, "rita", "0.9")
    extract_as(page, log_in, review, "sam", "1.9")
    values = OutcomeValue.objects.filter(extraction__extractor__username="rita")
    assert sorted((v.arm.position, v.reported["sd"]) for v in values) == [(1, "0.9"), (2, "1.1")]

    log_in("lead")
    page.goto(f"/reviews/{review.pk}/extraction/")
    shot(page, "studies")
    page.get_by_role("link", name="Compare").click()
    differing = page.locator("tr.differs")
    expect(differing).to_have_count(1)
    expect(differing).to_contain_text("Acne scar score at 3 months · arm 1")
    expect(differing).to_contain_text("SD 0.9")
    expect(differing).to_contain_text("SD 1.9")
    shot(page, "compare")
    page.get_by_role("button", name="Accept agreeing values").click()
    page.locator("tr.differs").get_by_role("button", name="Accept rita").click()
    page.get_by_role("button", name="Complete the consensus").click()
    expect(page.get_by_text("The consensus of Wang 2020 is complete.")).to_be_visible()

    page.goto(f"/reviews/{review.pk}/extraction/studies/{Study.objects.get().pk}/")
    shot(page, "study")
    page.goto(f"/reviews/{review.pk}/extraction/form/")
    shot(page, "form")
    page.get_by_role("link", name="Lock, snapshots and import").click()
    expect(page.get_by_text("Every study’s consensus is complete")).to_be_visible()
    page.get_by_label("Note for this snapshot (optional)").fill("Primary analysis")
    page.get_by_role("button", name="Lock and write a snapshot").click()
    snapshot = Snapshot.objects.get()
    expect(page.get_by_text(f"SHA-256 {snapshot.sha256}")).to_be_visible()
    shot(page, "lock")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    downloaded = Path(info.value.path()).read_text(encoding="utf-8")
    assert downloaded == exports.snapshot_csv(snapshot)
    assert "Wang 2020,parallel,Acne scar score,continuous,3 months,SVF gel,30,2.1,0.9" in downloaded

    assert page.external_requests == []


def test_a_failed_save_keeps_the_input_and_saves_it_when_the_server_answers(page, log_in, review):
    lead = review.created_by
    study = Study.objects.get(review=review)
    extraction = services.extraction_start(extractor=lead, study=study)
    services.arm_save(user=lead, extraction=extraction, position=1, label="SVF gel", n=30)
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/extraction/entry/{extraction.pk}/")
    page.route("**/row/", lambda route: route.abort())
    row = page.locator("tr.entry-row").first
    field = row.get_by_label("SVF gel, n, Acne scar score at 3 months")
    field.fill("30")
    field.press("Tab")
    expect(row.locator(".save-error")).to_contain_text("your input is kept")
    expect(page.locator(".unsaved-banner")).to_be_visible()
    expect(field).to_have_value("30")
    assert not OutcomeValue.objects.exists()
    page.unroute("**/row/")
    saved(row, timeout=15_000)  # sent again on its own, a few seconds later
    expect(page.locator(".unsaved-banner")).to_be_hidden()
    assert OutcomeValue.objects.get().reported == {"n": "30"}
    assert Extraction.objects.get().status == "in_progress"


def test_a_value_typed_before_the_page_scripts_are_ready_is_saved_once_they_are(
    page, log_in, review
):
    """A slow link: the form is on screen while the scripts still load, and the change event
    of a value typed then has nobody listening. It must still be saved, not just shown."""
    lead = review.created_by
    extraction = services.extraction_start(extractor=lead, study=Study.objects.get(review=review))
    log_in("lead")
    held = []
    # The JS catalogue is the last deferred script: until it arrives, htmx has not started.
    page.route("**/jsi18n/**", lambda route: held.append(route))
    page.goto(f"/reviews/{review.pk}/extraction/entry/{extraction.pk}/", wait_until="commit")
    country = page.locator(".entry-field").filter(has_text="Country")
    country.locator("#f-country").fill("China")
    country.locator("#f-country").press("Tab")
    expect(country.locator(".save-state .save-ok")).to_have_count(0)
    assert held and not StudyFieldValue.objects.exists()
    held[0].continue_()
    saved(country)
    assert StudyFieldValue.objects.get(extraction=extraction).value == "China"
