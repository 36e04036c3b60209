"""Pages for importing search exports and browsing records. Thin: parse, call, render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from reviews import exporters, selectors
from reviews.access import import_for_user, review_for_user
from reviews.forms import ImportForm
from reviews.import_rejects import import_skip_invalid
from reviews.importers import generic_csv
from reviews.importers.formats import format_choices
from reviews.imports import import_discard, import_remap, import_stage, import_start
from reviews.models import Database, SearchImport

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
        return _refused(request, exc)
    return _staged(request, search_import)


def _refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # 400 like the API's refusals; htmx still swaps the message in (base.html's htmx-config).
    message = " ".join(exc.messages)
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
        return _refused(request, exc)
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


@require_GET
@login_required
def record_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    records = selectors.filter_records(selectors.review_records(review), request.GET)
    page = Paginator(records, 25).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "page": page,
        "databases": Database.choices,
        "query": request.GET,
    }
    return render(request, "reviews/records.html", context)


@require_GET
@login_required
def record_export(request: HttpRequest, review_id: int, format_name: str) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    writer, content_type = EXPORTS[format_name]
    records = selectors.filter_records(selectors.review_records(review), request.GET)
    if request.GET.get("include_duplicates") != "1":
        records = selectors.unique_records(records)
    response = StreamingHttpResponse(writer(records.iterator(chunk_size=2000)), content_type)
    filename = f"review-{review.pk}-records.{format_name}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
