"""Issue #18: screening, the dashboard and the PRISMA 2020 diagram in Simplified Chinese.

The diagram is drawn in the language active when it is asked for, with the terms of the
Chinese translation of PRISMA 2020 (识别, 筛选, 纳入 …), and a Chinese PNG draws every glyph.
Needs the compiled zh-Hans catalogue (`make setup`) and a CJK font (`make fonts`).
Synthetic records (test DOIs under 10.5555)."""

import warnings

import pytest
from django.utils import translation

from screening.models import StageSettings
from screening.prisma_diagram import prisma_png, prisma_svg
from screening.services import decision_record
from tests.screening.data import FT, TA
from tests.screening.test_api import post_decision, synthetic_records
from tests.screening.test_prisma_diagram import COUNTS, boxes, labels
from tests.screening.test_prisma_page import screened  # noqa: F401  (a fixture)

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def _english_afterwards(settings):
    """A request leaves its language active in the thread: the next test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_chinese_diagram_uses_the_prisma_2020_chinese_terms():
    with translation.override("zh-hans"):
        svg = prisma_svg(COUNTS)
    assert labels(svg) == ["通过数据库和注册库识别研究", "识别", "筛选", "纳入"]
    found = boxes(svg)
    assert found["records-screened"] == ["筛选的记录 (n = 200)"]
    assert found["records-removed"] == ["筛选前去除的记录：", "重复记录 (n = 56)"]
    assert found["reports-sought"] == ["寻求获取的报告 (n = 30)"]
    assert found["reports-not-retrieved"] == ["未能获取的报告 (n = 3)"]
    assert found["reports-assessed"] == ["评估合格性的报告 (n = 27)"]
    assert found["studies-included"] == ["纳入系统评价的研究 (n = 8)", "纳入研究的报告 (n = 9)"]
    # The reasons are the review's own words (data): drawn as they are.
    assert "Wrong population (n = 7)" in found["reports-excluded"]
    assert "PRISMA 2020 流程图" in svg


def test_a_chinese_prisma_png_draws_every_glyph():
    counts = {**COUNTS, "identified": {"中国知网 CNKI": 41, "万方数据": 12, "total": 53}}
    with translation.override("zh-hans"), warnings.catch_warnings():
        # matplotlib warns "Glyph … missing from font(s) …" for a character no font in the
        # list can draw (it draws a box instead): here that fails the test.
        warnings.filterwarnings("error", message=r"(?s).*missing from font")
        png = prisma_png(counts)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_diagram_follows_the_active_language_and_english_stays_english():
    with translation.override("zh-hans"):
        chinese = prisma_svg(COUNTS)
    with translation.override("en"):
        english = prisma_svg(COUNTS)
    assert "筛选的记录" in chinese and "筛选的记录" not in english
    assert "Records screened (n = 200)" in english


@pytest.mark.django_db
def test_the_prisma_page_and_downloads_come_in_the_browsers_language(web_as, viewer, screened):  # noqa: F811
    client = web_as(viewer)
    page = client.get(f"/reviews/{screened.pk}/prisma/", **ZH).content.decode()
    assert "PRISMA 2020 流程图" in page
    assert "筛选的记录 (n = 5)" in page
    svg = client.get(f"/reviews/{screened.pk}/prisma/prisma.svg", **ZH)
    assert svg.status_code == 200
    assert "纳入系统评价的研究 (n = 1)" in svg.content.decode()
    english = client.get(f"/reviews/{screened.pk}/prisma/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Records screened (n = 5)" in english.content.decode()


@pytest.mark.django_db
def test_default_exclusion_reasons_are_stored_in_english_and_shown_translated(
    web_as,
    lead,
    screened,  # noqa: F811
):
    """Decisions keep the reason they were given: a Chinese and an English reviewer choosing
    the same default reason count together in PRISMA."""
    client = web_as(lead)
    page = client.get(f"/reviews/{screened.pk}/prisma/", **ZH).content.decode()
    assert "研究对象不符 (n = 1)" in page and "研究设计不符 (n = 1)" in page
    data = client.get(f"/reviews/{screened.pk}/prisma/prisma.json", **ZH).json()
    assert data["reports_excluded"]["reasons"] == {"Wrong population": 1, "Wrong study design": 1}
    assert StageSettings(review=screened, stage=FT).exclusion_reasons[0] == "Wrong population"


@pytest.mark.django_db
def test_the_full_text_reasons_read_in_chinese_and_post_in_english(web_as, lead, review):
    (record,) = synthetic_records(review, lead, 1)
    StageSettings.objects.create(review=review, stage=TA, reviewers_required=1)
    decision_record(reviewer=lead, review=review, record_id=record.pk, stage=TA, decision="include")
    page = web_as(lead).get(f"/reviews/{review.pk}/screening/{FT}/", **ZH).content.decode()
    assert '<option value="Wrong population">研究对象不符</option>' in page
    assert "标记为未能获取" in page  # the full-text panel


@pytest.mark.django_db
def test_the_screening_page_and_dashboard_read_in_chinese(web_as, reviewer, review, lead):
    synthetic_records(review, lead, 2)
    client = web_as(reviewer)
    page = client.get(f"/reviews/{review.pk}/screening/{TA}/", **ZH).content.decode()
    assert "标题和摘要筛选" in page
    assert "纳入 <kbd>i</kbd>" in page and "排除 <kbd>e</kbd>" in page
    assert "待定 <kbd>m</kbd>" in page
    dashboard = client.get(f"/reviews/{review.pk}/", **ZH).content.decode()
    assert "双人盲法筛选标题和摘要。" in dashboard


@pytest.mark.django_db
def test_an_api_error_follows_accept_language(api_as, reviewer, review, lead):
    (record,) = synthetic_records(review, lead, 1)
    client = api_as(reviewer)
    client.credentials(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.post(
        f"/api/v1/reviews/{review.pk}/screening/{TA}/decisions/",
        {"record": 987654, "decision": "include"},
        format="json",
    )
    assert response.status_code == 400
    assert "不在本评价的这一筛选阶段中" in response.json()["detail"]
    assert post_decision(client, review, record, "include").status_code in (200, 201)
