"""Full-text pages: upload a report's PDF, mark it not retrieved or remove it, and serve the
PDF to the members of the review (the full-text screening page shows it beside the record).

With htmx the forms swap the full-text panel of the screening page; without JavaScript they
post and come back to the screening page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseLocation

from reviews.access import review_for_user
from reviews.models import Record, Review
from screening import fulltext, selectors
from screening.access import report_for_user
from screening.models import FullText, Stage


def _screen_url(review: Review, record: Record | None = None) -> str:
    url = reverse("screening:screen", args=[review.pk, Stage.FULL_TEXT])
    return f"{url}?record={record.pk}" if record is not None else url


def _respond(
    request: HttpRequest, review: Review, record: Record, done: str = "", error: str = ""
) -> HttpResponse:
    full_text = selectors.full_text(record)
    not_retrieved = full_text is not None and full_text.not_retrieved
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        # A report marked not retrieved has left the queue: go on to the next record.
        return redirect(_screen_url(review, None if not_retrieved else record))
    if error or not_retrieved:
        context = {
            "review": review,
            "record": record,
            "full_text": full_text,
            "fulltext_error": error,
            # The decision buttons make no sense for a report that is not assessed.
            "replace_decisions": not_retrieved,
        }
        return render(request, "screening/_fulltext.html", context, status=400 if error else 200)
    # The whole record again: the viewer, and the decision buttons if they were replaced.
    return HttpResponseLocation(_screen_url(review, record), target="#screen", swap="outerHTML")


@require_POST
@login_required
def upload(request: HttpRequest, review_id: int, record_id: int) -> HttpResponse:
    record = report_for_user(request.user, review_id, record_id, write=True)
    review = record.review
    file = request.FILES.get("file")
    if file is None:
        return _respond(request, review, record, error=_("Choose a PDF file to upload."))
    try:
        full_text = fulltext.fulltext_upload(
            user=request.user, review=review, record_id=record.pk, upload=file
        )
    except ValidationError as exc:
        return _respond(request, review, record, error=" ".join(exc.messages))
    done = ngettext(
        "Uploaded %(name)s (%(pages)s page).",
        "Uploaded %(name)s (%(pages)s pages).",
        full_text.pages,
    ) % {"name": full_text.original_name, "pages": full_text.pages}
    return _respond(request, review, record, done=done)


@require_POST
@login_required
def not_retrieved(request: HttpRequest, review_id: int, record_id: int) -> HttpResponse:
    record = report_for_user(request.user, review_id, record_id, write=True)
    review = record.review
    try:
        fulltext.fulltext_mark_not_retrieved(
            user=request.user, review=review, record_id=record.pk, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        return _respond(request, review, record, error=" ".join(exc.messages))
    return _respond(
        request, review, record, done=_("Record %(id)s marked not retrieved.") % {"id": record.pk}
    )


@require_POST
@login_required
def remove(request: HttpRequest, review_id: int, record_id: int) -> HttpResponse:
    record = report_for_user(request.user, review_id, record_id, write=True)
    review = record.review
    fulltext.fulltext_remove(user=request.user, review=review, record_id=record.pk)
    return _respond(
        request, review, record, done=_("Full text of record %(id)s removed.") % {"id": record.pk}
    )


@xframe_options_sameorigin
@require_GET
@login_required
def pdf(request: HttpRequest, review_id: int, record_id: int) -> FileResponse:
    """The PDF itself, shown inline: the screening page frames it from the same origin."""
    review = review_for_user(request.user, review_id)
    full_text = FullText.objects.filter(review=review, record_id=record_id).exclude(file="").first()
    if full_text is None:
        raise Http404(_("This record has no full-text PDF."))
    return pdf_response(full_text)


def pdf_response(full_text: FullText) -> FileResponse:
    """The stored PDF as a response (the API's download serves it the same way)."""
    try:
        handle = full_text.file.storage.open(full_text.file.name, "rb")
    except FileNotFoundError:
        raise Http404(_("The PDF is missing from storage.")) from None
    response = FileResponse(
        handle,
        content_type="application/pdf",
        filename=full_text.original_name or f"record-{full_text.record_id}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response
