"""PRISMA 2020 flow-diagram counts, computed live from imports, deduplication and screening."""

from reviews import hooks
from reviews.models import Review
from reviews.selectors import duplicates_removed_by_database, import_notes, imported_counts
from screening import selectors
from screening.models import Decision, Resolution, Stage, StoppingDecision, reason_label
from screening.prisma_diagram import NO_REASON


def prisma_counts(review: Review) -> dict:
    """The counts of the PRISMA 2020 diagram for databases and registers.

    Reports sought are the records included at title/abstract; those marked "not retrieved"
    are not assessed, so assessed = sought - not retrieved, and the full-text exclusions,
    inclusions and records still pending or in conflict all come from the assessed ones.

    "Studies included" and "reports of included studies" come from the app that groups
    reports into studies (`hooks.included_counts`): several reports can make one study, and
    a study found by other methods counts too. Without one, each included report counts as a
    study.
    """
    identified = imported_counts(review)
    removed = duplicates_removed_by_database(review)
    screened = selectors.screening_units(review, Stage.TITLE_ABSTRACT).count()
    excluded = selectors.excluded(review, Stage.TITLE_ABSTRACT).count()
    sought = selectors.reports_sought(review).count()
    not_retrieved = selectors.not_retrieved(review).count()
    full_text_excluded = selectors.excluded(review, Stage.FULL_TEXT)
    reasons: dict[str, int] = {}
    resolved = dict(
        Resolution.objects.filter(review=review, stage=Stage.FULL_TEXT).values_list(
            "record_id", "reason"
        )
    )
    for record_id, decision_reasons in _exclusion_reasons(full_text_excluded):
        reason = resolved.get(record_id) or decision_reasons
        reasons[reason] = reasons.get(reason, 0) + 1
    return {
        "identified": {**identified, "total": sum(identified.values())},
        "duplicates_removed": sum(removed.values()),
        "records_screened": screened,
        "records_excluded": excluded,
        "reports_sought": sought,
        "reports_not_retrieved": not_retrieved,
        "reports_assessed": sought - not_retrieved,
        "reports_excluded": {"total": sum(reasons.values()), "reasons": reasons},
        **_included(review),
        "progress": {
            Stage.TITLE_ABSTRACT.value: stage_progress(review, Stage.TITLE_ABSTRACT),
            Stage.FULL_TEXT.value: stage_progress(review, Stage.FULL_TEXT),
        },
        "notes": import_notes(review),
    }


def prisma_diagram_counts(review: Review) -> dict:
    """The counts the diagram draws: `prisma_counts` with its default exclusion reasons in the
    reader's language and, for a stage a lead recorded as stopped, the records screened then
    and those left unscreened (the JSON download and the API keep their documented shape)."""
    stops = StoppingDecision.objects.filter(review=review)
    counts = prisma_counts(review)
    # The default exclusion reasons in the reader's language (a lead's own reasons as written).
    reasons: dict[str, int] = {}
    for reason, n in counts["reports_excluded"]["reasons"].items():
        label = reason if reason == NO_REASON else reason_label(reason)
        reasons[label] = reasons.get(label, 0) + n
    return {
        **counts,
        "reports_excluded": {**counts["reports_excluded"], "reasons": reasons},
        "stopped": {
            stop.stage: {
                "screened": stop.n_screened,
                "not_screened": stop.n_total - stop.n_screened,
            }
            for stop in stops
        },
    }


def stage_progress(review: Review, stage: str) -> dict:
    """Where a stage stands: `status` is not_started (nothing to screen or nobody has
    decided), in_progress or complete (every record settled); `screened` counts the settled
    records, `awaiting` those still missing decisions, `conflicts` those in conflict.

    While a stage is in progress the diagram shows these counts instead of final boxes that
    would read as if every record had been screened."""
    units = selectors.screening_units(review, stage).count()
    included = selectors.included(review, stage).count()
    excluded = selectors.excluded(review, stage).count()
    conflicts = selectors.conflicts(review, stage).count()
    screened = included + excluded
    awaiting = units - screened - conflicts
    if units and not awaiting and not conflicts:
        status = "complete"
    elif screened or conflicts or Decision.objects.filter(review=review, stage=stage).exists():
        status = "in_progress"
    else:
        status = "not_started"
    return {"status": status, "screened": screened, "awaiting": awaiting, "conflicts": conflicts}


def _included(review: Review) -> dict[str, int]:
    counted = hooks.included_counts(review)
    if counted is None:
        reports = selectors.included(review, Stage.FULL_TEXT).count()
        counted = (reports, reports)
    return {"studies_included": counted[0], "reports_included": counted[1]}


def _exclusion_reasons(records):
    """(record id, the reason its reviewers gave) for full-text exclusions, first reason
    in decision order when reviewers named different ones."""
    first: dict[int, str] = {}
    for record_id, reason in (
        Decision.objects.filter(record__in=records.values("pk"), stage=Stage.FULL_TEXT)
        .exclude(reason="")
        .order_by("pk")
        .values_list("record_id", "reason")
    ):
        first.setdefault(record_id, reason)
    for record_id in records.values_list("pk", flat=True):
        yield record_id, first.get(record_id, NO_REASON)
