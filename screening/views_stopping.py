"""The stopping panel of a stage's screening page (leads): the estimate, and the lead's
decision to stop or to go on. Thin: the estimate is `stopping_review.stage_stopping`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from screening import stopping
from screening.access import stage_for_user
from screening.stopping_review import (
    method_label,
    random_order_set,
    stage_stopping,
    stopping_of,
    stopping_record,
    stopping_withdraw,
)


def _panel(request: HttpRequest, access, error: str = "") -> HttpResponse:
    review, stage = access.review, access.stage
    estimate = stage_stopping(review, stage)
    context = {
        "review": review,
        "stage": stage,
        "estimate": estimate,
        "stopped": stopping_of(review, stage),
        "blinded": access.settings.blinded,
        "random_order": access.settings.random_order,
        "method": method_label(estimate.method),
        "citation": stopping.CITATION,
        "error": error,
    }
    return render(request, "screening/_stopping.html#panel", context)


@require_GET
@login_required
def panel(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    return _panel(request, stage_for_user(request.user, review_id, stage, lead=True))


def _answer(request: HttpRequest, access, error: str) -> HttpResponse:
    if request.htmx:
        return _panel(request, access, error)
    if error:
        messages.error(request, error)
    return redirect("screening:screen", review_id=access.review.pk, stage=access.stage)


@require_POST
@login_required
def stop(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    access = stage_for_user(request.user, review_id, stage, lead=True)
    try:
        stopping_record(lead=request.user, review=access.review, stage=access.stage)
    except ValidationError as exc:
        return _answer(request, access, " ".join(exc.messages))
    return _answer(request, access, "")


@require_POST
@login_required
def resume(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    access = stage_for_user(request.user, review_id, stage, lead=True)
    try:
        stopping_withdraw(lead=request.user, review=access.review, stage=access.stage)
    except ValidationError as exc:
        return _answer(request, access, " ".join(exc.messages))
    return _answer(request, access, "")


@require_POST
@login_required
def order(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    """Switch to random order for a sample (order=random) or back (order=relevance)."""
    access = stage_for_user(request.user, review_id, stage, lead=True)
    wanted = request.POST.get("order", "")
    if wanted not in ("random", "relevance"):
        return _answer(request, access, _("Choose the order: random or relevance."))
    random_order_set(
        lead=request.user, review=access.review, stage=access.stage, on=wanted == "random"
    )
    access = stage_for_user(request.user, review_id, stage, lead=True)  # settings changed
    return _answer(request, access, "")
