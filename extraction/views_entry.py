"""The extraction entry page (one's own extraction, or a study's consensus) with htmx saves as
you go, and the comparison page where a lead or the arbiter builds the consensus.

Every save answers with the small status fragment of the row or field that sent it, never
with the inputs: a refused or failed save leaves what was typed in place (static/js/extraction.js
keeps and retries it after a server or network failure)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from extraction import consensus, selectors, services
from extraction.access import consensus_study_for_user, extraction_for_user, study_for_user
from extraction.conversions import (
    ALL_INPUTS,
    LABELS,
    PAIRED_INPUTS,
    formats_for,
)
from extraction.definitions import outcome_of, shown
from extraction.models import Arm, Extraction
from extraction.services import item_of

ARM_INPUTS = tuple(
    name for name in ALL_INPUTS if name not in ("r", "diff_mean", "diff_sd", "diff_se")
)


def _outcome_rows(extraction: Extraction, data, definition: dict, hints: dict) -> list[dict]:
    outcomes = []
    for spec in definition["outcomes"]:
        formats = formats_for(spec["type"])
        default = "events_total" if spec["type"] == "dichotomous" else "mean_sd"
        rows = []
        for timepoint in spec["timepoints"]:
            values = [data.values.get((spec["key"], timepoint, arm.position)) for arm in data.arms]
            paired = data.values.get((spec["key"], timepoint, None))
            first = next((v for v in values if v is not None), None)
            fmt = first.format if first is not None else default
            notes = first or paired
            rows.append(
                {
                    "timepoint": timepoint,
                    "format": fmt,
                    "needs": formats.get(fmt, ("", ()))[1],
                    "cells": [
                        {
                            "arm": arm,
                            "value": value,
                            "inputs": [
                                (name, LABELS[name], value.reported.get(name, "") if value else "")
                                for name in ARM_INPUTS
                            ],
                        }
                        for arm, value in zip(data.arms, values, strict=True)
                    ],
                    "paired": [
                        (name, LABELS[name], paired.reported.get(name, "") if paired else "")
                        for name in PAIRED_INPUTS
                    ],
                    "values": [v for v in values if v is not None]
                    + ([paired] if paired is not None else []),
                    "source": notes.source if notes else "",
                    "quote": notes.quote if notes else "",
                    "flag": notes.flag if notes else "",
                    "hints": [
                        hints[key]
                        for key in [
                            item_of(spec["key"], timepoint, arm.position) for arm in data.arms
                        ]
                        + [item_of(spec["key"], timepoint, None)]
                        if key in hints
                    ],
                }
            )
        choices = [(key, label, " ".join(needs)) for key, (label, needs) in formats.items()]
        outcomes.append({"spec": spec, "formats": choices, "rows": rows})
    return outcomes


def _hints(extraction: Extraction) -> dict[str, str]:
    """On a consensus entry page, what each extractor entered where they differ."""
    if not extraction.is_consensus:
        return {}
    found = consensus.comparison(extraction.study)
    names = [e.extractor.get_username() for e in found.extractions]
    return {
        item.key: f"{item.label}: "
        + " | ".join(f"{name}: {shown}" for name, shown in zip(names, item.shown, strict=True))
        for item in found.items
        if item.differs
    }


def _entry_context(request: HttpRequest, extraction: Extraction) -> dict:
    review = extraction.review
    study = extraction.study
    data = selectors.extraction_data(extraction)
    current = selectors.form_current(review)
    definition = current.definition
    hints = _hints(extraction)
    fields = []
    for spec in definition["fields"]:
        answer = data.fields.get(spec["key"])
        value = answer.value if answer else None
        fields.append(
            {
                # The built-in fields' labels and help are stored in English: shown translated.
                "spec": {
                    **spec,
                    "label": shown(spec["label"]),
                    "help": shown(spec["help"]),
                },
                "answer": answer,
                "text": ""
                if value is None
                else (
                    "; ".join(value)
                    if isinstance(value, list)
                    else ("yes" if value is True else "no" if value is False else str(value))
                ),
                "chosen": value if isinstance(value, list) else [],
                "hint": hints.get(f"field:{spec['key']}", ""),
            }
        )
    keys = {spec["key"] for spec in definition["fields"]}
    outcome_keys = {spec["key"] for spec in definition["outcomes"]}
    lock = selectors.lock_of(review)
    editable = (
        extraction.status != Extraction.Status.DONE
        and lock is None
        and (
            extraction.extractor_id == request.user.pk
            or (extraction.is_consensus and review.membership.can_write)
        )
    )
    return {
        "review": review,
        "study": study,
        "extraction": extraction,
        "current": current,
        "fields": fields,
        "arms": data.arms,
        "roles": Arm.Role.choices,
        "outcomes": _outcome_rows(extraction, data, definition, hints),
        "arm_hints": [
            hints[f"arm:{arm.position}"] for arm in data.arms if f"arm:{arm.position}" in hints
        ],
        "older": [a for k, a in data.fields.items() if k not in keys]
        + [v for (o, _t, _p), v in data.values.items() if o not in outcome_keys],
        "labels": LABELS,
        "editable": editable,
        "lock": lock,
        "problems": selectors.extraction_problems(extraction, current)
        if extraction.status != Extraction.Status.DONE
        else [],
        "publications": [(r, selectors.publication(r.record)) for r in study.reports.all()],
    }


@require_GET
@login_required
def entry(request: HttpRequest, review_id: int, extraction_id: int) -> HttpResponse:
    extraction = extraction_for_user(request.user, review_id, extraction_id)
    return render(request, "extraction/entry.html", _entry_context(request, extraction))


def _state(
    request: HttpRequest,
    *,
    error: str = "",
    notes: list[str] | None = None,
    values=(),
    status: int = 200,
) -> HttpResponse:
    context = {
        "error": error,
        "notes": notes or [],
        "values": values,
        "saved_at": timezone.localtime(),
        "labels": LABELS,
    }
    return render(request, "extraction/_save_state.html", context, status=status)


def _writable(request: HttpRequest, review_id: int, extraction_id: int) -> Extraction:
    return extraction_for_user(request.user, review_id, extraction_id, write=True)


@require_POST
@login_required
def field_save(request: HttpRequest, review_id: int, extraction_id: int, key: str):
    extraction = _writable(request, review_id, extraction_id)
    values = request.POST.getlist("value")
    value = (
        values if len(values) > 1 or request.POST.get("multi") else (values[0] if values else "")
    )
    try:
        services.field_save(
            user=request.user,
            extraction=extraction,
            key=key,
            value=value,
            source=request.POST.get("source", ""),
            quote=request.POST.get("quote", ""),
            flag=request.POST.get("flag", ""),
        )
    except ValidationError as exc:
        return _state(request, error=" ".join(exc.messages), status=400)
    return _state(request)


@require_POST
@login_required
def arm_save(request: HttpRequest, review_id: int, extraction_id: int, position: int):
    extraction = _writable(request, review_id, extraction_id)
    try:
        services.arm_save(
            user=request.user,
            extraction=extraction,
            position=position,
            label=request.POST.get("label", ""),
            n=request.POST.get("n", ""),
            role=request.POST.get("role", Arm.Role.INTERVENTION),
        )
    except ValidationError as exc:
        return _state(request, error=" ".join(exc.messages), status=400)
    return _state(request)


def _back_to_entry(request: HttpRequest, extraction: Extraction) -> HttpResponse:
    url = reverse("extraction:entry", args=[extraction.review.pk, extraction.pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_POST
@login_required
def arm_add(request: HttpRequest, review_id: int, extraction_id: int):
    extraction = _writable(request, review_id, extraction_id)
    taken = list(extraction.arms.values_list("position", flat=True))
    position = max(taken, default=0) + 1
    roles = [Arm.Role.INTERVENTION, Arm.Role.CONTROL]
    try:
        services.arm_save(
            user=request.user,
            extraction=extraction,
            position=position,
            label=request.POST.get("label", "").strip() or _("Arm %(n)s") % {"n": position},
            n=request.POST.get("n", ""),
            role=roles[position - 1] if position <= 2 else Arm.Role.NOT_USED,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back_to_entry(request, extraction)


@require_POST
@login_required
def arm_delete(request: HttpRequest, review_id: int, extraction_id: int, position: int):
    extraction = _writable(request, review_id, extraction_id)
    try:
        services.arm_delete(user=request.user, extraction=extraction, position=position)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back_to_entry(request, extraction)


@require_POST
@login_required
def row_save(request: HttpRequest, review_id: int, extraction_id: int):
    """One row of an outcome table: an outcome at a time point, every arm at once."""
    extraction = _writable(request, review_id, extraction_id)
    post = request.POST
    current = selectors.form_current(extraction.review)
    spec = outcome_of(current.definition, post.get("outcome", "")) if current else None
    if spec is None:
        raise Http404("No such outcome in the form.")
    fmt = post.get("format", "")
    # Only the numbers the chosen format takes: the others stay typed in hidden inputs.
    needs = formats_for(spec["type"]).get(fmt, ("", ()))[1]
    notes = {k: post.get(k, "") for k in ("source", "quote", "flag")}
    cells = [
        {
            "arm": arm.position,
            "format": fmt,
            "values": {name: post.get(f"a{arm.position}-{name}", "") for name in needs},
            **notes,
        }
        for arm in extraction.arms.order_by("position")
    ]
    if extraction.study.is_paired and spec["type"] == "continuous":
        cells.append(
            {
                "arm": None,
                "format": "paired",
                "values": {name: post.get(f"p-{name}", "") for name in PAIRED_INPUTS},
                **notes,
            }
        )
    try:
        saved = services.outcome_row_save(
            user=request.user,
            extraction=extraction,
            outcome=spec["key"],
            timepoint=post.get("timepoint", ""),
            cells=cells,
        )
    except ValidationError as exc:
        return _state(request, error=" ".join(exc.messages), status=400)
    missing = [
        f"{value.arm.label if value.arm_id else _('within-person')}: "
        + ", ".join(str(LABELS[m]) for m in clean.missing)
        for value, clean in saved
        if value is not None and clean is not None and clean.missing
    ]
    return _state(
        request,
        notes=[_("Incomplete — %(what)s missing") % {"what": m} for m in missing],
        values=[value for value, _clean in saved if value is not None],
    )


@require_POST
@login_required
def done(request: HttpRequest, review_id: int, extraction_id: int):
    extraction = _writable(request, review_id, extraction_id)
    try:
        services.extraction_done(user=request.user, extraction=extraction)
    except ValidationError as exc:
        messages.error(
            request, _("Not marked done: %(problems)s") % {"problems": "; ".join(exc.messages)}
        )
        return redirect(
            "extraction:entry", review_id=extraction.review.pk, extraction_id=extraction.pk
        )
    messages.success(
        request, _("Your extraction of %(study)s is done.") % {"study": extraction.study.label}
    )
    return redirect("extraction:studies", review_id=extraction.review.pk)


@require_POST
@login_required
def reopen(request: HttpRequest, review_id: int, extraction_id: int):
    extraction = _writable(request, review_id, extraction_id)
    try:
        services.extraction_reopen(user=request.user, extraction=extraction)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("extraction:entry", review_id=extraction.review.pk, extraction_id=extraction.pk)


# Comparison and consensus ---------------------------------------------------------------------


@require_GET
@login_required
def compare(request: HttpRequest, review_id: int, study_id: int) -> HttpResponse:
    study = study_for_user(request.user, review_id, study_id)
    review = study.review
    settings = selectors.extraction_settings(review)
    if not consensus.can_view(study, review.membership, settings):
        return render(
            request,
            "extraction/compare.html",
            {"review": review, "study": study, "blinded": True, "settings": settings},
            status=403,
        )
    found = consensus.comparison(study)
    builds = selectors.can_build_consensus(review.membership, settings)
    complete = found.consensus is not None and found.consensus.status == Extraction.Status.DONE
    context = {
        "review": review,
        "study": study,
        "found": found,
        "settings": settings,
        "lock": selectors.lock_of(review),
        "can_build": builds and not complete,
        "builds": builds,
        "complete": complete,
    }
    return render(request, "extraction/compare.html", context)


def _back_to_compare(study, anchor: str = "") -> HttpResponse:
    url = reverse("extraction:compare", args=[study.review.pk, study.pk])
    return redirect(url + (f"#{anchor}" if anchor else ""))


@require_POST
@login_required
def consensus_accept(request: HttpRequest, review_id: int, study_id: int):
    study = consensus_study_for_user(request.user, review_id, study_id)
    item = request.POST.get("item", "")
    source = request.POST.get("extraction", "")
    try:
        consensus.consensus_accept(
            user=request.user,
            study=study,
            item=item,
            extraction_id=int(source) if source.isdecimal() else 0,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back_to_compare(
        study, f"item-{item}".replace(":", "-").replace("|", "-").replace(" ", "_")
    )


@require_POST
@login_required
def consensus_agreeing(request: HttpRequest, review_id: int, study_id: int):
    study = consensus_study_for_user(request.user, review_id, study_id)
    try:
        n = consensus.consensus_accept_agreeing(user=request.user, study=study)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s agreeing value(s) taken into the consensus.",
                "%(n)s agreeing value(s) taken into the consensus.",
                n,
            )
            % {"n": n},
        )
    return _back_to_compare(study)


@require_POST
@login_required
def consensus_complete(request: HttpRequest, review_id: int, study_id: int):
    study = consensus_study_for_user(request.user, review_id, study_id)
    try:
        consensus.consensus_complete(user=request.user, study=study)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The consensus of %(study)s is complete.") % {"study": study.label}
        )
    return _back_to_compare(study)


@require_POST
@login_required
def consensus_reopen(request: HttpRequest, review_id: int, study_id: int):
    study = consensus_study_for_user(request.user, review_id, study_id)
    try:
        consensus.consensus_reopen(user=request.user, study=study)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back_to_compare(study)


@require_POST
@login_required
def consensus_entry(request: HttpRequest, review_id: int, study_id: int):
    """Open the study's consensus for typing (made when first needed)."""
    study = consensus_study_for_user(request.user, review_id, study_id)
    try:
        agreed = consensus.consensus_open(study)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to_compare(study)
    return redirect("extraction:entry", review_id=study.review.pk, extraction_id=agreed.pk)
