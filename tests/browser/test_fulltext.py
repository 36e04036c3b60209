"""Full-text screening in a browser: a reviewer uploads a report's PDF and reads it beside the
decision buttons, marks another report not retrieved, and PRISMA counts it.

Every record and PDF here is synthetic (made-up titles, a generated PDF)."""

import pytest
from playwright.sync_api import expect

from reviews import services as review_services
from screening.models import FullText
from tests.browser.conftest import ARTIFACTS
from tests.factories import UserFactory
from tests.screening.fulltext_data import full_text_reports, text_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def review(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lead = UserFactory(username="lead")
    UserFactory(username="rita")
    review = review_services.review_create(user=lead, data={"title": "Fat grafting (synthetic)"})
    review_services.member_add(actor=lead, review=review, identifier="rita", role="reviewer")
    return review


@pytest.fixture
def reports(review):
    return full_text_reports(review, review.created_by, n=3)


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"fulltext-{name}.png"))


def test_a_reviewer_reads_the_pdf_beside_the_decisions_and_marks_another_not_retrieved(
    page, log_in, review, reports
):
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/screening/full_text/")
    expect(page.locator(".screen-title")).to_have_text(reports[0].title)
    expect(page.get_by_text("No full text yet.")).to_be_visible()
    screenshot(page, "empty")

    page.locator("#fulltext-file").set_input_files(
        files=[
            {
                "name": "synthetic-report.pdf",
                "mimeType": "application/pdf",
                "buffer": text_pdf(reports[0].title),
            }
        ]
    )
    page.get_by_role("button", name="Upload").click()
    viewer = page.locator("iframe.fulltext-viewer")
    expect(viewer).to_be_visible()
    expect(page.locator(".fulltext-state")).to_contain_text("synthetic-report.pdf · 1 page")
    served = page.request.get(viewer.get_attribute("src"))
    assert served.status == 200
    assert served.headers["content-type"] == "application/pdf"
    assert served.body().startswith(b"%PDF-")

    # Wide screens: the PDF on the right, the decision buttons on the left, all on screen.
    include = page.get_by_role("button", name="Include")
    pdf_box, include_box = viewer.bounding_box(), include.bounding_box()
    assert include_box["x"] + include_box["width"] < pdf_box["x"]
    assert include_box["y"] + include_box["height"] <= DESKTOP["height"]
    assert pdf_box["height"] > 450
    page.wait_for_timeout(1500)  # let the PDF viewer draw the page
    screenshot(page, "desktop")

    # Tablets: the PDF below the record, the decision buttons pinned to the bottom.
    page.set_viewport_size(TABLET)
    pdf_box, include_box = viewer.bounding_box(), include.bounding_box()
    assert pdf_box["width"] > 700
    assert include_box["y"] + include_box["height"] <= TABLET["height"]
    page.wait_for_timeout(1000)
    screenshot(page, "tablet")
    page.set_viewport_size(DESKTOP)

    page.keyboard.press("i")
    expect(page.locator(".screen-title")).to_have_text(reports[1].title)
    page.locator("#fulltext-note").fill("Requested from the authors; no reply")
    page.get_by_role("button", name="Mark not retrieved").click()
    expect(page.locator(".fulltext-state")).to_contain_text(
        "Not retrieved: Requested from the authors; no reply"
    )
    # Nothing to decide on a report that was not retrieved.
    expect(page.get_by_role("button", name="Include")).to_have_count(0)
    screenshot(page, "not-retrieved")

    counts = page.request.get(f"/api/v1/reviews/{review.pk}/prisma/").json()
    assert (counts["reports_sought"], counts["reports_not_retrieved"]) == (3, 1)
    assert counts["reports_assessed"] == 2
    assert FullText.objects.get(record=reports[1]).not_retrieved

    page.get_by_role("link", name="Next record").click()
    expect(page.locator(".screen-title")).to_have_text(reports[2].title)
    expect(page.get_by_role("button", name="Include")).to_be_visible()
    # Chromium's PDF viewer loads its own files from chrome:// and chrome-extension:// URLs,
    # inside the browser; only requests over the network count.
    network = [url for url in page.external_requests if url.startswith(("http:", "https:"))]
    assert network == []
