"""The main pages in English and in Chinese, as a review team sees them in Chromium.

The lead switches the language in the page header; the choice persists on their account (a
second browser signs in straight into Chinese). Each page is screenshotted in both languages
(test-artifacts/i18n-en-*.png, i18n-zh-*.png) and checked for what CJK text tends to break:
a page wider than the window, or a button or navigation link whose text is clipped.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from analysis.models import AnalysisPlan, AnalysisRun
from extraction.models import Extraction, ExtractionLock
from lifecycle.demo import DEMO_PASSWORD
from reviews.models import Review
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Elements whose text must show whole: a clipped label is a broken control.
CLIPPED = """() => {
  const clipped = [];
  for (const el of document.querySelectorAll(
    "button, a.button, .site-nav a, .review-nav a, th, label")) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // hidden, or for screen readers only
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible") {
      clipped.push(el.textContent.trim().slice(0, 40));
    }
  }
  return clipped;
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture(autouse=True)
def unlock_before_flush(transactional_db):
    yield
    # The database refuses to delete a locked review's extraction rows: unlock before flush.
    ExtractionLock.objects.all().delete()


@pytest.fixture
def demo(transactional_db):
    call_command("loaddemo", "--allow-production")
    bcg = Review.objects.get(extraction_lock__isnull=False)
    plan = AnalysisPlan.objects.filter(review=bcg).first()
    return {
        "bcg": bcg,
        "screening": Review.objects.exclude(pk=bcg.pk).get(),
        "extraction": Extraction.objects.filter(review=bcg).first(),
        "plan": plan,
        "run": AnalysisRun.objects.filter(plan=plan).first(),
    }


def _pages(demo) -> dict[str, str]:
    bcg, screening = demo["bcg"].pk, demo["screening"].pk
    return {
        "reviews": "/reviews/",
        "dashboard": f"/reviews/{bcg}/",
        "imports": f"/reviews/{screening}/imports/",
        "records": f"/reviews/{screening}/records/",
        "screening": f"/reviews/{screening}/screening/title_abstract/",
        "conflicts": f"/reviews/{screening}/screening/title_abstract/conflicts/",
        "prisma": f"/reviews/{screening}/prisma/",
        "members": f"/reviews/{bcg}/members/",
        "extraction": f"/reviews/{bcg}/extraction/",
        "extraction-entry": f"/reviews/{bcg}/extraction/entry/{demo['extraction'].pk}/",
        "rob": f"/reviews/{bcg}/rob/",
        "analysis": f"/reviews/{bcg}/analysis/",
        "analysis-run": f"/reviews/{bcg}/analysis/runs/{demo['run'].pk}/",
        "grade": f"/reviews/{bcg}/analysis/plans/{demo['plan'].pk}/grade/",
        "summary-of-findings": f"/reviews/{bcg}/analysis/summary-of-findings/",
        "account": "/accounts/",
    }


def _look_at_every_page(page, pages: dict[str, str], language: str) -> None:
    problems = []
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.screenshot(path=str(ARTIFACTS / f"i18n-{language[:2]}-{name}.png"), full_page=True)
        if (wider := page.evaluate(OVERFLOW)) > 0:
            problems.append(f"{url}: {wider}px wider than the window")
        if clipped := page.evaluate(CLIPPED):
            problems.append(f"{url}: clipped {clipped}")
    assert not problems, "\n".join(problems)


def test_main_pages_in_english_and_chinese(page, log_in, demo, chromium, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    log_in("demo-lead", DEMO_PASSWORD)
    pages = _pages(demo)
    _look_at_every_page(page, pages, "en-gb")

    page.goto(pages["dashboard"])
    page.get_by_label("Language").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert page.url.endswith(pages["dashboard"])  # the switch brings you back where you were
    expect(page.get_by_role("link", name="系统评价", exact=True)).to_be_visible()
    _look_at_every_page(page, pages, "zh-hans")

    # Another browser, which asks for English: the account's choice wins.
    other = chromium.new_context(base_url=live_server.url, locale="en-GB")
    try:
        second = other.new_page()
        second.goto("/accounts/login/")
        expect(second.locator("html")).to_have_attribute("lang", "en-gb")
        second.locator("#id_username").fill("demo-lead")
        second.locator("#id_password").fill(DEMO_PASSWORD)
        second.locator("form button[type=submit]").first.click()
        second.wait_for_url("**/reviews/")
        expect(second.locator("html")).to_have_attribute("lang", "zh-hans")
    finally:
        other.close()


def test_the_login_page_follows_the_browser_and_the_switch(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        page.screenshot(path=str(ARTIFACTS / "i18n-zh-login.png"), full_page=True)
        page.get_by_label("语言").select_option("en-gb")
        expect(page.locator("html")).to_have_attribute("lang", "en-gb")
        page.reload()
        expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    finally:
        context.close()
