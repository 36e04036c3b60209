"""The analysis pages, exports and plots in Simplified Chinese: a run's job draws its plots
in the language of the person who started it, another reader gets them in theirs, and the
stored results stay the same bytes whatever the language (needs the compiled zh-Hans
catalogue: `make setup`)."""

import io
import json

from django.utils import translation
from openpyxl import load_workbook

from analysis import services
from analysis.demo_bcg import bcg_run_here
from analysis.jobs import plot_png
from analysis.models import RunPlot
from tests.figures import no_missing_glyphs, svg_texts

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_a_run_started_in_chinese_draws_chinese_plots_and_keeps_english_results(
    web_as, lead, viewer, plan
):
    english = bcg_run_here(lead=lead, plan=plan)
    with translation.override("zh-hans"):
        chinese = bcg_run_here(lead=lead, plan=plan)
    # The results are data: the same bytes whoever started the run.
    assert chinese.results == english.results
    assert json.loads(chinese.results)["plain_language"].startswith("RR 0.49, 95% CI")
    forest = RunPlot.objects.get(run=chinese, name="forest")
    assert forest.language == "zh-hans"
    texts = " ".join(svg_texts(forest.svg.encode()))
    assert "有利于对照组" in texts and "研究" in texts and "Favours" not in texts
    with no_missing_glyphs():
        assert plot_png(forest).startswith(b"\x89PNG")

    # An English reader of the same run gets the plot drawn again in English, once.
    client = web_as(viewer)
    url = f"/reviews/{plan.review_id}/analysis/runs/{chinese.pk}/plots/forest.svg"
    svg = client.get(url, HTTP_ACCEPT_LANGUAGE="en-gb").content
    assert "Favours control" in " ".join(svg_texts(svg))
    client.get(url, HTTP_ACCEPT_LANGUAGE="en-gb")
    assert RunPlot.objects.filter(run=chinese, name="forest").count() == 2
    # And the page lists each plot once.
    page = client.get(f"/reviews/{plan.review_id}/analysis/runs/{chinese.pk}/").content.decode()
    assert page.count("<h2>Forest plot</h2>") == 1


def test_the_pages_and_exports_follow_the_readers_language(web_as, lead, viewer, plan):
    run = bcg_run_here(lead=lead, plan=plan)
    client = web_as(viewer)
    base = f"/reviews/{plan.review_id}/analysis/"
    page = client.get(f"{base}runs/{run.pk}/", **ZH).content.decode()
    assert "RR 0.49，95% CI 0.34 至 0.70；13 项研究" in page
    assert "异质性" in page and "森林图" in page and "Heterogeneity" not in page
    assert "采用随机效应模型" in page  # the methods paragraph
    svg = client.get(f"{base}runs/{run.pk}/plots/funnel.svg", **ZH).content
    assert "标准误" in " ".join(svg_texts(svg))
    sof = client.get(f"{base}summary-of-findings/", **ZH).content.decode()
    assert "结果总结表" in sof and "357,347（13 项研究）" in sof
    book = load_workbook(
        io.BytesIO(client.get(f"{base}summary-of-findings/?format=xlsx", **ZH).content)
    )
    assert book.active.title == "结果总结表" and book.active["B1"].value == "受试者人数（研究数）"
    grade = client.get(f"{base}plans/{plan.pk}/grade/", **ZH).content.decode()
    assert "证据质量" in grade and "不一致性" in grade
    plans = client.get(base, **ZH).content.decode()
    assert "分析方案" in plans and "二分类" in plans
    # The English page is unchanged.
    assert "Heterogeneity" in client.get(f"{base}runs/{run.pk}/").content.decode()


def test_the_apis_errors_follow_accept_language(api_as, lead, plan):
    run = services.run_enqueue(lead=lead, plan=plan, send=False)
    url = f"/api/v1/reviews/{plan.review_id}/analysis/runs/{run.pk}/results/"
    response = api_as(lead).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 409 and "尚无结果" in response.json()["detail"]
    bad = api_as(lead).post(
        f"/api/v1/reviews/{plan.review_id}/analysis/plans/",
        {"outcome": "tuberculosis", "measure": "MD"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert bad.status_code == 400 and "不适用于二分类结局指标" in json.dumps(
        bad.json(), ensure_ascii=False
    )
