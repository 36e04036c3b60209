"""A refused file lists every unusable record, and the lead chooses to skip them (issue #19)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from reviews import services
from reviews.models import Record, SearchImport
from tests.browser.conftest import ARTIFACTS
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Real rows of the Rathbone haematology set; records 2 and 12 have no title.
HAEMATOLOGY = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "imports"
    / "generic_csv"
    / "rathbone_haematology_two_untitled.csv"
)


@pytest.fixture
def review(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    lead = UserFactory(username="lead")
    return services.review_create(user=lead, data={"title": "Eculizumab in aHUS"})


def test_refusal_lists_every_bad_record_and_the_skip_imports_the_rest(page, log_in, review):
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/imports/")
    page.set_input_files("#file-picker", [str(HAEMATOLOGY)])
    row = page.locator(".upload-row")
    row.locator("select[name=database]").select_option("other")
    row.get_by_role("button", name="Upload and preview").click()
    row.get_by_role("button", name="Import all records").click()
    expect(row.get_by_role("alert")).to_contain_text(
        "2 records cannot be imported, so nothing was imported", timeout=20_000
    )
    listed = row.locator(".rejected-records li")
    expect(listed).to_have_count(2)
    expect(listed.nth(1)).to_have_text("record 12 (line 13): no title")
    assert Record.objects.count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import_refused_with_every_problem.png"), full_page=True)

    row.get_by_role("button", name="Import the valid records and skip these 2").click()
    expect(row).to_contain_text("imported 10 records", timeout=20_000)
    expect(row).to_contain_text("2 unusable records skipped, as chosen")
    expect(row).to_contain_text(
        "5 with minor gaps (5 no authors). Every record: no DOI, no abstract."
    )
    assert SearchImport.objects.get().rejected_count == 2
    assert Record.objects.count() == 10
