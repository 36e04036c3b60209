"""Writes of risk-of-bias data: settings, assignments, answers and judgements (with the
proposals recomputed from the tool's algorithm on every save), marking an assessment done,
and the consensus. Keyword-only, atomic; permission checks are the callers' (rob.access)."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from extraction.models import Study
from reviews.audit import audit_record
from reviews.models import Review
from rob import labels, selectors
from rob.algorithms import propose_domain, propose_overall
from rob.catalogue import get_tool, tool_ids
from rob.definitions import PRELIMINARY, Domain, Question, RobError, Tool
from rob.models import Answer, Assessment, Assignment, DomainJudgement, RobSettings

_UNSET = object()


@transaction.atomic
def settings_update(
    *,
    lead: User,
    review: Review,
    assessors_required: int | None = None,
    arbiter=_UNSET,
) -> RobSettings:
    settings, _ = RobSettings.objects.get_or_create(review=review)
    if assessors_required is not None:
        if assessors_required not in (1, 2):
            raise ValidationError(
                {"assessors_required": gettext("Each study is assessed by 1 or 2.")}
            )
        settings.assessors_required = assessors_required
    if arbiter is not _UNSET:
        settings.arbiter = arbiter
    settings.save()
    audit_record(
        actor=lead,
        review=review,
        action="rob.settings_updated",
        obj=settings,
        changes={
            "assessors_required": settings.assessors_required,
            "arbiter": settings.arbiter.get_username() if settings.arbiter else None,
        },
    )
    return settings


@transaction.atomic
def assignment_create(*, lead: User, study: Study, tool: str = "", result: str = "") -> Assignment:
    """Assess ``study`` with ``tool`` (default: the one its design suggests). RoB 2 assesses a
    result, which must be named."""
    tool = tool or selectors.default_tool(study.design)
    if tool not in tool_ids():
        raise ValidationError(
            {
                "tool": gettext("Unknown tool '%(tool)s' (tools: %(tools)s).")
                % {"tool": tool, "tools": ", ".join(tool_ids())}
            }
        )
    result = result.strip()
    if tool.startswith("rob2-") and not result:
        raise ValidationError(
            {"result": gettext("RoB 2 assesses one result: name the outcome (and time point).")}
        )
    if Assignment.objects.filter(study=study, tool=tool, result=result).exists():
        raise ValidationError(
            {
                "tool": gettext("%(study)s is already assessed with %(tool)s here.")
                % {"study": study.label, "tool": tool}
            }
        )
    assignment = Assignment.objects.create(
        review=study.review, study=study, tool=tool, result=result, assigned_by=lead
    )
    audit_record(
        actor=lead,
        review=study.review,
        action="rob.assignment_created",
        obj=assignment,
        changes={"study": study.label, "tool": tool, "result": result},
    )
    return assignment


@transaction.atomic
def assignment_delete(*, lead: User, assignment: Assignment) -> None:
    if assignment.assessments.exists():
        raise ValidationError(gettext("Assessments of it have started; it cannot be removed."))
    audit_record(
        actor=lead,
        review=assignment.review,
        action="rob.assignment_deleted",
        obj=assignment,
        changes={"study": assignment.study.label, "tool": assignment.tool},
    )
    assignment.delete()


@transaction.atomic
def assessment_start(*, assessor: User, assignment: Assignment) -> Assessment:
    """The assessor's assessment of the assignment, started if need be."""
    if selectors.consensus_done(assignment):
        raise ValidationError(gettext("The consensus of this assessment is complete."))
    assessment, _ = Assessment.objects.get_or_create(
        review=assignment.review,
        assignment=assignment,
        assessor=assessor,
        defaults={"updated_by": assessor},
    )
    return assessment


def _asked_only(domain: Domain, answers: Mapping[str, str]) -> dict[str, str]:
    """The answers to the questions asked, in order: an answer to a question the earlier
    answers no longer ask is dropped (it becomes NA), as the form hides the question."""
    kept: dict[str, str] = {}
    current: dict[str, str] = {}
    by_id = {str(k).strip().lower(): v for k, v in answers.items()}
    questions: list[tuple[Question, bool]] = [
        *((q, True) for q in domain.preliminary),
        *((q, False) for q in domain.questions),
    ]
    for question, preliminary in questions:
        raw = by_id.get(question.id.lower())
        if preliminary or question.is_asked(current):
            if raw:
                kept[question.id] = raw
                canonical = question.canonical(raw)
                if canonical:
                    current[question.id] = canonical
        else:
            current[question.id] = "NA"
    return kept


def _preliminary_given(domain: Domain, given: Mapping[str, str]) -> list[str]:
    """The preliminary questions (their ids) that ``given`` answers."""
    keys = {str(k).strip().lower() for k in given}
    return [q.id for q in domain.preliminary if q.id.lower() in keys]


def _answers_replace(assessment, domain_key: str, question_ids, resolved, notes) -> None:
    Answer.objects.filter(
        assessment=assessment, domain=domain_key, question__in=list(question_ids)
    ).delete()
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            domain=domain_key,
            question=question_id,
            answer=resolved[question_id],
            quote=str(notes.get(question_id, {}).get("quote", "")).strip(),
            page=str(notes.get(question_id, {}).get("page", "")).strip()[:40],
        )
        for question_id in question_ids
    )


def _drop_no_longer_asked(assessment: Assessment, tool: Tool, changed_in: Domain) -> None:
    """After a preliminary answer changes, the other domains' answers to questions it no
    longer asks are dropped (they become NA), as the form hides them. Only ROBINS-I has a
    preliminary question, and it publishes no domain algorithm, so no proposal changes."""
    data = selectors.assessment_data(assessment)
    for domain in tool.domains:
        if domain.id == changed_in.id or not domain.preliminary:
            continue
        saved = {q: a.answer for q, a in data.answers.get(domain.id, {}).items()}
        kept = _asked_only(domain, saved)
        Answer.objects.filter(assessment=assessment, domain=domain.id).exclude(
            question__in=list(kept)
        ).delete()


def _editable(assessment: Assessment) -> None:
    if assessment.status == Assessment.Status.DONE:
        raise ValidationError(gettext("This assessment is marked done: reopen it to change it."))
    if not assessment.is_consensus and selectors.consensus_done(assessment.assignment):
        raise ValidationError(gettext("The consensus of this assessment is complete."))


@transaction.atomic
def domain_save(
    *,
    user: User,
    assessment: Assessment,
    domain_id: str,
    answers: Mapping[str, str],
    notes: Mapping[str, Mapping[str, str]] | None = None,
    judgement: str | None = None,
    justification: str = "",
    drop_not_asked: bool = False,
) -> DomainJudgement:
    """Replace one domain's answers (with a quote and page per question in ``notes``), then
    recompute the proposed judgement. ``judgement`` records the assessor's own: for a domain
    with an algorithm, one differing from the proposal is an override and needs a
    ``justification``; "" drops an override. Answers to questions not asked raise an error,
    or with ``drop_not_asked`` (the form, where they are hidden) are left out."""
    Assessment.objects.select_for_update(of=("self",)).filter(pk=assessment.pk).first()
    _editable(assessment)
    tool = get_tool(assessment.assignment.tool)
    notes = notes or {}
    try:
        domain = tool.domain(domain_id)
        given = {k: v for k, v in answers.items() if v not in (None, "")}
        preliminary_given = _preliminary_given(domain, given)
        # A preliminary question left out keeps the assessment's one answer to it.
        stored = {
            a.question: a.answer
            for a in Answer.objects.filter(assessment=assessment, domain=PRELIMINARY)
        }
        given = {**{k: v for k, v in stored.items() if k not in preliminary_given}, **given}
        given = _asked_only(domain, given) if drop_not_asked else given
        resolved, _ = domain.resolve(given, complete=False)
    except RobError as exc:
        raise ValidationError({"answers": str(exc)}) from None
    preliminary_ids = {q.id for q in domain.preliminary}
    if preliminary_given:
        changed = any(stored.get(q) != resolved.get(q) for q in preliminary_given)
        _answers_replace(assessment, PRELIMINARY, preliminary_given, resolved, notes)
        if changed:
            _drop_no_longer_asked(assessment, tool, domain)
    Answer.objects.filter(assessment=assessment, domain=domain.id).delete()
    _answers_replace(
        assessment,
        domain.id,
        [q for q in resolved if q not in preliminary_ids and resolved[q] != "NA"],
        resolved,
        notes,
    )
    proposed = ""
    if domain.algorithm is not None:
        try:
            proposed = str(propose_domain(tool, domain.id, resolved))
        except RobError:
            proposed = ""  # not every question asked has an answer yet
    row, _ = DomainJudgement.objects.get_or_create(assessment=assessment, domain=domain.id)
    row.proposed = proposed
    if judgement is not None and judgement.strip():
        try:
            value = str(tool._domain_value(domain, judgement))
        except RobError as exc:
            raise ValidationError({"judgement": str(exc)}) from None
        row.overridden = bool(proposed) and value != proposed
        if row.overridden and not justification.strip():
            raise ValidationError(
                {
                    "justification": gettext(
                        "Domain %(domain)s: the proposal is %(proposed)s; give the reason for "
                        "judging it %(judgement)s."
                    )
                    % {
                        "domain": domain.id,
                        "proposed": labels.judgement(tool, proposed),
                        "judgement": labels.judgement(tool, value),
                    }
                }
            )
        row.judgement = value
        row.justification = justification.strip()
    elif (judgement is not None or not row.overridden) and (
        domain.algorithm is not None or judgement is not None
    ):
        # No override (or it is dropped): the judgement follows the proposal; a domain
        # without an algorithm keeps what the assessor chose.
        row.judgement = proposed
        row.overridden = False
        if judgement is not None:
            row.justification = justification.strip()
    row.save()
    _overall_refresh(assessment, tool, user)
    return row


def _overall_refresh(assessment: Assessment, tool: Tool, user: User) -> None:
    judged = {j.domain: j.judgement for j in DomainJudgement.objects.filter(assessment=assessment)}
    proposed = ""
    if all(judged.get(d.id) for d in tool.domains):
        values = {k: int(v) if tool.kind == "stars" else v for k, v in judged.items()}
        proposed = propose_overall(tool, {d.id: values[d.id] for d in tool.domains})
    assessment.overall_proposed = proposed
    if not assessment.overall_overridden:
        assessment.overall_judgement = proposed
    assessment.updated_by = user
    assessment.save(
        update_fields=["overall_proposed", "overall_judgement", "updated_by", "updated_at"]
    )


@transaction.atomic
def overall_save(
    *, user: User, assessment: Assessment, judgement: str, justification: str = ""
) -> Assessment:
    """Override the proposed overall judgement (RoB 2: raise it to high when several domains
    raise some concerns), with a justification; "" drops the override."""
    _editable(assessment)
    tool = get_tool(assessment.assignment.tool)
    judgement = judgement.strip().lower()
    if not judgement:
        assessment.overall_overridden = False
        assessment.overall_justification = ""
        assessment.overall_judgement = assessment.overall_proposed
    else:
        if judgement not in tool.overall["judgements"]:
            raise ValidationError(
                {
                    "overall": gettext(
                        "'%(judgement)s' is not an overall judgement of %(tool)s (%(judgements)s)"
                    )
                    % {
                        "judgement": judgement,
                        "tool": tool.id,
                        "judgements": ", ".join(tool.overall["judgements"]),
                    }
                }
            )
        overridden = judgement != assessment.overall_proposed
        if overridden and not justification.strip():
            raise ValidationError(
                {
                    "justification": gettext(
                        "The proposed overall judgement is %(proposed)s; give the reason for "
                        "judging it %(judgement)s."
                    )
                    % {
                        "proposed": labels.judgement(tool, assessment.overall_proposed)
                        or gettext("not yet known"),
                        "judgement": labels.judgement(tool, judgement),
                    }
                }
            )
        assessment.overall_overridden = overridden
        assessment.overall_judgement = judgement
        assessment.overall_justification = justification.strip() if overridden else ""
    assessment.updated_by = user
    assessment.save()
    return assessment


def assessment_problems(assessment: Assessment) -> list[str]:
    """What stops the assessment from being marked done."""
    tool = get_tool(assessment.assignment.tool)
    data = selectors.assessment_data(assessment)
    problems = []
    for domain in tool.domains:
        given = {q: a.answer for q, a in data.answers.get(domain.id, {}).items()}
        try:
            domain.resolve(given, complete=True)
        except RobError as exc:
            problems.append(
                gettext("Domain %(domain)s: %(problem)s") % {"domain": domain.id, "problem": exc}
            )
            continue
        judgement = data.judgements.get(domain.id)
        if judgement is None or not judgement.judgement:
            problems.append(gettext("Domain %(domain)s: no judgement yet") % {"domain": domain.id})
    if not problems and not assessment.overall_judgement:
        problems.append(gettext("No overall judgement yet"))
    return problems


@transaction.atomic
def assessment_done(*, user: User, assessment: Assessment) -> Assessment:
    """Mark the assessment (or consensus) done; marking a done one again changes nothing."""
    if assessment.status == Assessment.Status.DONE:
        return assessment
    _editable(assessment)
    problems = assessment_problems(assessment)
    if problems:
        raise ValidationError(problems)
    assessment.status = Assessment.Status.DONE
    assessment.done_at = timezone.now()
    assessment.updated_by = user
    assessment.save()
    audit_record(
        actor=user,
        review=assessment.review,
        action="rob.consensus_completed" if assessment.is_consensus else "rob.assessment_done",
        obj=assessment,
        # An assessor's judgement stays out of the log, which other members read: blinding.
        changes={"overall": assessment.overall_judgement} if assessment.is_consensus else None,
    )
    return assessment


@transaction.atomic
def assessment_reopen(*, user: User, assessment: Assessment) -> Assessment:
    if not assessment.is_consensus and selectors.consensus_done(assessment.assignment):
        raise ValidationError(gettext("The consensus of this assessment is complete."))
    assessment.status = Assessment.Status.IN_PROGRESS
    assessment.done_at = None
    assessment.updated_by = user
    assessment.save()
    audit_record(actor=user, review=assessment.review, action="rob.reopened", obj=assessment)
    return assessment


@transaction.atomic
def consensus_start(*, user: User, assignment: Assignment) -> Assessment:
    """The consensus of the assignment, started with what the assessors agree on: answers
    given alike by all, and judgements they share (overrides and reasons included)."""
    existing = selectors.consensus_of(assignment)
    if existing is not None:
        return existing
    if not selectors.is_ready(assignment, selectors.rob_settings(assignment.review)):
        raise ValidationError(
            gettext("The consensus opens once the required assessments are done.")
        )
    consensus = Assessment.objects.create(
        review=assignment.review, assignment=assignment, assessor=None, updated_by=user
    )
    tool = get_tool(assignment.tool)
    done = [a for a in selectors.assessments_of(assignment) if a.status == Assessment.Status.DONE]
    data = [selectors.assessment_data(a) for a in done]
    for domain in tool.domains:
        agreed: dict[str, str] = {}
        notes: dict[str, dict[str, str]] = {}
        for question in (*domain.preliminary, *domain.questions):
            values = {d.answers.get(domain.id, {}).get(question.id) for d in data}
            answers = {v.answer for v in values if v is not None}
            if len(answers) == 1 and None not in values:
                agreed[question.id] = answers.pop()
                first = data[0].answers[domain.id][question.id]
                notes[question.id] = {"quote": first.quote, "page": first.page}
        judgements = {
            (j.judgement, j.justification)
            for j in (d.judgements.get(domain.id) for d in data)
            if j is not None
        }
        chosen, reason = judgements.pop() if len(judgements) == 1 else (None, "")
        domain_save(
            user=user,
            assessment=consensus,
            domain_id=domain.id,
            answers=agreed,
            notes=notes,
            judgement=chosen or None,
            justification=reason,
            drop_not_asked=True,
        )
    return consensus
