import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from rob import selectors, services
from rob.models import Answer, Assessment, Assignment, DomainJudgement
from tests.rob.conftest import ALL_LOW, answers_for, assess


def test_default_tools_follow_the_design(review, lead):
    from extraction import services as extraction_services

    made = {}
    for design in ("parallel", "within_person", "crossover", "cohort", "case_control"):
        study = extraction_services.study_create(
            lead=lead, review=review, label=design, citation="Synthetic.", design=design
        )
        made[design] = services.assignment_create(lead=lead, study=study, result="Pain").tool
    assert made == {
        "parallel": "rob2-parallel-assignment",
        "within_person": "rob2-crossover-assignment",
        "crossover": "rob2-crossover-assignment",
        "cohort": "robins-i-2016",
        "case_control": "nos-case-control",
    }


def test_rob2_needs_the_result_it_assesses(study, lead):
    with pytest.raises(ValidationError, match="RoB 2 assesses one result"):
        services.assignment_create(lead=lead, study=study, tool="rob2-parallel-assignment")
    with pytest.raises(ValidationError, match="Unknown tool"):
        services.assignment_create(lead=lead, study=study, tool="rob3", result="x")


def test_the_database_refuses_a_second_assessment_by_one_assessor(assignment, lead):
    services.assessment_start(assessor=lead, assignment=assignment)
    assert services.assessment_start(assessor=lead, assignment=assignment)
    with pytest.raises(IntegrityError):
        Assessment.objects.create(review=assignment.review, assignment=assignment, assessor=lead)


def test_the_database_refuses_a_rob2_assignment_without_result(study):
    with pytest.raises(IntegrityError):
        Assignment.objects.create(review=study.review, study=study, tool="rob2-parallel-assignment")


def test_the_proposal_follows_the_answers(assignment, lead):
    assessment = services.assessment_start(assessor=lead, assignment=assignment)
    row = services.domain_save(
        user=lead, assessment=assessment, domain_id="D1", answers={"1.1": "Y"}
    )
    assert (row.proposed, row.judgement) == ("", "")
    row = services.domain_save(
        user=lead,
        assessment=assessment,
        domain_id="D1",
        answers=answers_for(assignment.tool, "D1", "high"),
    )
    assert (row.proposed, row.judgement, row.overridden) == ("high", "high", False)


def test_an_override_needs_a_justification_and_keeps_the_proposal(assignment, lead):
    assessment = services.assessment_start(assessor=lead, assignment=assignment)
    low = answers_for(assignment.tool, "D1", "low")
    with pytest.raises(ValidationError, match="give the reason"):
        services.domain_save(
            user=lead, assessment=assessment, domain_id="D1", answers=low, judgement="high"
        )
    assert not DomainJudgement.objects.filter(assessment=assessment, judgement="high").exists()
    row = services.domain_save(
        user=lead,
        assessment=assessment,
        domain_id="D1",
        answers=low,
        judgement="high",
        justification="Allocation by a shared spreadsheet.",
    )
    assert (row.proposed, row.judgement, row.overridden) == ("low", "high", True)
    # Saving the answers again keeps the override.
    row = services.domain_save(user=lead, assessment=assessment, domain_id="D1", answers=low)
    assert (row.proposed, row.judgement, row.overridden) == ("low", "high", True)
    with pytest.raises(IntegrityError):
        DomainJudgement.objects.filter(pk=row.pk).update(justification="")


def test_the_overall_override_needs_a_justification(assignment, lead):
    assessment = assess(
        lead,
        services.assessment_start(assessor=lead, assignment=assignment),
        {**ALL_LOW, "D2": "some_concerns", "D3": "some_concerns"},
        done=False,
    )
    assert assessment.overall_proposed == "some_concerns"
    with pytest.raises(ValidationError, match="give the reason"):
        services.overall_save(user=lead, assessment=assessment, judgement="high")
    services.overall_save(
        user=lead, assessment=assessment, judgement="high", justification="Several concerns."
    )
    assessment.refresh_from_db()
    assert (assessment.overall_proposed, assessment.overall_judgement) == ("some_concerns", "high")


def test_answers_to_questions_not_asked_are_refused_or_dropped(assignment, lead):
    assessment = services.assessment_start(assessor=lead, assignment=assignment)
    # RoB 2 domain 3: 3.2 is asked only when 3.1 is not Y/PY.
    with pytest.raises(ValidationError, match="not asked here"):
        services.domain_save(
            user=lead, assessment=assessment, domain_id="D3", answers={"3.1": "Y", "3.2": "N"}
        )
    row = services.domain_save(
        user=lead,
        assessment=assessment,
        domain_id="D3",
        answers={"3.1": "Y", "3.2": "N"},
        drop_not_asked=True,
    )
    assert row.proposed == "low"
    assert list(Answer.objects.filter(assessment=assessment).values_list("question", "answer")) == [
        ("3.1", "Y")
    ]


def test_done_needs_every_domain(assignment, lead):
    assessment = services.assessment_start(assessor=lead, assignment=assignment)
    assess(lead, assessment, {"D1": "low"}, done=False)
    with pytest.raises(ValidationError) as caught:
        services.assessment_done(user=lead, assessment=assessment)
    assert any("Domain D2" in m for m in caught.value.messages)


def test_consensus_starts_with_what_the_assessors_agree_on(both_done, assignment, lead):
    consensus = services.consensus_start(user=lead, assignment=assignment)
    data = selectors.assessment_data(consensus)
    assert data.judgements["D1"].judgement == "low"
    assert data.judgements["D2"].judgement in ("", "low", "high")
    _, differences, _ = selectors.comparison(assignment)
    assert {d.domain for d in differences} >= {"D2", "overall"}
    assert not any(d.domain == "D1" for d in differences)
    services.domain_save(
        user=lead,
        assessment=consensus,
        domain_id="D2",
        answers=answers_for(assignment.tool, "D2", "high"),
    )
    services.assessment_done(user=lead, assessment=consensus)
    assert selectors.study_judgements(assignment.review) == {
        assignment.study_id: {
            "tool": "rob2-parallel-assignment",
            "overall": "high",
            "domains": {**ALL_LOW, "D2": "high"},
        }
    }


def test_consensus_waits_for_the_required_assessments(assignment, lead):
    assess(lead, services.assessment_start(assessor=lead, assignment=assignment), ALL_LOW)
    with pytest.raises(ValidationError, match="required assessments"):
        services.consensus_start(user=lead, assignment=assignment)


def test_study_judgements_takes_the_worst_result_of_a_rob2_study(study, lead, reviewer):
    services.settings_update(lead=lead, review=study.review, assessors_required=1)
    judged = {"Pain, 1 week": {**ALL_LOW, "D3": "some_concerns"}, "Scar score, 3 months": ALL_LOW}
    for result, judgements in judged.items():
        assignment = services.assignment_create(lead=lead, study=study, result=result)
        assess(lead, services.assessment_start(assessor=lead, assignment=assignment), judgements)
        consensus = services.consensus_start(user=lead, assignment=assignment)
        services.assessment_done(user=lead, assessment=consensus)
    found = selectors.study_judgements(study.review)
    assert found[study.pk]["overall"] == "some_concerns"
    assert found[study.pk]["domains"]["D3"] == "some_concerns"


def test_study_judgements_leaves_out_unfinished_consensus(both_done, assignment, lead):
    services.consensus_start(user=lead, assignment=assignment)
    assert selectors.study_judgements(assignment.review) == {}
