"""Analysis pages: the plans of each outcome, the plan form, runs (progress followed with
htmx, then the results), downloads, and two runs side by side. GRADE is in `views_grade`."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from analysis import engine, exports, selectors, services
from analysis.access import analysis_review_for_user, plan_for_user, run_for_user
from analysis.figures import LABELS
from analysis.forms import PlanForm, filter_initial
from analysis.jobs import plot_for, plot_png
from extraction import selectors as extraction_selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def download(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
def plans(request: HttpRequest, review_id: int) -> HttpResponse:
    review = analysis_review_for_user(request.user, review_id)
    latest = selectors.latest_runs(review)
    by_outcome = []
    all_plans = list(selectors.plans(review))
    for outcome in selectors.outcomes(review):
        rows = [(p, latest.get(p.pk)) for p in all_plans if p.outcome == outcome.key]
        by_outcome.append((outcome, rows))
    context = {
        "review": review,
        "by_outcome": by_outcome,
        "lock": extraction_selectors.lock_of(review),
        "is_lead": review.membership.is_lead,
    }
    return render(request, "analysis/plans.html", context)


@require_POST
@login_required
def plans_defaults(request: HttpRequest, review_id: int) -> HttpResponse:
    review = analysis_review_for_user(request.user, review_id, write=True)
    made = services.plans_set_up_defaults(lead=request.user, review=review)
    messages.success(
        request,
        ngettext(
            "%(count)s plan set up from the outcome types.",
            "%(count)s plans set up from the outcome types.",
            len(made),
        )
        % {"count": len(made)},
    )
    return redirect("analysis:plans", review.pk)


@require_POST
@login_required
def plans_seed_style(request: HttpRequest, review_id: int) -> HttpResponse:
    review = analysis_review_for_user(request.user, review_id, write=True)
    made = services.plans_set_up_seed_style(lead=request.user, review=review)
    messages.success(
        request,
        ngettext(
            "%(count)s seed-style plan set up.", "%(count)s seed-style plans set up.", len(made)
        )
        % {"count": len(made)},
    )
    return redirect("analysis:plans", review.pk)


@require_POST
@login_required
def runs_all(request: HttpRequest, review_id: int) -> HttpResponse:
    review = analysis_review_for_user(request.user, review_id, write=True)
    try:
        started = services.runs_enqueue_all(lead=request.user, review=review)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            ngettext("%(count)s run queued.", "%(count)s runs queued.", len(started))
            % {"count": len(started)},
        )
    return redirect("analysis:plans", review.pk)


def _plan_form(request: HttpRequest, review, plan=None) -> HttpResponse:
    fields = extraction_selectors.form_definition(review).get("fields", [])
    kwargs = {"outcomes": selectors.outcomes(review), "fields": fields}
    if request.method == "POST":
        form = PlanForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                if plan is None:
                    plan = services.plan_create(
                        lead=request.user, review=review, data=form.plan_data()
                    )
                else:
                    plan = services.plan_update(lead=request.user, plan=plan, data=form.plan_data())
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Plan saved: %(plan)s.") % {"plan": plan})
                return redirect("analysis:plans", review.pk)
    else:
        initial = {}
        if plan is not None:
            initial = {
                **{k: getattr(plan, k) for k in ("name", "measure", "method", "test", "subgroup")},
                **{
                    k: getattr(plan, k)
                    for k in ("leave_one_out", "exclude_high_rob", "compare_models", "small_study")
                },
                "outcome_timepoint": f"{plan.outcome}|{plan.timepoint}",
                "r_values": ", ".join(f"{r:g}" for r in plan.r_values),
                **filter_initial(plan.study_filter),
            }
        form = PlanForm(initial=initial or None, **kwargs)
    return render(
        request, "analysis/plan_form.html", {"review": review, "form": form, "plan": plan}
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_new(request: HttpRequest, review_id: int) -> HttpResponse:
    review = analysis_review_for_user(request.user, review_id, write=True)
    return _plan_form(request, review)


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request: HttpRequest, review_id: int, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request.user, review_id, plan_id, write=True)
    return _plan_form(request, plan.review, plan)


@require_POST
@login_required
def plan_run(request: HttpRequest, review_id: int, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request.user, review_id, plan_id, write=True)
    try:
        run = services.run_enqueue(lead=request.user, plan=plan)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("analysis:plans", plan.review.pk)
    return redirect("analysis:run", plan.review.pk, run.pk)


def _run_context(run) -> dict:
    results = selectors.results(run)
    context = {"review": run.review, "run": run, "results": results}
    if results is not None:
        # One row per plot and language; each name once, in the order the job drew them.
        names = dict.fromkeys(run.plots.values_list("name", flat=True))
        context.update(
            summary=engine.plain_language(results, results["participants"]),
            rows=exports.study_rows(results),
            arm_columns=[(c, exports.ARM_LABELS[c]) for c in exports.arm_columns(results)],
            has_rob=any(results["rob"].values()),
            plots=[(p, LABELS.get(p, p)) for p in names],
            methods=exports.methods_paragraph(results),
            other_runs=run.plan.runs.exclude(pk=run.pk).select_related("job")[:10],
        )
    return context


@require_GET
@login_required
def run_page(request: HttpRequest, review_id: int, run_id: int) -> HttpResponse:
    run = run_for_user(request.user, review_id, run_id)
    context = _run_context(run)
    if request.htmx:
        return render(request, "analysis/_run_body.html", context)
    return render(request, "analysis/run.html", context)


@require_GET
@login_required
def run_plot(
    request: HttpRequest, review_id: int, run_id: int, name: str, fmt: str
) -> HttpResponse:
    run = run_for_user(request.user, review_id, run_id)
    plot = plot_for(run, name, get_language()) if fmt in ("svg", "png") else None
    if plot is None:
        raise Http404(_("This run has no such plot."))
    if fmt == "svg":
        response = HttpResponse(plot.svg, content_type="image/svg+xml")
    else:
        response = HttpResponse(plot_png(plot), content_type="image/png")
    if "download" in request.GET:
        response["Content-Disposition"] = f'attachment; filename="run-{run.pk}-{name}.{fmt}"'
    return response


@require_GET
@login_required
def run_download(request: HttpRequest, review_id: int, run_id: int, fmt: str) -> HttpResponse:
    run = run_for_user(request.user, review_id, run_id)
    results = selectors.results(run)
    if results is None:
        raise Http404(_("This run has no results yet."))
    name = f"run-{run.pk}-results.{fmt}"
    if fmt == "json":
        return download(run.results, "application/json", name)
    if fmt == "csv":
        return download(exports.results_csv(results), "text/csv; charset=utf-8", name)
    if fmt == "xlsx":
        return download(
            exports.results_xlsx(results, exports.methods_paragraph(results)), XLSX, name
        )
    raise Http404(_("Downloads are json, csv or xlsx."))


@require_GET
@login_required
def compare(request: HttpRequest, review_id: int) -> HttpResponse:
    review = analysis_review_for_user(request.user, review_id)
    left = run_for_user(request.user, review.pk, request.GET.get("a", ""))
    right = run_for_user(request.user, review.pk, request.GET.get("b", ""))
    sides = [(run, selectors.results(run)) for run in (left, right)]
    keys = {
        "k": _("Studies (k)"),
        "measure": _("Measure"),
        "method": _("Method"),
        "test": _("Test"),
        "estimate": _("Estimate"),
        "ci_low": _("95% CI, lower limit"),
        "ci_high": _("95% CI, upper limit"),
        "p_value": _("p value"),
        "tau2": "τ²",
        "i2": "I² (%)",
        "q": "Q",
        "pi_low": _("Prediction interval, lower limit"),
        "pi_high": _("Prediction interval, upper limit"),
        "participants": _("Participants"),
    }
    rows = []
    for key, label in keys.items():
        values = [r.get(key) if r else None for _side, r in sides]
        rows.append((label, values, values[0] != values[1]))
    summaries = [engine.plain_language(r, r["participants"]) if r else None for _run, r in sides]
    specs = [json.dumps(run.plan_spec, indent=1, sort_keys=True) for run, _results in sides]
    context = {
        "review": review,
        "sides": sides,
        "rows": rows,
        "specs": specs,
        "summaries": summaries,
    }
    return render(request, "analysis/compare.html", context)
