"""Assessing, one domain per screen: the signalling questions asked given the answers so far
(a change saves through htmx and the screen comes back with the questions now asked and the
proposed judgement), the assessor's judgement with its justification, and the overall screen
where the assessment is marked done. The consensus is assessed on the same screens."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rob import labels, selectors, services
from rob.access import assessment_for_user
from rob.catalogue import get_tool
from rob.definitions import RobError
from rob.models import Assessment

# Keys for the answers (the issue's: o is "probably no").
KEYS = {"Y": "y", "PY": "p", "N": "n", "PN": "o", "NI": "i"}


def _may_write(request: HttpRequest, assessment: Assessment) -> bool:
    try:
        assessment_for_user(request.user, assessment.review_id, assessment.pk, write=True)
    except (PermissionDenied, Http404):
        return False
    return assessment.status == Assessment.Status.IN_PROGRESS and not (
        not assessment.is_consensus and selectors.consensus_done(assessment.assignment)
    )


def _may_reopen(request: HttpRequest, assessment: Assessment) -> bool:
    """Its assessor reopens an assessment until the consensus is complete; a lead or the
    arbiter reopens the consensus."""
    if assessment.is_consensus:
        settings = selectors.rob_settings(assessment.review)
        return selectors.can_build_consensus(assessment.review.membership, settings)
    return assessment.assessor_id == request.user.pk and not selectors.consensus_done(
        assessment.assignment
    )


def _screens(assessment: Assessment, tool) -> list[dict]:
    base = [assessment.review_id, assessment.pk]
    screens = [
        {"id": d.id, "label": d.id, "url": reverse("rob:assess", args=[*base, d.id])}
        for d in tool.domains
    ]
    screens.append(
        {"id": "overall", "label": _("Overall"), "url": reverse("rob:overall", args=base)}
    )
    return screens


def _domain_context(assessment, tool, domain, *, posted=None, error=""):
    data = selectors.assessment_data(assessment)
    saved = data.answers.get(domain.id, {})
    given = {q: a.answer for q, a in saved.items()}
    try:
        resolved, asked = domain.resolve(given, complete=False)
    except RobError:
        resolved, asked = given, []
    # The preliminary questions are asked once, on the tool's first screen; the others show
    # the answer and where to change it.
    first = tool.domains[0]
    elsewhere = first.id if domain.id != first.id else ""
    preliminary_ids = {q.id for q in domain.preliminary}
    asked_ids = {q.id for q in asked} | (set() if elsewhere else preliminary_ids)
    questions = []
    for question in (*domain.preliminary, *domain.questions):
        answer = saved.get(question.id)
        questions.append(
            {
                "q": question,
                "asked": question.id in asked_ids,
                "elsewhere": elsewhere if question.id in preliminary_ids else "",
                "elsewhere_url": reverse(
                    "rob:assess", args=[assessment.review_id, assessment.pk, first.id]
                ),
                "answer_text": next(
                    (
                        labels.text(o.text)
                        for o in question.options
                        if answer and o.id == answer.answer
                    ),
                    "",
                ),
                "waiting": question.id not in asked_ids and question.id not in resolved,
                "condition": labels.condition(question.asked_if) if question.asked_if else "",
                "answer": answer.answer if answer else "",
                "quote": answer.quote if answer else "",
                "page": answer.page if answer else "",
                "options": [
                    {
                        "id": o.id,
                        "label": labels.text(tool.answer_labels.get(o.id, o.text)),
                        "key": KEYS.get(o.id, str(i + 1)),
                        "stars": o.stars,
                    }
                    for i, o in enumerate(question.options)
                ],
            }
        )
    judged = data.judgements.get(domain.id)
    judgement = (posted or {}).get("judgement")
    if judgement is None:
        judgement = (
            judged.judgement if judged and (judged.overridden or not domain.algorithm) else ""
        )
    return {
        "domain": domain,
        "questions": questions,
        "judged": judged,
        "chosen": judgement,
        "justification": (posted or {}).get(
            "justification", judged.justification if judged else ""
        ),
        "choices": [(j, labels.judgement(tool, j)) for j in domain.judgements]
        if tool.kind != "stars"
        else [(str(n), labels.stars(n)) for n in range(domain.max_stars + 1)],
        "error": error,
    }


@require_http_methods(["GET", "POST"])
@login_required
def assess(request: HttpRequest, review_id: int, assessment_id: int, domain_id: str):
    writing = request.method == "POST"
    assessment = assessment_for_user(request.user, review_id, assessment_id, write=writing)
    tool = get_tool(assessment.assignment.tool)
    try:
        domain = tool.domain(domain_id)
    except RobError:
        raise Http404(_("No such domain in this tool.")) from None
    editable = _may_write(request, assessment)
    error = ""
    posted = None
    if writing:
        posted = {
            "judgement": request.POST.get("judgement", ""),
            "justification": request.POST.get("justification", ""),
        }
        answers = {
            q.id: request.POST.get(f"q-{q.id}", "")
            for q in (*domain.preliminary, *domain.questions)
        }
        notes = {
            q: {
                "quote": request.POST.get(f"quote-{q}", ""),
                "page": request.POST.get(f"page-{q}", ""),
            }
            for q in answers
        }
        try:
            services.domain_save(
                user=request.user,
                assessment=assessment,
                domain_id=domain.id,
                answers=answers,
                notes=notes,
                judgement=posted["judgement"],
                justification=posted["justification"],
                drop_not_asked=True,
            )
            posted = None
        except ValidationError as exc:
            error = " ".join(exc.messages)
            # Keep the answers even when the judgement cannot be taken yet.
            with contextlib.suppress(ValidationError):
                services.domain_save(
                    user=request.user,
                    assessment=assessment,
                    domain_id=domain.id,
                    answers=answers,
                    notes=notes,
                    drop_not_asked=True,
                )
        go = request.POST.get("go", "")
        if not error and go and url_has_allowed_host_and_scheme(go, allowed_hosts=None):
            return redirect(go)
    screens = _screens(assessment, tool)
    index = next(i for i, s in enumerate(screens) if s["id"] == domain.id)
    context = {
        "review": assessment.review,
        "assessment": assessment,
        "assignment": assessment.assignment,
        "tool": tool,
        "editable": editable,
        "screens": screens,
        "current": domain.id,
        "previous": screens[index - 1] if index else None,
        "next": screens[index + 1],
        **_domain_context(assessment, tool, domain, posted=posted, error=error),
    }
    template = "rob/_domain_form.html" if request.htmx else "rob/assess.html"
    return render(request, template, context, status=400 if error and request.htmx else 200)


@require_http_methods(["GET", "POST"])
@login_required
def overall(request: HttpRequest, review_id: int, assessment_id: int):
    writing = request.method == "POST"
    assessment = assessment_for_user(request.user, review_id, assessment_id, write=writing)
    review = assessment.review
    tool = get_tool(assessment.assignment.tool)
    error = ""
    if writing:
        try:
            services.overall_save(
                user=request.user,
                assessment=assessment,
                judgement=request.POST.get("judgement", ""),
                justification=request.POST.get("justification", ""),
            )
            if request.POST.get("done"):
                services.assessment_done(user=request.user, assessment=assessment)
                if assessment.is_consensus:
                    return redirect("rob:compare", review_id, assessment.assignment_id)
                return redirect("rob:assignments", review_id)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        assessment.refresh_from_db()
        assessment.review = review  # the membership comes with it
    data = selectors.assessment_data(assessment)
    screens = _screens(assessment, tool)
    context = {
        "review": assessment.review,
        "assessment": assessment,
        "assignment": assessment.assignment,
        "tool": tool,
        "editable": _may_write(request, assessment),
        "screens": screens,
        "current": "overall",
        "previous": screens[-2],
        "rows": [(d, data.judgements.get(d.id)) for d in tool.domains],
        "choices": [(j, labels.judgement(tool, j)) for j in tool.overall["judgements"]],
        "problems": services.assessment_problems(assessment),
        "error": error,
        "can_reopen": assessment.status == Assessment.Status.DONE
        and _may_reopen(request, assessment),
    }
    return render(request, "rob/overall.html", context, status=400 if error else 200)


@require_POST
@login_required
def reopen(request: HttpRequest, review_id: int, assessment_id: int):
    assessment = assessment_for_user(request.user, review_id, assessment_id, write=True)
    try:
        services.assessment_reopen(user=request.user, assessment=assessment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("rob:overall", review_id, assessment_id)
