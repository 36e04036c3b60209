"""A review with two synthetic studies (made-up labels and citations) assigned RoB 2, and
helpers that fill in an assessment by the tool's own questions."""

import pytest

from extraction import services as extraction_services
from rob import services
from rob.algorithms import propose_domain
from rob.catalogue import asked_questions, get_tool


def answers_for(tool_id: str, domain_id: str, judgement: str) -> dict[str, str]:
    """Answers that lead the domain's algorithm to ``judgement``: the first found by trying
    the asked questions' answers in order (not a copy of the decision table)."""
    tool = get_tool(tool_id)
    domain = tool.domain(domain_id)

    def search(given: dict[str, str]):
        asked = asked_questions(tool, domain_id, given)
        open_ = [q for q in asked if q.id not in given]
        if not open_:
            return given if str(propose_domain(tool, domain_id, given)) == judgement else None
        question = open_[0]
        for answer in question.answers:
            found = search({**given, question.id: answer})
            if found is not None:
                return found
        return None

    found = search({q.id: q.answers[0] for q in domain.preliminary})
    assert found is not None, (tool_id, domain_id, judgement)
    return found


def assess(user, assessment, judgements: dict[str, str], *, done: bool = True):
    """Answer every domain so that it proposes the given judgement (domain id → judgement)."""
    tool_id = assessment.assignment.tool
    for domain_id, judgement in judgements.items():
        services.domain_save(
            user=user,
            assessment=assessment,
            domain_id=domain_id,
            answers=answers_for(tool_id, domain_id, judgement),
        )
    if done:
        services.assessment_done(user=user, assessment=assessment)
    assessment.refresh_from_db()
    return assessment


ALL_LOW = {d: "low" for d in ("D1", "D2", "D3", "D4", "D5")}


@pytest.fixture
def study(review, lead):
    return extraction_services.study_create(
        lead=lead,
        review=review,
        label="Lee 2020",
        citation="Lee 2020. Synthetic.",
        design="parallel",
    )


@pytest.fixture
def assignment(lead, study):
    return services.assignment_create(lead=lead, study=study, result="Acne scar score, 3 months")


@pytest.fixture
def both_done(assignment, lead, reviewer):
    """Lead and reviewer have assessed; they differ on domain 2 (low vs high)."""
    a = assess(lead, services.assessment_start(assessor=lead, assignment=assignment), ALL_LOW)
    b = assess(
        reviewer,
        services.assessment_start(assessor=reviewer, assignment=assignment),
        {**ALL_LOW, "D2": "high"},
    )
    return a, b
