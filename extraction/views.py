"""Extraction pages: the studies, a study and its reports, the form builder, the lock with its
snapshots, exports and the spreadsheet import. Entry and consensus are in `views_entry`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from extraction import consensus, exports, importer, locking, selectors, services
from extraction.access import snapshot_for_user, study_for_user
from extraction.api import XLSX, download
from extraction.forms import (
    FieldFormSet,
    ImportForm,
    OutcomeFormSet,
    SettingsForm,
    StudyForm,
    as_initial,
    definition_from,
)
from extraction.models import Extraction
from extraction.snapshots import snapshot_layouts
from reviews.access import review_for_user


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_GET
@login_required
def study_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    services.studies_sync(review=review)
    settings = selectors.extraction_settings(review)
    membership = review.membership
    rows = selectors.study_rows(review)
    builds = selectors.can_build_consensus(membership, settings)
    for row in rows:
        row.my = row.mine(request.user)
        row.can_start = (
            membership.can_write
            and row.my is None
            and len(row.extractions) < settings.extractors_required
        )
        row.can_compare = builds and row.done_extractions >= settings.extractors_required
    context = {
        "review": review,
        "rows": rows,
        "settings": settings,
        "lock": selectors.lock_of(review),
        "form_version": selectors.form_current(review),
        "builds": builds,
    }
    return render(request, "extraction/studies.html", context)


@require_GET
@login_required
def study_detail(request: HttpRequest, review_id: int, study_id: int) -> HttpResponse:
    study = study_for_user(request.user, review_id, study_id)
    review = study.review
    (row,) = selectors.study_rows(review, selectors.studies(review).filter(pk=study.pk))
    settings = selectors.extraction_settings(review)
    context = {
        "review": review,
        "study": study,
        "row": row,
        "mine": row.mine(request.user),
        "settings": settings,
        "lock": selectors.lock_of(review),
        "can_view_consensus": consensus.can_view(study, review.membership, settings),
        "form": StudyForm(
            initial={"label": study.label, "design": study.design, "citation": study.citation}
        ),
        "linkable": list(_linkable(review, study)),
        "publications": [(r, selectors.publication(r.record)) for r in row.reports],
    }
    return render(request, "extraction/study.html", context)


def _linkable(review, study):
    """Included reports of other studies (or none yet), to link to this one."""
    owners = dict(selectors.studies(review).values_list("reports__record_id", "label"))
    for record in selectors.included_records(review).order_by("pk"):
        if owners.get(record.pk) == study.label:
            continue
        yield record, owners.get(record.pk, "")


@require_http_methods(["GET", "POST"])
@login_required
def study_new(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, lead=True)
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            study = services.study_create(lead=request.user, review=review, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(study)s added.") % {"study": study.label})
            return redirect("extraction:study", review_id=review.pk, study_id=study.pk)
    return render(request, "extraction/study_new.html", {"review": review, "form": form})


@require_POST
@login_required
def study_edit(request: HttpRequest, review_id: int, study_id: int) -> HttpResponse:
    study = study_for_user(request.user, review_id, study_id, lead=True)
    form = StudyForm(request.POST)
    if form.is_valid():
        try:
            services.study_update(lead=request.user, study=study, data=form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("%(study)s saved.") % {"study": study.label})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("extraction:study", review_id=study.review.pk, study_id=study.pk)


@require_POST
@login_required
def study_delete(request: HttpRequest, review_id: int, study_id: int) -> HttpResponse:
    study = study_for_user(request.user, review_id, study_id, lead=True)
    try:
        services.study_delete(lead=request.user, study=study)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("extraction:study", review_id=study.review.pk, study_id=study.pk)
    messages.success(request, _("%(study)s deleted.") % {"study": study.label})
    return redirect("extraction:studies", review_id=study.review.pk)


def _record_id(request: HttpRequest) -> int:
    value = request.POST.get("record", "")
    if not value.isdecimal():
        raise Http404(_("No such record."))
    return int(value)


@require_POST
@login_required
def report_link(request: HttpRequest, review_id: int, study_id: int) -> HttpResponse:
    study = study_for_user(request.user, review_id, study_id, lead=True)
    try:
        services.report_link(lead=request.user, study=study, record_id=_record_id(request))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Report linked."))
    return redirect("extraction:study", review_id=study.review.pk, study_id=study.pk)


@require_POST
@login_required
def report_unlink(request: HttpRequest, review_id: int, study_id: int) -> HttpResponse:
    study = study_for_user(request.user, review_id, study_id, lead=True)
    try:
        own = services.report_unlink(lead=request.user, study=study, record_id=_record_id(request))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("Report separated: it is now %(study)s.") % {"study": own.label}
        )
    return redirect("extraction:study", review_id=study.review.pk, study_id=study.pk)


@require_POST
@login_required
def extraction_start(request: HttpRequest, review_id: int, study_id: int) -> HttpResponse:
    study = study_for_user(request.user, review_id, study_id, write=True)
    try:
        extraction = services.extraction_start(extractor=request.user, study=study)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("extraction:studies", review_id=study.review.pk)
    return redirect("extraction:entry", review_id=study.review.pk, extraction_id=extraction.pk)


@require_http_methods(["GET", "POST"])
@login_required
def form_builder(request: HttpRequest, review_id: int) -> HttpResponse:
    """The lead's form: study-level fields, outcomes and the extraction settings."""
    review = review_for_user(request.user, review_id, lead=True)
    current = selectors.form_current(review)
    definition = selectors.form_definition(review)
    settings = selectors.extraction_settings(review)
    fields_initial, outcomes_initial = as_initial(definition)
    post = request.POST if request.method == "POST" else None
    fields = FieldFormSet(post, initial=fields_initial, prefix="fields")
    outcomes = OutcomeFormSet(post, initial=outcomes_initial, prefix="outcomes")
    settings_form = SettingsForm(
        post,
        review=review,
        initial={
            "extractors_required": settings.extractors_required,
            "assumed_r": settings.assumed_r,
            "arbiter": settings.arbiter,
        },
        prefix="settings",
    )
    error = ""
    if post is not None and fields.is_valid() and outcomes.is_valid() and settings_form.is_valid():
        try:
            version = services.form_save(
                lead=request.user, review=review, definition=definition_from(fields, outcomes)
            )
            services.settings_update(
                lead=request.user, review=review, data=settings_form.cleaned_data
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("Form saved (version %(number)s).") % {"number": version.number}
            )
            return redirect("extraction:form", review_id=review.pk)
    context = {
        "review": review,
        "current": current,
        "fields": fields,
        "outcomes": outcomes,
        "settings_form": settings_form,
        "error": error,
        "started": Extraction.objects.filter(review=review).exists(),
        "versions": review.form_versions.order_by("-number"),
        "lock": selectors.lock_of(review),
    }
    return render(request, "extraction/form.html", context)


@require_GET
@login_required
def lock_page(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    services.studies_sync(review=review)
    lock = selectors.lock_of(review)
    snapshots = list(selectors.snapshots(review))
    for snapshot in snapshots:
        snapshot.downloads = [
            (entry["outcome"], entry["name"], timepoint, layout)
            for entry in _outcomes(snapshot)
            for timepoint in entry["timepoints"]
            for layout in snapshot_layouts(snapshot, entry["outcome"], timepoint)
        ]
    context = {
        "review": review,
        "lock": lock,
        "blockers": [] if lock else locking.lock_blockers(review),
        "snapshots": snapshots,
        "import_form": ImportForm(),
        "events": review.audit_events.filter(
            action__in=["extraction.locked", "extraction.unlocked", "extraction.imported"]
        ).select_related("actor")[:20],
    }
    return render(request, "extraction/lock.html", context)


def _outcomes(snapshot) -> list[dict]:
    return [
        {"outcome": o["key"], "name": o["name"], "timepoints": o["timepoints"]}
        for o in snapshot.data["form"]["outcomes"]
    ]


@require_POST
@login_required
def lock(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, lead=True)
    try:
        snapshot = locking.extraction_lock(
            lead=request.user, review=review, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("Extraction locked: snapshot v%(version)s, SHA-256 %(sha256)s.")
            % {"version": snapshot.version, "sha256": snapshot.sha256},
        )
    return redirect("extraction:lock", review_id=review.pk)


@require_POST
@login_required
def unlock(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, lead=True)
    try:
        locking.extraction_unlock(
            lead=request.user, review=review, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Extraction unlocked; the next lock writes a new snapshot."))
    return redirect("extraction:lock", review_id=review.pk)


@require_POST
@login_required
def import_upload(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, lead=True)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV or XLSX file to import."))
        return redirect("extraction:lock", review_id=review.pk)
    upload = form.cleaned_data["file"]
    try:
        summary = importer.extraction_import(
            lead=request.user,
            review=review,
            file_name=upload.name,
            content=upload.read(),
            replace=form.cleaned_data["replace"],
        )
    except ValidationError as exc:
        messages.error(
            request, _("Nothing was imported. %(errors)s") % {"errors": " ".join(exc.messages)}
        )
        return redirect("extraction:lock", review_id=review.pk)
    messages.success(
        request,
        ngettext(
            "Imported %(rows)s row: %(added)s studies added, %(replaced)s replaced (form "
            "v%(version)s).",
            "Imported %(rows)s rows: %(added)s studies added, %(replaced)s replaced (form "
            "v%(version)s).",
            summary.rows,
        )
        % {
            "rows": summary.rows,
            "added": len(summary.studies_added),
            "replaced": len(summary.studies_replaced),
            "version": summary.form_version,
        },
    )
    for label, problems in summary.incomplete.items():
        messages.warning(
            request,
            _("%(study)s: consensus left open — %(problems)s")
            % {"study": label, "problems": "; ".join(problems)},
        )
    return redirect("extraction:studies", review_id=review.pk)


@require_GET
@login_required
def snapshot_csv(request: HttpRequest, review_id: int, version: int) -> HttpResponse:
    snapshot = snapshot_for_user(request.user, review_id, version)
    name = f"review-{snapshot.review_id}-extraction-v{snapshot.version}.csv"
    return download(exports.snapshot_csv(snapshot), "text/csv; charset=utf-8", name)


@require_GET
@login_required
def snapshot_xlsx(request: HttpRequest, review_id: int, version: int) -> HttpResponse:
    snapshot = snapshot_for_user(request.user, review_id, version)
    name = f"review-{snapshot.review_id}-extraction-v{snapshot.version}.xlsx"
    return download(exports.snapshot_xlsx(snapshot), XLSX, name)


@require_GET
@login_required
def snapshot_metaanalyze(request: HttpRequest, review_id: int, version: int) -> HttpResponse:
    snapshot = snapshot_for_user(request.user, review_id, version)
    outcome = request.GET.get("outcome", "")
    timepoint = request.GET.get("timepoint", "")
    layout = request.GET.get("layout") or None
    if outcome not in {o["key"] for o in snapshot.data["form"]["outcomes"]}:
        raise Http404("No such outcome in this snapshot.")
    if layout not in (None, "continuous", "paired", "binary"):
        raise Http404("No such layout.")
    body = exports.metaanalyze_csv(snapshot, outcome, timepoint, layout)
    name = f"review-{snapshot.review_id}-v{snapshot.version}-{outcome}-{timepoint}-{layout}.csv"
    return download(body, "text/csv; charset=utf-8", name.replace(" ", "_"))
