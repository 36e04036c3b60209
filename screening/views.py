"""Screening pages: one record at a time with keyboard decisions, and the conflicts page."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from reviews.publications import publication_fields
from screening import selectors, services
from screening.access import StageAccess, stage_for_user
from screening.agreement_summary import stage_agreement
from screening.forms import StageSettingsForm
from screening.highlight import highlight
from screening.models import Decision, Stage


def _posted_record(request: HttpRequest) -> int:
    record_id = request.POST.get("record", "")
    if not record_id.isdecimal():
        raise Http404(_("No such record."))
    return int(record_id)


def _record_context(
    request: HttpRequest, access: StageAccess, record, error: str = "", after: list | None = None
) -> dict:
    """`after`: what `services.next_records(n=2)` found after `record`, if it was asked."""
    review, stage, settings = access.review, access.stage, access.settings
    mine = Decision.objects.filter(review=review, stage=stage, reviewer=request.user)
    # The latest two of one's decisions: "undo last", and "previous" when the last one is
    # the record shown.
    recent = list(mine.order_by("-updated_at", "-pk")[:2])
    context = {
        "review": review,
        "stage": stage,
        "stage_label": access.label,
        "settings": settings,
        "record": record,
        "error": error,
        # An htmx answer replaces the section only; the progress bar outside it is counted on
        # its own request (see `progress`).
        "progress": None if request.htmx else selectors.my_progress(request.user, review, stage),
        "last": recent[0] if recent else None,
        "ranking": selectors.ranking_status(review, stage),
    }
    if record is not None:
        terms = (settings.include_terms, settings.exclude_terms)
        shown = publication_fields(record)
        context.update(
            shown=shown,
            title=highlight(shown["title"], *terms),
            abstract=highlight(shown["abstract"], *terms),
            mine=mine.filter(record=record).first(),
            others=selectors.decisions_visible_to(request.user, review, stage)
            .filter(record=record)
            .exclude(reviewer=request.user),
            previous=next((d for d in recent if d.record_id != record.pk), None),
            full_text=selectors.full_text(record) if stage == Stage.FULL_TEXT else None,
        )
        if stage == Stage.TITLE_ABSTRACT and context["mine"] is None:
            # The record after this one, drawn at once when a decision is sent (screen.js);
            # the server's answer then replaces it, normally with the same record.
            if after is None:
                upcoming = selectors.next_for(request.user, review, stage, skip=record.pk)
            else:
                upcoming = after[0] if after else None
            if upcoming is not None:
                upcoming_shown = publication_fields(upcoming)
                context.update(
                    upcoming=upcoming,
                    upcoming_shown=upcoming_shown,
                    upcoming_title=highlight(upcoming_shown["title"], *terms),
                    upcoming_abstract=highlight(upcoming_shown["abstract"], *terms),
                )
    return context


def _render(
    request: HttpRequest,
    access: StageAccess,
    record,
    error: str = "",
    *,
    after: list | None = None,
    decided: bool = False,
    delta: int = 0,
) -> HttpResponse:
    context = _record_context(request, access, record, error, after)
    if not request.htmx:
        return _no_store(render(request, "screening/screen.html", context))
    response = render(request, "screening/screen.html#record", context)
    if decided:
        # The progress bar moves by `delta` at once and counts again within a few seconds.
        trigger_client_event(response, "screening-decided", {"delta": delta})
    return response


@require_GET
@login_required
def progress(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    """The reviewer's progress bar, counted afresh (the screening page asks after decisions)."""
    access = stage_for_user(request.user, review_id, stage, write=True)
    context = {
        "review": access.review,
        "stage": access.stage,
        "progress": selectors.my_progress(request.user, access.review, access.stage),
    }
    return render(request, "screening/screen.html#progress_counts", context)


@require_GET
@login_required
def screen(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    """The next record to screen, or the one named by ?record= (one's own earlier ones)."""
    access = stage_for_user(request.user, review_id, stage, write=True)
    wanted = request.GET.get("record", "")
    if wanted.isdecimal():
        record = selectors.screening_units(access.review, access.stage).filter(pk=int(wanted))
        if not record:
            raise Http404(_("That record is not screened at this stage."))
        return _render(request, access, record[0])
    found = services.next_records(
        reviewer=request.user, review=access.review, stage=access.stage, n=2
    )
    return _render(request, access, _first(found), after=found[1:])


@require_GET
@login_required
def record_list(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    """The stage's records, filtered (my undecided, my decided, conflicts, all) and searched;
    each opens in the screening page."""
    access = stage_for_user(request.user, review_id, stage)
    review, stage = access.review, access.stage
    shows = selectors.SHOW_FULL_TEXT if stage == Stage.FULL_TEXT else selectors.SHOW
    show = request.GET.get("show", "undecided")
    if show not in shows:
        show = "undecided"
    query = request.GET.get("q", "").strip()
    records = selectors.screening_list(request.user, review, stage, show, query)
    context = {
        "review": review,
        "stage": stage,
        "stage_label": access.label,
        "show": show,
        "shows": shows,
        "q": query,
        "page": Paginator(records, 50).get_page(request.GET.get("page")),
        "progress": selectors.reviewer_progress(review, stage),
    }
    return render(request, "screening/records.html", context)


@require_POST
@login_required
def decide(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    access = stage_for_user(request.user, review_id, stage, write=True)
    review, stage = access.review, access.stage
    record_id = _posted_record(request)
    mine = Decision.objects.filter(review=review, stage=stage, reviewer=request.user)
    is_new = not mine.filter(record_id=record_id).exists()
    try:
        services.decision_record(
            reviewer=request.user,
            review=review,
            record_id=record_id,
            stage=stage,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        record = selectors.screening_units(review, stage).filter(pk=record_id).first()
        return _render(request, access, record, " ".join(exc.messages))
    found = services.next_records(reviewer=request.user, review=review, stage=stage, n=2)
    return _render(request, access, _first(found), after=found[1:], decided=True, delta=int(is_new))


def _no_store(response: HttpResponse) -> HttpResponse:
    """Back and Forward must not show the page as it was before the decisions made on it."""
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    return response


def _first(found: list):
    return found[0] if found else None


@require_POST
@login_required
def withdraw(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    """The "u" key: take back one's last decision and show that record again."""
    access = stage_for_user(request.user, review_id, stage, write=True)
    record_id = _posted_record(request)
    record = selectors.screening_units(access.review, access.stage).filter(pk=record_id).first()
    try:
        services.decision_withdraw(
            reviewer=request.user, review=access.review, record_id=record_id, stage=access.stage
        )
    except ValidationError as exc:
        return _render(request, access, record, " ".join(exc.messages))
    return _render(request, access, record, decided=True, delta=-1)


@require_GET
@login_required
def conflict_list(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    access = stage_for_user(request.user, review_id, stage)
    records = selectors.conflicts_with_decisions(access.review, access.stage)
    context = {
        "review": access.review,
        "stage": access.stage,
        "stage_label": access.label,
        "page": Paginator(records, 25).get_page(request.GET.get("page")),
        "settings": access.settings,
        "can_resolve": access.can_resolve,
    }
    return render(request, "screening/conflicts.html", context)


@require_POST
@login_required
def resolve(request: HttpRequest, review_id: int, stage: str, record_id: int) -> HttpResponse:
    access = stage_for_user(request.user, review_id, stage, resolve=True)
    review, stage = access.review, access.stage
    try:
        services.conflict_resolve(
            resolver=request.user,
            review=review,
            record_id=record_id,
            stage=stage,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Record %(id)s resolved.") % {"id": record_id})
    return redirect("screening:conflicts", review_id=review.pk, stage=stage)


@require_http_methods(["GET", "POST"])
@login_required
def stage_settings(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    access = stage_for_user(request.user, review_id, stage, lead=True)
    review, stage = access.review, access.stage
    initial = {f: getattr(access.settings, f) for f in services.SETTINGS_FIELDS}
    form = StageSettingsForm(request.POST or None, initial=initial, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_settings_update(
                lead=request.user, review=review, stage=stage, data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(stage)s settings saved.") % {"stage": access.label})
            return redirect("screening:screen", review_id=review.pk, stage=stage)
    context = {"review": review, "stage": stage, "stage_label": access.label, "form": form}
    return render(request, "screening/settings.html", context)


@require_GET
@login_required
def agreement_csv(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    access = stage_for_user(request.user, review_id, stage)
    review, stage = access.review, access.stage
    agreement = stage_agreement(review, stage)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="review-{review.pk}-{stage}-agreement.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["scope", "reviewers", "records", "kappa", "percent_agreement", "method"])
    writer.writerow(
        [
            "all",
            "",
            agreement["n_records"],
            agreement["kappa"],
            agreement["percent_agreement"],
            agreement["method"],
        ]
    )
    for pair in agreement["pairs"]:
        writer.writerow(
            [
                "pair",
                " & ".join(pair["reviewers"]),
                pair["n_records"],
                pair["kappa"],
                pair["percent_agreement"],
                "cohen",
            ]
        )
    return response
