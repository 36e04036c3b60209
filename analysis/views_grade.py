"""GRADE pages: one outcome's judgements (proposed from its latest run, confirmed or
overridden by a lead with a reason) and the summary-of-findings table (page and XLSX)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from analysis import engine, exports, grade, selectors, services
from analysis.access import analysis_review_for_user, plan_for_user
from analysis.views import XLSX, download
from reviews.models import Review


def grade_summary(plan) -> dict[str, Any]:
    """The plan's latest results with the GRADE proposals, judgements and certainty."""
    assessment = selectors.grade_of(plan)
    run = selectors.latest_finished_run(plan)
    results = selectors.results(run) if run else None
    proposals = grade.grade_proposals(
        results, mid=assessment.mid, designs=selectors.study_designs(run) if run else None
    )
    return {
        "plan": plan,
        "run": run,
        "results": results,
        # The results keep the English line; people read it in their language.
        "summary": engine.plain_language(results, results["participants"]) if results else "",
        "assessment": assessment,
        "proposals": proposals,
        "certainty": grade.certainty(proposals, assessment.domains) if proposals else None,
        "absolute": grade.absolute_effects(results, assessment.assumed_control_risk)
        if results
        else {},
    }


@require_http_methods(["GET", "POST"])
@login_required
def grade_page(request: HttpRequest, review_id: int, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request.user, review_id, plan_id)
    if request.method == "POST":
        if not plan.review.membership.is_lead:
            raise PermissionDenied(_("Only a lead of this review can do this."))
        data: dict[str, Any] = {
            "mid": request.POST.get("mid", ""),
            "assumed_control_risk": request.POST.get("assumed_control_risk", ""),
            "comments": request.POST.get("comments", ""),
            "domains": {
                key: {
                    "rating": request.POST.get(f"{key}-rating"),
                    "reason": request.POST.get(f"{key}-reason", ""),
                }
                for key, _label in (*services.GRADE_DOMAINS, *services.GRADE_UPGRADES)
                if request.POST.get(f"{key}-rating", "") != ""
            },
        }
        try:
            services.grade_update(lead=request.user, plan=plan, data=data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("GRADE judgements saved."))
            return redirect("analysis:grade", plan.review.pk, plan.pk)
    summary = grade_summary(plan)
    domains = [
        (
            key,
            label,
            summary["proposals"].get(key),
            summary["assessment"].domains.get(key),
            ratings,
        )
        for group, ratings in (
            (services.GRADE_DOMAINS, grade.RATINGS),
            (services.GRADE_UPGRADES, grade.UPGRADE_RATINGS),
        )
        for key, label in group
    ]
    context = {"review": plan.review, **summary, "domains": domains, "ratings": grade.RATINGS}
    return render(request, "analysis/grade.html", context)


def _sof_items(review: Review) -> list[dict[str, Any]]:
    items = []
    names = {o.key: o.name for o in selectors.outcomes(review)}
    for plan in selectors.plans(review):
        summary = grade_summary(plan)
        if summary["results"] is None:
            continue
        label = names.get(plan.outcome, plan.outcome)
        if plan.timepoint:
            label = _("%(outcome)s (%(timepoint)s)") % {
                "outcome": label,
                "timepoint": plan.timepoint,
            }
        items.append({**summary, "label": label, "comments": summary["assessment"].comments})
    return items


@require_GET
@login_required
def sof(request: HttpRequest, review_id: int) -> HttpResponse:
    review = analysis_review_for_user(request.user, review_id)
    rows = exports.sof_rows(_sof_items(review))
    if request.GET.get("format") == "xlsx":
        return download(
            exports.sof_xlsx(rows), XLSX, f"review-{review.pk}-summary-of-findings.xlsx"
        )
    return render(
        request, "analysis/sof.html", {"review": review, "header": rows[0], "rows": rows[1:]}
    )
