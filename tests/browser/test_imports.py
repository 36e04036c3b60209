from pathlib import Path

import pytest
from playwright.sync_api import expect

from reviews import services
from reviews.models import Record, SearchImport
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


def test_two_files_upload_preview_and_import_with_progress(page, log_in, review):
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/imports/")
    page.set_input_files("#file-picker", [str(NBIB), str(EMBASE)])
    rows = page.locator(".upload-row")
    expect(rows).to_have_count(2)
    # The database is guessed from the file name where it can be, and always confirmed.
    expect(rows.nth(0).locator("select[name=database]")).to_have_value("pubmed")
    expect(rows.nth(1).locator("select[name=database]")).to_have_value("embase")
    rows.nth(0).get_by_label("Date searched").fill("2021-01-20")
    rows.nth(1).get_by_label("Interface").fill("Embase.com")

    for index in range(2):
        rows.nth(index).get_by_role("button", name="Upload and preview").click()
    expect(rows.nth(0)).to_contain_text("medline · utf-8")
    expect(rows.nth(0)).to_contain_text("Switching of Hormone Therapies in Breast Cancer Women.")
    expect(rows.nth(1)).to_contain_text("ris · utf-8-sig")
    expect(rows.nth(1)).to_contain_text("Duplication cysts")
    assert Record.objects.count() == 0

    for index in range(2):
        rows.nth(index).get_by_role("button", name="Import all records").click()
    expect(rows.nth(0)).to_contain_text("imported 10 records", timeout=20_000)
    expect(rows.nth(1)).to_contain_text("imported 6 records", timeout=20_000)
    history = page.locator("#history")
    expect(history).to_contain_text("mrhelper_demo_pubmed_202101.nbib")
    expect(history).to_contain_text("Embase.com")
    assert sorted(SearchImport.objects.values_list("record_count", flat=True)) == [6, 10]
    assert str(SearchImport.objects.get(database="pubmed").search_date) == "2021-01-20"
    assert page.external_requests == []

    page.get_by_role("link", name="Records").first.click()
    expect(page.get_by_role("heading", name="Records")).to_contain_text("16")


def test_bad_file_shows_the_reason_and_imports_nothing(page, log_in, review, tmp_path):
    bad = tmp_path / "broken.ris"
    bad.write_text("TY  - JOUR\nTI  - Fine\nER  - \nTY  - JOUR\nAU  - Nobody\nER  - \n")
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/imports/")
    page.set_input_files("#file-picker", [str(bad)])
    row = page.locator(".upload-row")
    row.locator("select[name=database]").select_option("embase")
    row.get_by_role("button", name="Upload and preview").click()
    row.get_by_role("button", name="Import all records").click()
    # Every unusable record is listed (issue #19), with the choice to skip them.
    expect(row.get_by_role("alert")).to_contain_text("record 2 (line 4): no title", timeout=20_000)
    assert Record.objects.count() == 0


def test_csv_column_mapping_step(page, log_in, review, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Heading,Writers,Yr\nSynthetic row one,Doe J; Roe R,2020\nSynthetic row two,Poe P,2021\n"
    )
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/imports/")
    page.set_input_files("#file-picker", [str(sheet)])
    row = page.locator(".upload-row")
    row.locator("select[name=database]").select_option("other")
    row.get_by_role("button", name="Upload and preview").click()
    expect(row.get_by_role("alert")).to_contain_text("no title column")
    row.get_by_label("Title").select_option("heading")
    row.get_by_label("Authors").select_option("writers")
    row.get_by_label("Year", exact=True).select_option("yr")
    row.get_by_role("button", name="Apply columns").click()
    expect(row.locator("table.preview")).to_contain_text("Synthetic row one")
    row.get_by_role("button", name="Import all records").click()
    expect(row).to_contain_text("imported 2 records", timeout=20_000)
    assert list(Record.objects.order_by("source_index").values_list("title", "year")) == [
        ("Synthetic row one", 2020),
        ("Synthetic row two", 2021),
    ]
