"""The risk-of-bias pages in Simplified Chinese: the tool files keep English, which the
catalogue translates at display (rob/tools/messages.py puts it there). Runs on the project's
catalogue, which `make setup` compiles."""

import csv
import io

from rob.models import Assessment
from tests.rob.conftest import answers_for

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
P = "/reviews/{}/rob/"
GROUP = {"group": "rob2-parallel-assignment|Acne scar score, 3 months"}


def test_the_domain_screen_shows_the_tool_in_chinese(client, assignment, reviewer):
    client.force_login(reviewer)
    client.post(P.format(assignment.review_id) + f"assignments/{assignment.pk}/start/")
    assessment = Assessment.objects.get(assessor=reviewer)
    page = client.get(
        P.format(assignment.review_id) + f"assessments/{assessment.pk}/D1/", **ZH
    ).content.decode()
    assert "D1 · 随机化过程中的偏倚" in page
    assert "分配序列的产生是否采用了随机方法？" in page
    assert all(answer in page for answer in ("是", "可能是", "可能否", "否", "无信息"))
    assert "低风险" in page and "存在一定风险" in page and "高风险" in page
    assert "Bias arising" not in page and "Probably yes" not in page


def test_the_export_and_plots_follow_the_language(client, both_done, assignment, lead):
    client.force_login(lead)
    base = P.format(assignment.review_id)
    text = client.get(base + "export.csv", **ZH).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:4] == ["研究", "工具", "结果", "评价员"]
    overall = {(r["评价员"], r["判断"]) for r in rows if r["领域"] == "总体"}
    assert overall == {("lead", "低风险"), ("reviewer", "高风险")}
    client.post(base + f"assignments/{assignment.pk}/consensus/")
    consensus = Assessment.objects.get(assignment=assignment, assessor__isnull=True)
    client.post(
        base + f"assessments/{consensus.pk}/D2/",
        {f"q-{q}": a for q, a in answers_for(assignment.tool, "D2", "high").items()},
        headers={"HX-Request": "true"},
    )
    client.post(base + f"assessments/{consensus.pk}/overall/", {"done": "1"})
    svg = client.get(base + "plots/traffic.svg", GROUP, **ZH).content.decode()
    assert "偏倚风险领域" in svg and "随机化过程中的偏倚" in svg and "低风险" in svg
    english = client.get(base + "plots/traffic.svg", GROUP).content.decode()
    assert "Risk of bias domains" in english and "偏倚" not in english
