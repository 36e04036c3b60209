"""Reads of risk-of-bias data: settings, assignments with their progress, one assessment's
answers and judgements, the comparison of two assessments, and the consensus judgements that
plots, exports and the analysis app use."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from extraction.models import Design, Study
from reviews.models import Membership, Review
from rob.catalogue import get_tool
from rob.definitions import PRELIMINARY, Tool
from rob.models import Answer, Assessment, Assignment, DomainJudgement, RobSettings

# The tool a study's design suggests (the lead may choose another: NOS for a cohort).
DEFAULT_TOOLS: dict[str, str] = {
    Design.PARALLEL: "rob2-parallel-assignment",
    Design.WITHIN_PERSON: "rob2-crossover-assignment",
    Design.CROSSOVER: "rob2-crossover-assignment",
    Design.COHORT: "robins-i-2016",
    Design.CASE_CONTROL: "nos-case-control",
    Design.BEFORE_AFTER: "robins-i-2016",
}


def default_tool(design: str) -> str:
    return DEFAULT_TOOLS.get(design, "rob2-parallel-assignment")


def rob_settings(review: Review) -> RobSettings:
    """The review's settings, or the defaults when a lead has not changed them."""
    found = RobSettings.objects.select_related("arbiter").filter(review=review).first()
    return found or RobSettings(review=review)


def can_build_consensus(membership: Membership, settings: RobSettings) -> bool:
    """Leads build consensus; so does the reviewer a lead named RoB arbiter."""
    if membership.is_lead:
        return True
    return membership.can_write and settings.arbiter_id == membership.user_id


def assessments_of(assignment: Assignment) -> list[Assessment]:
    """The assessors' assessments (not the consensus), oldest first."""
    return list(
        Assessment.objects.filter(assignment=assignment, assessor__isnull=False)
        .select_related("assessor")
        .order_by("pk")
    )


def consensus_of(assignment: Assignment) -> Assessment | None:
    return Assessment.objects.filter(assignment=assignment, assessor__isnull=True).first()


def is_ready(assignment: Assignment, settings: RobSettings) -> bool:
    """Whether the required assessments are done, so the consensus may start."""
    done = Assessment.objects.filter(
        assignment=assignment, assessor__isnull=False, status=Assessment.Status.DONE
    ).count()
    return done >= settings.assessors_required


def consensus_done(assignment: Assignment) -> bool:
    return Assessment.objects.filter(
        assignment=assignment, assessor__isnull=True, status=Assessment.Status.DONE
    ).exists()


@dataclass
class AssignmentRow:
    assignment: Assignment
    assessments: list[Assessment]
    consensus: Assessment | None
    mine: Assessment | None
    # assessment pk → (domains judged, domains)
    progress: dict[int, tuple[int, int]] = field(default_factory=dict)


def assignment_rows(review: Review, user) -> list[AssignmentRow]:
    """Every assignment with its assessments and each one's progress (domains judged)."""
    assignments = (
        Assignment.objects.filter(review=review)
        .select_related("study")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("assessor")
                .prefetch_related("domains")
                .order_by("pk"),
            )
        )
    )
    rows = []
    for assignment in assignments:
        every = list(assignment.assessments.all())
        total = len(get_tool(assignment.tool).domains)
        row = AssignmentRow(
            assignment=assignment,
            assessments=[a for a in every if a.assessor_id is not None],
            consensus=next((a for a in every if a.assessor_id is None), None),
            mine=next((a for a in every if a.assessor_id == user.pk), None),
        )
        for assessment in every:
            judged = sum(1 for d in assessment.domains.all() if d.judgement)
            row.progress[assessment.pk] = (judged, total)
        rows.append(row)
    return rows


def assessor_progress(review: Review) -> list[dict]:
    """Per assessor: assessments started and done."""
    counts: dict[str, dict] = {}
    assessments = Assessment.objects.filter(review=review, assessor__isnull=False)
    for assessment in assessments.select_related("assessor"):
        assert assessment.assessor is not None  # filtered on assessor__isnull=False
        name = assessment.assessor.get_username()
        row = counts.setdefault(name, {"assessor": name, "started": 0, "done": 0})
        row["started"] += 1
        row["done"] += assessment.status == Assessment.Status.DONE
    return sorted(counts.values(), key=lambda row: row["assessor"])


@dataclass
class AssessmentData:
    answers: dict[str, dict[str, Answer]]  # domain → question → answer
    judgements: dict[str, DomainJudgement]  # domain → judgement


def assessment_data(assessment: Assessment) -> AssessmentData:
    answers: dict[str, dict[str, Answer]] = {}
    for answer in Answer.objects.filter(assessment=assessment):
        answers.setdefault(answer.domain, {})[answer.question] = answer
    # The preliminary answers are kept once; each domain that depends on them reads them as
    # its own, so the screens, comparison and consensus see the one answer everywhere.
    preliminary = answers.pop(PRELIMINARY, {})
    if preliminary:
        for domain in get_tool(assessment.assignment.tool).domains:
            if domain.preliminary:
                answers.setdefault(domain.id, {}).update(preliminary)
    judgements = {d.domain: d for d in DomainJudgement.objects.filter(assessment=assessment)}
    return AssessmentData(answers, judgements)


def assessment_json(assessment: Assessment) -> dict:
    """An assessment as the API and the exports give it, domains in the tool's order."""
    tool = get_tool(assessment.assignment.tool)
    data = assessment_data(assessment)
    domains = []
    for domain in tool.domains:
        judgement = data.judgements.get(domain.id)
        given = data.answers.get(domain.id, {})
        domains.append(
            {
                "domain": domain.id,
                "answers": {
                    q.id: {
                        "answer": given[q.id].answer if q.id in given else None,
                        "quote": given[q.id].quote if q.id in given else "",
                        "page": given[q.id].page if q.id in given else "",
                    }
                    for q in (*domain.preliminary, *domain.questions)
                },
                "proposed": judgement.proposed if judgement else "",
                "judgement": judgement.judgement if judgement else "",
                "overridden": judgement.overridden if judgement else False,
                "justification": judgement.justification if judgement else "",
            }
        )
    return {
        "id": assessment.pk,
        "assignment": assessment.assignment_id,
        "assessor": assessment.assessor.get_username() if assessment.assessor else None,
        "status": assessment.status,
        "domains": domains,
        "overall_proposed": assessment.overall_proposed,
        "overall_judgement": assessment.overall_judgement,
        "overall_overridden": assessment.overall_overridden,
        "overall_justification": assessment.overall_justification,
    }


@dataclass
class Difference:
    domain: str
    item: str  # a question id, "judgement" or "overall"
    values: list[str]  # one per assessment, in order


def comparison(assignment: Assignment) -> tuple[list[Assessment], list[Difference], int]:
    """The done assessments and where they differ: per question, per domain judgement and
    overall; and the number of items compared."""
    tool = get_tool(assignment.tool)
    assessments = [a for a in assessments_of(assignment) if a.status == Assessment.Status.DONE]
    data = [assessment_data(a) for a in assessments]
    differences: list[Difference] = []
    compared = 0
    for index, domain in enumerate(tool.domains):
        # The preliminary questions are one answer per assessment: compared once.
        preliminary = domain.preliminary if index == 0 else ()
        for question in (*preliminary, *domain.questions):
            values = [
                d.answers.get(domain.id, {})[question.id].answer
                if question.id in d.answers.get(domain.id, {})
                else "NA"
                for d in data
            ]
            compared += 1
            if len(set(values)) > 1:
                differences.append(Difference(domain.id, question.id, values))
        values = [
            d.judgements[domain.id].judgement if domain.id in d.judgements else "" for d in data
        ]
        compared += 1
        if len(set(values)) > 1:
            differences.append(Difference(domain.id, "judgement", values))
    values = [a.overall_judgement for a in assessments]
    compared += 1
    if len(set(values)) > 1:
        differences.append(Difference("overall", "overall", values))
    return assessments, differences, compared


def consensus_assessments(review: Review) -> list[Assessment]:
    """The finished consensus assessments, with assignment, study and domain judgements."""
    return list(
        Assessment.objects.filter(
            review=review, assessor__isnull=True, status=Assessment.Status.DONE
        )
        .select_related("assignment__study")
        .prefetch_related("domains")
        .order_by("assignment__study__label", "assignment__tool", "assignment__result", "pk")
    )


def _worst(tool: Tool, judgements: list[str]) -> str:
    scale = list(tool.overall["judgements"])
    return max(judgements, key=lambda j: scale.index(j) if j in scale else -1)


def study_judgements(review: Review) -> dict[int, dict]:
    """Study pk → {"tool", "overall", "domains": {domain id: judgement}} for every study with a
    finished consensus, for the analysis app (subgroups, sensitivity, dots by forest rows).

    RoB 2 judges results, not studies: when a study has several assessed results, it takes the
    assessment whose overall judgement is the worst (ties: the first result by name), and the
    domains of that same assessment, so the domains always explain the overall. A study
    assessed with two tools (rare: a lead's choice) keeps the first tool by name.
    """
    found: dict[int, dict] = {}
    best: dict[int, Assessment] = {}
    for assessment in consensus_assessments(review):
        study_id = assessment.assignment.study_id
        tool = get_tool(assessment.assignment.tool)
        current = best.get(study_id)
        if current is not None:
            if current.assignment.tool != tool.id:
                continue
            if _worst(tool, [current.overall_judgement, assessment.overall_judgement]) == (
                current.overall_judgement
            ):
                continue
        best[study_id] = assessment
        found[study_id] = {
            "tool": tool.id,
            "overall": assessment.overall_judgement,
            "domains": {
                d.id: j.judgement
                for d in tool.domains
                for j in assessment.domains.all()
                if j.domain == d.id
            },
        }
    return found


def studies_without_assignment(review: Review) -> list[Study]:
    return list(Study.objects.filter(review=review, rob_assignments__isnull=True).order_by("label"))
