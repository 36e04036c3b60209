"""Risk-of-bias pages: the assignments with progress (leads assign tools and name the
arbiter), the comparison of two assessments, the plots and the exports. Assessing, one domain
per screen, is in `views_assess`."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from extraction.models import Study
from extraction.selectors import form_definition
from plotting.output import figure_bytes
from reviews.access import review_for_user
from rob import exports, figures, labels, selectors, services
from rob.access import assignment_for_user, comparison_for_user, consensus_assignment_for_user
from rob.catalogue import get_tool, tool_ids

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def first_domain_url(assessment) -> str:
    domain = get_tool(assessment.assignment.tool).domains[0]
    return reverse("rob:assess", args=[assessment.review_id, assessment.pk, domain.id])


@require_GET
@login_required
def assignments(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    settings = selectors.rob_settings(review)
    membership = review.membership
    builds = selectors.can_build_consensus(membership, settings)
    rows = selectors.assignment_rows(review, request.user)
    for row in rows:
        row.can_start = (
            membership.can_write
            and row.mine is None
            and len(row.assessments) < settings.assessors_required
            and not (row.consensus and row.consensus.status == "done")
        )
        done = sum(1 for a in row.assessments if a.status == "done")
        row.ready = done >= settings.assessors_required
        row.can_compare = builds and row.ready
        row.finished = row.consensus is not None and row.consensus.status == "done"
        row.mine_url = first_domain_url(row.mine) if row.mine else ""
        # Blinding: the names and progress of the others show, not their answers.
        row.shown = [(a, row.progress[a.pk]) for a in row.assessments]
        row.tool = get_tool(row.assignment.tool)
    studies = list(Study.objects.filter(review=review).order_by("label"))
    for study in studies:
        study.default_tool = selectors.default_tool(study.design)
    context = {
        "review": review,
        "rows": rows,
        "settings": settings,
        "builds": builds,
        "studies": studies,
        "tools": [get_tool(t) for t in tool_ids()],
        "progress": selectors.assessor_progress(review),
        # RoB 2 results to choose from: the extraction form's outcomes at their time points.
        "results": [
            f"{outcome['name']}, {timepoint}"
            for outcome in form_definition(review).get("outcomes", [])
            for timepoint in outcome.get("timepoints", [])
        ],
        "members": review.memberships.select_related("user").filter(role__in=["lead", "reviewer"]),
    }
    return render(request, "rob/assignments.html", context)


@require_POST
@login_required
def assign(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, lead=True)
    study = Study.objects.filter(review=review, pk=request.POST.get("study") or 0).first()
    if study is None:
        messages.error(request, _("Choose a study of this review."))
    else:
        study.review = review
        try:
            services.assignment_create(
                lead=request.user,
                study=study,
                tool=request.POST.get("tool", ""),
                result=request.POST.get("result", ""),
            )
        except ValidationError as exc:
            _errors(request, exc)
    return redirect("rob:assignments", review.pk)


@require_POST
@login_required
def unassign(request: HttpRequest, review_id: int, assignment_id: int) -> HttpResponse:
    assignment = assignment_for_user(request.user, review_id, assignment_id, lead=True)
    try:
        services.assignment_delete(lead=request.user, assignment=assignment)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rob:assignments", review_id)


@require_POST
@login_required
def settings_save(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, lead=True)
    arbiter = None
    if request.POST.get("arbiter"):
        arbiter = (
            get_user_model()
            .objects.filter(pk=request.POST["arbiter"], memberships__review=review)
            .first()
        )
    try:
        required = int(request.POST.get("assessors_required", "2"))
        services.settings_update(
            lead=request.user, review=review, assessors_required=required, arbiter=arbiter
        )
    except ValueError:
        messages.error(request, _("Assessors per study: 1 or 2."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("rob:assignments", review.pk)


@require_POST
@login_required
def start(request: HttpRequest, review_id: int, assignment_id: int) -> HttpResponse:
    assignment = assignment_for_user(request.user, review_id, assignment_id, write=True)
    try:
        assessment = services.assessment_start(assessor=request.user, assignment=assignment)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("rob:assignments", review_id)
    return redirect(first_domain_url(assessment))


@require_GET
@login_required
def compare(request: HttpRequest, review_id: int, assignment_id: int) -> HttpResponse:
    assignment = comparison_for_user(request.user, review_id, assignment_id)
    assessments, differences, compared = selectors.comparison(assignment)
    tool = get_tool(assignment.tool)
    # Shown in the page's language: judgements as their labels, answers as the tool's codes.
    shown = [
        replace(d, values=[labels.judgement(tool, v) for v in d.values])
        if d.item in ("judgement", "overall")
        else d
        for d in differences
    ]
    by_domain: dict[str, list] = {}
    for difference in shown:
        by_domain.setdefault(difference.domain, []).append(difference)
    context = {
        "review": assignment.review,
        "assignment": assignment,
        "tool": tool,
        "assessments": assessments,
        "sections": [(d.id, labels.text(d.name), by_domain.get(d.id, [])) for d in tool.domains]
        + [("overall", _("Overall"), by_domain.get("overall", []))],
        "differences": differences,
        "compared": compared,
        "consensus": selectors.consensus_of(assignment),
        "builds": selectors.can_build_consensus(
            assignment.review.membership, selectors.rob_settings(assignment.review)
        ),
    }
    return render(request, "rob/compare.html", context)


@require_POST
@login_required
def consensus_start(request: HttpRequest, review_id: int, assignment_id: int) -> HttpResponse:
    assignment = consensus_assignment_for_user(request.user, review_id, assignment_id)
    try:
        consensus = services.consensus_start(user=request.user, assignment=assignment)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("rob:assignments", review_id)
    return redirect(first_domain_url(consensus))


@require_GET
@login_required
def plots_page(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    context = {"review": review, "groups": figures.groups(review)}
    return render(request, "rob/plots.html", context)


@require_GET
@login_required
def plot(request: HttpRequest, review_id: int, kind: str, fmt: str) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    group = figures.group_of(review, request.GET.get("group", ""))
    if group is None or kind not in ("traffic", "summary", "weighted"):
        raise Http404(_("No such plot."))
    if kind == "weighted" and not group.weighted:
        raise Http404(_("Not every study of this group has its participants extracted."))
    content = figure_bytes(figures.figure(group, kind), fmt)
    response = HttpResponse(content, content_type="image/svg+xml" if fmt == "svg" else "image/png")
    if request.GET.get("download"):
        name = f"rob-{kind}-{group.key.replace('|', '-').replace(' ', '_')}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
def export_csv(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    response = HttpResponse(exports.as_csv(review, request.user), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="risk-of-bias.csv"'
    return response


@require_GET
@login_required
def export_xlsx(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    response = HttpResponse(exports.as_xlsx(review, request.user), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="risk-of-bias.xlsx"'
    return response
