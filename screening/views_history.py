"""The full screening history as CSV, for a review's methods appendix: every decision, change,
undo and resolution with who made it and when, from the append-only audit log. Every member
may download it; blinding hides what it hides on the audit page."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from reviews import audit_text, selectors
from reviews.access import review_for_user
from reviews.exporters import cell
from screening.models import Choice, Stage

COLUMNS = ["when", "who", "what", "stage", "record", "title", "decision", "reason", "note"]
# The columns are keys for scripts; what happened reads in the language of the request.
WHAT = {
    "screening.decided": gettext_lazy("decided"),
    "screening.withdrawn": gettext_lazy("undid decision"),
    "screening.resolved": gettext_lazy("resolved conflict"),
    "screening.fulltext_uploaded": gettext_lazy("uploaded full text"),
    "screening.fulltext_not_retrieved": gettext_lazy("marked not retrieved"),
    "screening.fulltext_removed": gettext_lazy("removed full text"),
}


class _Echo:
    def write(self, value: str) -> str:
        return value


def _now(event, field: str) -> str:
    old, new = audit_text.change(event, field)
    value = new if new is not None else old
    return "" if value is None else str(value)


def _rows(events, language: str):
    # The response streams after the view returns: the rows keep the request's language.
    with translation.override(language):
        yield from _rows_in(events)


def _rows_in(events):
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    # A chunk at a time, so the record titles come in one query per chunk.
    chunk: list = []
    for event in events.iterator(chunk_size=1000):
        chunk.append(event)
        if len(chunk) == 1000:
            yield from _chunk_rows(writer, chunk)
            chunk = []
    yield from _chunk_rows(writer, chunk)


def _chunk_rows(writer, events):
    for sentence in audit_text.sentences(events):
        event = sentence.event
        stage = _now(event, "stage")
        decision = _now(event, "decision")
        what = str(WHAT.get(event.action, event.action))
        old, new = audit_text.change(event, "decision")
        if event.action == "screening.decided" and old and new:
            what = translation.gettext("changed decision")
        yield writer.writerow(
            [
                cell(event.created_at.isoformat(timespec="seconds")),
                cell(sentence.actor),
                what,
                Stage(stage).label if stage in Stage.values else stage,
                audit_text.record_id_of(event) or "",
                cell(sentence.title),
                Choice(decision).label if decision in Choice.values else decision,
                cell(_now(event, "reason")),
                cell(_now(event, "note")),
            ]
        )


@require_GET
@login_required
def history_csv(request: HttpRequest, review_id: int) -> StreamingHttpResponse:
    review = review_for_user(request.user, review_id)
    events = (
        selectors.review_audit_events(review, viewer=request.user)
        .filter(action__startswith="screening.")
        .exclude(action="screening.settings_changed")
        .order_by("created_at", "pk")
    )
    response = StreamingHttpResponse(
        _rows(events, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="review-{review.pk}-screening-history.csv"'
    )
    return response
