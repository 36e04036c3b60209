"""Issue #16 on the import page: several files sent in one go, a next step after an import,
abandoned previews discarded from the history, the file name said once in an error, and no
htmx warning in the console. Fixture files: tests/fixtures/imports (see their README)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from reviews import services
from reviews.models import SearchImport
from tests.browser.conftest import ARTIFACTS
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
NBIB = FIXTURES / "pubmed_medline" / "mrhelper_demo_pubmed_202101.nbib"
EMBASE = FIXTURES / "ris" / "asreview_embase.ris"


@pytest.fixture
def review(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    lead = UserFactory(username="lead")
    return services.review_create(user=lead, data={"title": "Fat grafting for acne scars"})


@pytest.fixture
def console(page):
    messages = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    return messages


def test_several_files_in_one_go_then_the_next_step(page, log_in, review, console):
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/imports/")
    page.set_input_files("#file-picker", [str(NBIB), str(EMBASE)])
    rows = page.locator(".upload-row")
    expect(rows).to_have_count(2)
    page.get_by_role("button", name="Upload and preview all files").click()
    expect(rows.nth(0)).to_contain_text("medline · utf-8")
    expect(rows.nth(1)).to_contain_text("ris · utf-8-sig")
    expect(page.get_by_role("button", name="Upload and preview all files")).to_be_hidden()
    rows.nth(0).get_by_role("button", name="Import all records").click()
    expect(rows.nth(0)).to_contain_text("imported 10 records", timeout=20_000)
    next_step = rows.nth(0).locator(".next-step")
    expect(next_step).to_contain_text("find duplicates")
    expect(next_step.get_by_role("link", name="find duplicates")).to_have_attribute(
        "href", f"/reviews/{review.pk}/dedup/"
    )
    page.screenshot(path=str(ARTIFACTS / "first-hour-imports-next-step.png"), full_page=True)
    # The Embase preview was left unconfirmed: the history offers to discard it.
    page.reload()
    staged = page.locator("#history tr", has_text="asreview_embase.ris")
    staged.get_by_role("button", name="Discard").click()
    expect(page.locator("#history")).not_to_contain_text("asreview_embase.ris")
    assert not SearchImport.objects.filter(file_name="asreview_embase.ris").exists()
    warnings = [m for m in console if m.startswith(("warning", "error"))]
    assert warnings == []


def test_an_error_names_the_file_once(page, log_in, review, tmp_path, console):
    bad = tmp_path / "broken.ris"
    bad.write_text("TY  - JOUR\nTI  - Fine\nER  - \nTY  - JOUR\nAU  - Nobody\nER  - \n")
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/imports/")
    page.set_input_files("#file-picker", [str(bad)])
    row = page.locator(".upload-row")
    row.locator("select[name=database]").select_option("cinahl")
    row.get_by_role("button", name="Upload and preview").click()
    row.get_by_role("button", name="Import all records").click()
    expect(row.get_by_role("alert")).to_contain_text("record 2 (line 4): no title", timeout=20_000)
    status = row.locator(".import-status").inner_text()
    assert status.count("broken.ris") == 1, status
    page.screenshot(path=str(ARTIFACTS / "first-hour-imports-error.png"), full_page=True)
    warnings = [m for m in console if m.startswith(("warning", "error"))]
    assert warnings == []
