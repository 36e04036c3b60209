import csv
import io

from openpyxl import load_workbook

from rob import services
from rob.models import Assessment, DomainJudgement
from tests.rob.conftest import ALL_LOW, answers_for, assess

P = "/reviews/{}/rob/"


def _post_domain(client, assessment, domain, answers, **extra):
    data = {f"q-{q}": a for q, a in answers.items()}
    data.update(extra)
    return client.post(
        P.format(assessment.review_id) + f"assessments/{assessment.pk}/{domain}/",
        data,
        headers={"HX-Request": "true"},
    )


def test_assignments_page_shows_progress(client, assignment, lead, reviewer):
    assess(
        lead,
        services.assessment_start(assessor=lead, assignment=assignment),
        {"D1": "low"},
        done=False,
    )
    client.force_login(reviewer)
    body = client.get(P.format(assignment.review_id)).content.decode()
    assert "Lee 2020" in body and "lead: 1/5" in body
    assert "Assess" in body


def test_lead_assigns_through_the_page(client, study, lead):
    client.force_login(lead)
    response = client.post(
        P.format(study.review_id) + "assign/", {"study": study.pk, "result": "Pain"}
    )
    assert response.status_code == 302
    assert study.rob_assignments.get().tool == "rob2-parallel-assignment"


def test_the_domain_screen_shows_asked_questions_and_the_proposal(client, assignment, reviewer):
    client.force_login(reviewer)
    response = client.post(P.format(assignment.review_id) + f"assignments/{assignment.pk}/start/")
    assessment = Assessment.objects.get(assessor=reviewer)
    assert response["Location"].endswith(f"assessments/{assessment.pk}/D1/")
    page = client.get(response["Location"]).content.decode()
    assert 'data-question="1.1"' in page and 'data-answer-key="y"' in page
    # D3: 3.2 appears only when 3.1 is not yes.
    fragment = _post_domain(client, assessment, "D3", {"3.1": "N"}).content.decode()
    assert '<fieldset class="rob-question" data-question="3.2"' in fragment
    fragment = _post_domain(client, assessment, "D3", {"3.1": "Y", "3.2": "N"}).content.decode()
    assert '<fieldset class="rob-question" data-question="3.2"' not in fragment
    assert "not asked (NA)" in fragment
    assert 'data-proposed="low"' in fragment


def test_an_override_without_justification_keeps_the_answers_and_says_why(
    client, assignment, reviewer
):
    assessment = services.assessment_start(assessor=reviewer, assignment=assignment)
    client.force_login(reviewer)
    low = answers_for(assignment.tool, "D1", "low")
    response = _post_domain(client, assessment, "D1", low, judgement="high")
    assert response.status_code == 400
    assert "give the reason" in response.content.decode()
    row = DomainJudgement.objects.get(assessment=assessment, domain="D1")
    assert (row.proposed, row.judgement) == ("low", "low")
    response = _post_domain(
        client, assessment, "D1", low, judgement="high", justification="Alternation."
    )
    row.refresh_from_db()
    assert (row.proposed, row.judgement, row.overridden) == ("low", "high", True)


def test_reviewer_cannot_open_the_leads_assessment_before_consensus(
    client, assignment, lead, reviewer
):
    theirs = assess(lead, services.assessment_start(assessor=lead, assignment=assignment), ALL_LOW)
    client.force_login(reviewer)
    assert (
        client.get(P.format(assignment.review_id) + f"assessments/{theirs.pk}/D1/").status_code
        == 404
    )
    assert (
        client.get(
            P.format(assignment.review_id) + f"assignments/{assignment.pk}/compare/"
        ).status_code
        == 403
    )
    exported = client.get(P.format(assignment.review_id) + "export.csv").content.decode("utf-8-sig")
    assert "lead" not in exported.split("\n", 1)[1]


def test_comparison_consensus_plots_and_exports(client, both_done, assignment, lead, viewer):
    client.force_login(lead)
    base = P.format(assignment.review_id)
    page = client.get(base + f"assignments/{assignment.pk}/compare/").content.decode()
    assert "D2 · Bias due to deviations" in page and "Domain judgement" in page
    response = client.post(base + f"assignments/{assignment.pk}/consensus/")
    consensus = Assessment.objects.get(assignment=assignment, assessor__isnull=True)
    _post_domain(client, consensus, "D2", answers_for(assignment.tool, "D2", "high"))
    response = client.post(base + f"assessments/{consensus.pk}/overall/", {"done": "1"})
    assert response.status_code == 302, response.content.decode()
    client.force_login(viewer)
    plots = client.get(base + "plots/").content.decode()
    assert "rob-traffic-light" in plots
    svg = client.get(
        base + "plots/traffic.svg", {"group": "rob2-parallel-assignment|Acne scar score, 3 months"}
    )
    assert svg["Content-Type"] == "image/svg+xml" and b"Lee 2020" in svg.content
    png = client.get(
        base + "plots/summary.png",
        {"group": "rob2-parallel-assignment|Acne scar score, 3 months", "download": "1"},
    )
    assert png.content.startswith(b"\x89PNG") and "attachment" in png["Content-Disposition"]
    exported = client.get(base + "export.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    overall = {(r["assessor"], r["judgement"]) for r in rows if r["domain"] == "overall"}
    # People read the export: judgements show as the tool's labels.
    low, high = "Low risk of bias", "High risk of bias"
    assert overall == {("lead", low), ("reviewer", high), ("consensus", high)}
    assert any(r["item"] == "1.1" and r["answer"] for r in rows)
    book = load_workbook(io.BytesIO(client.get(base + "export.xlsx").content))
    assert book.active.max_row == len(rows) + 1


def test_the_dashboard_card_counts_assignments_and_consensus(client, both_done, assignment, lead):
    client.force_login(lead)
    html = client.get(f"/reviews/{assignment.review_id}/").content.decode()
    # The card starts at the link to the stage (the dashboard's markup around it may change).
    card = html[html.index(f'href="/reviews/{assignment.review_id}/rob/" class="stage-link"') :][
        :600
    ]
    assert "Assigned" in card and "In progress" in card


def test_a_done_assessment_shows_read_only_with_reopen_for_its_assessor(
    client, both_done, assignment, reviewer, lead
):
    _, reviewer_own = both_done
    client.force_login(reviewer)
    page = client.get(P.format(assignment.review_id) + f"assessments/{reviewer_own.pk}/overall/")
    body = page.content.decode()
    assert "disabled" in body and ">Reopen<" in body
    client.force_login(lead)
    body = client.get(
        P.format(assignment.review_id) + f"assessments/{reviewer_own.pk}/overall/"
    ).content.decode()
    assert ">Reopen<" not in body
