"""Analysis in the browser: the lead runs the BCG analysis (metafor's dat.bcg, extracted and
locked) from the plans page, follows the run to its results with the forest plot, and reads
the summary-of-findings table; a Chinese reader sees the same pages and plots in Chinese, with
the layout holding. Screenshots of every analysis page go to test-artifacts/."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from analysis.demo_bcg import bcg_extract_and_lock, bcg_plan, bcg_run_here
from analysis.models import AnalysisRun
from extraction.models import ExtractionLock
from reviews import services as review_services
from reviews.models import Job
from tests.browser.conftest import ARTIFACTS
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def unlock_before_flush(transactional_db):
    yield
    # The database refuses to delete a locked review's extraction rows: unlock before flush.
    ExtractionLock.objects.all().delete()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"analysis-{name}.png"), full_page=True)


def test_lead_runs_the_bcg_analysis_and_sees_the_forest_plot_and_sof(page, log_in):
    lead = UserFactory(username="lead")
    review = review_services.review_create(user=lead, data={"title": "BCG vaccine (dat.bcg)"})
    bcg_extract_and_lock(lead=lead, review=review)
    plan = bcg_plan(lead=lead, review=review)
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/analysis/")
    expect(page.get_by_role("heading", name="Tuberculosis")).to_be_visible()
    shot(page, "plans")
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url("**/analysis/runs/*/")
    expect(page.locator(".plain-language")).to_contain_text(
        "RR 0.49, 95% CI 0.34 to 0.70; 13 studies"
    )
    forest = page.get_by_alt_text("Forest plot", exact=False).first
    expect(forest).to_be_visible()
    # The image loaded (an SVG drawn by the run), not a broken link.
    assert page.evaluate("(img) => img.naturalWidth", forest.element_handle()) > 100
    expect(page.get_by_role("heading", name="Funnel plot")).to_be_visible()
    expect(page.get_by_role("heading", name="Leave-one-out", exact=True)).to_be_visible()
    shot(page, "run")
    run = AnalysisRun.objects.get(plan=plan)
    assert run.job.status == Job.Status.SUCCEEDED

    page.goto(f"/reviews/{review.pk}/analysis/plans/{plan.pk}/grade/")
    expect(page.locator(".certainty")).to_contain_text("Certainty of the evidence")
    page.get_by_label("Assumed control risk").fill("0.01")
    page.get_by_role("button", name="Save judgements").click()
    expect(page.get_by_text("GRADE judgements saved.")).to_be_visible()
    shot(page, "grade")

    page.goto(f"/reviews/{review.pk}/analysis/summary-of-findings/")
    table = page.locator("table.sof")
    expect(table).to_contain_text("Tuberculosis (end of follow-up)")
    expect(table).to_contain_text("357,347 (13 studies)")
    expect(table).to_contain_text("10 per 1000")
    shot(page, "sof")
    page.goto(f"/reviews/{review.pk}/analysis/plans/new/")
    expect(page.get_by_label("Outcome and time point")).to_be_visible()
    shot(page, "plan-form")
    page.goto(f"/reviews/{review.pk}/")
    expect(page.get_by_role("link", name="Analysis").first).to_be_visible()
    shot(page, "dashboard")
    assert page.external_requests == []
    assert page.csp_violations == []


def fits(page) -> bool:
    """Nothing sticks out of the page sideways (CJK text wider or narrower than English)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_chinese_reader_sees_the_analysis_pages_and_plots_in_chinese(page, log_in):
    lead = UserFactory(username="lead")
    review = review_services.review_create(user=lead, data={"title": "BCG vaccine (dat.bcg)"})
    bcg_extract_and_lock(lead=lead, review=review)
    plan = bcg_plan(lead=lead, review=review)
    with translation.override("zh-hans"):
        run = bcg_run_here(lead=lead, plan=plan)
    log_in("lead")
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.goto(f"/reviews/{review.pk}/analysis/")
    expect(page.get_by_role("heading", name="分析", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="运行全部分析方案")).to_be_visible()
    assert fits(page)
    shot(page, "zh-plans")
    page.goto(f"/reviews/{review.pk}/analysis/runs/{run.pk}/")
    expect(page.locator(".plain-language")).to_contain_text(
        "RR 0.49，95% CI 0.34 至 0.70；13 项研究"
    )
    forest = page.get_by_alt_text("森林图", exact=False).first
    expect(forest).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", forest.element_handle()) > 100
    expect(page.get_by_role("heading", name="漏斗图")).to_be_visible()
    assert fits(page)
    shot(page, "zh-run")
    page.goto(f"/reviews/{review.pk}/analysis/plans/{plan.pk}/grade/")
    expect(page.locator(".certainty")).to_contain_text("证据质量")
    assert fits(page)
    shot(page, "zh-grade")
    page.goto(f"/reviews/{review.pk}/analysis/summary-of-findings/")
    expect(page.locator("table.sof")).to_contain_text("357,347（13 项研究）")
    assert fits(page)
    shot(page, "zh-sof")
    page.goto(f"/reviews/{review.pk}/analysis/plans/new/")
    expect(page.get_by_label("结局指标和时间点")).to_be_visible()
    assert fits(page)
    shot(page, "zh-plan-form")
    assert page.external_requests == []
