"""ROBINS-I (judged by the assessor, no algorithm), RoB 1 (judgement and support) and the
Newcastle-Ottawa scale (stars, good/fair/poor) through the same assessment workflow."""

import pytest
from django.core.exceptions import ValidationError

from extraction import services as extraction_services
from rob import figures, selectors, services
from rob.catalogue import get_tool


@pytest.fixture
def cohort(review, lead):
    return extraction_services.study_create(
        lead=lead, review=review, label="Cho 2019", citation="Cho 2019. Synthetic.", design="cohort"
    )


def test_robins_i_domains_take_the_assessors_judgement_and_overall_follows_the_rule(cohort, lead):
    services.settings_update(lead=lead, review=cohort.review, assessors_required=1)
    assignment = services.assignment_create(lead=lead, study=cohort)
    assert assignment.tool == "robins-i-2016"
    assessment = services.assessment_start(assessor=lead, assignment=assignment)
    tool = get_tool(assignment.tool)
    judgements = {d.id: "low" for d in tool.domains} | {"D1": "serious", "D5": "moderate"}
    for domain in tool.domains:
        row = services.domain_save(
            user=lead,
            assessment=assessment,
            domain_id=domain.id,
            answers={},
            judgement=judgements[domain.id],
            justification="Support text.",
        )
        assert (row.proposed, row.overridden) == ("", False)
    assessment.refresh_from_db()
    assert assessment.overall_proposed == "serious"


def test_rob1_judgement_with_support_and_a_bad_judgement_named(cohort, lead):
    assignment = services.assignment_create(lead=lead, study=cohort, tool="rob1")
    assessment = services.assessment_start(assessor=lead, assignment=assignment)
    with pytest.raises(ValidationError, match="'moderate' is not a judgement of domain D1"):
        services.domain_save(
            user=lead, assessment=assessment, domain_id="D1", answers={}, judgement="moderate"
        )
    row = services.domain_save(
        user=lead,
        assessment=assessment,
        domain_id="D1",
        answers={},
        judgement="unclear",
        justification="Randomised; method not stated.",
    )
    assert (row.judgement, row.justification) == ("unclear", "Randomised; method not stated.")


def test_nos_stars_give_the_overall_rating_and_a_plot_row(cohort, lead):
    services.settings_update(lead=lead, review=cohort.review, assessors_required=1)
    assignment = services.assignment_create(lead=lead, study=cohort, tool="nos-cohort")
    assessment = services.assessment_start(assessor=lead, assignment=assignment)
    tool = get_tool("nos-cohort")
    for domain in tool.domains:
        # The first option of every item: its stars are the tool file's, not typed here.
        answers = {q.id: q.answers[0] for q in domain.questions}
        services.domain_save(user=lead, assessment=assessment, domain_id=domain.id, answers=answers)
    assessment.refresh_from_db()
    stars = {d.id: sum(q.stars(q.answers[0]) for q in d.questions) for d in tool.domains}
    judged = selectors.assessment_data(assessment).judgements
    assert {k: int(v.judgement) for k, v in judged.items()} == stars
    assert assessment.overall_proposed in ("good", "fair", "poor")
    services.assessment_done(user=lead, assessment=assessment)
    consensus = services.consensus_start(user=lead, assignment=assignment)
    services.assessment_done(user=lead, assessment=consensus)
    (group,) = figures.groups(cohort.review)
    assert group.studies[0]["overall"] == assessment.overall_proposed
    assert set(group.studies[0]["judgements"].values()) <= {"good", "fair", "poor"}
    assert figures.figure(group, "traffic") is not None
