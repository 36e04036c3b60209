"""Pages for importing search exports and browsing records. Thin: parse, call, render."""

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from reviews import exporters, hooks, selectors
from reviews.access import import_for_user, review_for_user
from reviews.forms import ImportForm
from reviews.import_rejects import import_skip_invalid
from reviews.importers import generic_csv
from reviews.importers.formats import format_choices
from reviews.imports import import_discard, import_remap, import_stage, import_start
from reviews.models import Database, SearchImport
from reviews.templatetags.imports_text import without_file_name

EXPORTS = {
    "ris": (exporters.as_ris, "application/x-research-info-systems"),
    "csv": (exporters.as_csv, "text/csv; charset=utf-8"),
    "json": (exporters.as_json, "application/json"),
}


@require_GET
@login_required
def import_page(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    context = {
        "review": review,
        "imports": selectors.review_imports(review),
        "form": ImportForm(),
        "formats": format_choices(),
    }
    if request.htmx:
        return render(request, "reviews/imports.html#history", context)
    return render(request, "reviews/imports.html", context)


@require_POST
@login_required
def import_stage_view(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, write=True)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "reviews/imports/_error.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        search_import = import_stage(
            user=request.user,
            review=review,
            upload=data["file"],
            database=data["database"],
            interface=data["interface"],
            search_date=data["search_date"],
            search_string=data["search_string"],
            format_name=data["format"],
            encoding=data["encoding"],
        )
    except ValidationError as exc:
        return _refused(request, exc, data["file"].name)
    return _staged(request, search_import)


def _refused(request: HttpRequest, exc: ValidationError, file_name: str = "") -> HttpResponse:
    # 400 like the API's refusals; htmx still swaps the message in (base.html's htmx-config).
    # The upload's row already names the file: the message need not say it again.
    message = without_file_name(" ".join(exc.messages), Path(file_name).name)
    return render(request, "reviews/imports/_error.html", {"message": message}, status=400)


def _staged(request: HttpRequest, search_import: SearchImport, error: str = "") -> HttpResponse:
    mapping = search_import.preview.get("mapping")
    context = {
        "review": search_import.review,
        "item": search_import,
        "error": error,
        # For CSV read through a column mapping: one (field, chosen column) row per field.
        "mapping_rows": [(f, mapping.get(f, "")) for f in generic_csv.FIELDS]
        if mapping is not None
        else [],
    }
    return render(request, "reviews/imports/_staged.html", context, status=400 if error else 200)


@require_POST
@login_required
def import_start_view(request: HttpRequest, review_id: int, import_id: int) -> HttpResponse:
    search_import = import_for_user(request.user, review_id, import_id, write=True)
    try:
        import_start(
            user=request.user,
            search_import=search_import,
            confirm_duplicate=request.POST.get("confirm_duplicate") == "on",
        )
    except ValidationError as exc:
        return _staged(request, search_import, " ".join(exc.messages))
    return _status(request, _refreshed(search_import))


@require_POST
@login_required
def import_mapping(request: HttpRequest, review_id: int, import_id: int) -> HttpResponse:
    search_import = import_for_user(request.user, review_id, import_id, write=True)
    mapping = {field: request.POST.get(f"map_{field}", "") for field in generic_csv.FIELDS}
    try:
        search_import = import_remap(search_import=search_import, mapping=mapping)
    except ValidationError as exc:
        return _staged(request, search_import, " ".join(exc.messages))
    return _staged(request, search_import)


@require_POST
@login_required
def import_discard_view(request: HttpRequest, review_id: int, import_id: int) -> HttpResponse:
    search_import = import_for_user(request.user, review_id, import_id, write=True)
    try:
        import_discard(user=request.user, search_import=search_import)
    except ValidationError as exc:
        return _refused(request, exc, search_import.file_name)
    return HttpResponse("")


@require_GET
@login_required
def import_status(request: HttpRequest, review_id: int, import_id: int) -> HttpResponse:
    return _status(request, import_for_user(request.user, review_id, import_id))


@require_POST
@login_required
def import_skip_invalid_view(request: HttpRequest, review_id: int, import_id: int) -> HttpResponse:
    search_import = import_for_user(request.user, review_id, import_id, write=True)
    skip = request.POST.get("skip", "")
    try:
        import_skip_invalid(
            user=request.user,
            search_import=search_import,
            skip=int(skip) if skip.isdecimal() else -1,
        )
    except ValidationError as exc:
        return _refused(request, exc)
    return _status(request, _refreshed(search_import))


def _refreshed(search_import: SearchImport) -> SearchImport:
    review = search_import.review  # with the member's membership, which a refresh drops
    search_import.refresh_from_db()
    search_import.review = review
    return search_import


def _status(request: HttpRequest, search_import: SearchImport) -> HttpResponse:
    # The skip choice is offered to members who may write (import_for_user attached theirs).
    membership = getattr(search_import.review, "membership", None)
    context = {"item": search_import, "can_write": bool(membership and membership.can_write)}
    response = render(request, "reviews/imports/_status.html", context)
    if search_import.status in (SearchImport.Status.COMPLETE, SearchImport.Status.FAILED):
        response["HX-Trigger"] = "import-finished"
    return response


def _faceted(request: HttpRequest, review, records):
    """Records narrowed by each registered facet's filter in the query (?screening=included)."""
    for facet in hooks.record_facets():
        if value := request.GET.get(facet.key, ""):
            records = facet.filter(review, request.user, records, value)
    return records


@require_GET
@login_required
def record_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    records = selectors.filter_records(selectors.review_records(review), request.GET)
    page = Paginator(_faceted(request, review, records), 25).get_page(request.GET.get("page"))
    facets = hooks.record_facets()
    ids = [r.pk for r in page]
    described = [facet.describe(review, request.user, ids) for facet in facets]
    for record in page:
        # What each stage says of the record, e.g. [("Screening", "Excluded at full text")].
        record.facets = [
            (
                facet.label,
                d.get(record.pk, {}).get("summary", ""),
                d.get(record.pk, {}).get("detail", ""),
            )
            for facet, d in zip(facets, described, strict=True)
        ]
    context = {
        "review": review,
        "page": page,
        "databases": Database.choices,
        "facets": facets,
        "facet_filters": [(facet, request.GET.get(facet.key, "")) for facet in facets],
        "query": request.GET,
    }
    return render(request, "reviews/records.html", context)


@require_GET
@login_required
def record_export(request: HttpRequest, review_id: int, format_name: str) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    writer, content_type = EXPORTS[format_name]
    records = _faceted(
        request, review, selectors.filter_records(selectors.review_records(review), request.GET)
    )
    if request.GET.get("include_duplicates") != "1":
        records = selectors.unique_records(records)
    facets = hooks.record_facets()

    def describe(ids: list[int]) -> dict[int, dict[str, str]]:
        out: dict[int, dict[str, str]] = {pk: {} for pk in ids}
        for facet in facets:
            for pk, values in facet.describe(review, request.user, ids).items():
                out[pk].update({c: values.get(c, "") for c in facet.columns})
        return out

    columns = [c for facet in facets for c in facet.columns]
    stream = writer(records.iterator(chunk_size=2000), extra=exporters.Extra(columns, describe))
    response = StreamingHttpResponse(stream, content_type)
    filename = f"review-{review.pk}-records.{format_name}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
