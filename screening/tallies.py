"""Keeping `Tally` rows (a record's decisions at a stage, counted) in step with decisions.

Only the screening services and the import signal call these, inside the transaction that
changes the decisions or adds the records.
"""

from collections.abc import Iterable

from django.db.models import Count, Q

from reviews.models import Review
from reviews.selectors import review_records
from screening.models import Choice, Decision, Priority, Resolution, Stage, Tally
from screening.selectors import stage_settings

BATCH_SIZE = 5_000


def tallies_create(review: Review, record_ids: Iterable[int]) -> None:
    """Title/abstract rows for newly imported records (rows that exist are left alone)."""
    batch: list[Tally] = []
    for record_id in record_ids:
        batch.append(Tally(review=review, record_id=record_id, stage=Stage.TITLE_ABSTRACT))
        if len(batch) == BATCH_SIZE:
            Tally.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Tally.objects.bulk_create(batch, ignore_conflicts=True)


def tally_recount(review: Review, record_id: int, stage: str, required: int) -> Tally:
    """Count the record's decisions and resolution at the stage again. The caller holds the
    record's row lock, so counts cannot interleave."""
    counts = Decision.objects.filter(record_id=record_id, stage=stage).aggregate(
        n=Count("pk"),
        include=Count("pk", filter=Q(decision=Choice.INCLUDE)),
        exclude=Count("pk", filter=Q(decision=Choice.EXCLUDE)),
    )
    resolution = (
        Resolution.objects.filter(record_id=record_id, stage=stage)
        .values_list("decision", flat=True)
        .first()
    ) or ""
    values = {
        "review": review,
        "n_decisions": counts["n"],
        "n_include": counts["include"],
        "n_exclude": counts["exclude"],
        "resolution": resolution,
        "open": counts["n"] < required and not resolution,
    }
    tally, _ = Tally.objects.update_or_create(record_id=record_id, stage=stage, defaults=values)
    if not tally.open:
        # The next-record query walks the scores in order: settled records leave them, so
        # it never steps over them.
        Priority.objects.filter(record_id=record_id, stage=stage).delete()
    return tally


def tallies_reopen(review: Review, stage: str, required: int) -> None:
    """After a lead changes the number of reviewers a record needs."""
    rows = Tally.objects.filter(review=review, stage=stage)
    rows.filter(Q(n_decisions__gte=required) | ~Q(resolution="")).update(open=False)
    rows.filter(n_decisions__lt=required, resolution="").update(open=True)


def tallies_rebuild(review: Review) -> None:
    """Count every record of the review again from its decisions and resolutions (for data
    written around the services, such as the load benchmark's seeded decisions)."""
    Tally.objects.filter(review=review).delete()
    record_ids = review_records(review).values_list("pk", flat=True)
    rows = {
        (pk, Stage.TITLE_ABSTRACT): Tally(review=review, record_id=pk, stage=Stage.TITLE_ABSTRACT)
        for pk in record_ids.iterator(chunk_size=BATCH_SIZE)
    }
    decisions = Decision.objects.filter(review=review).values_list("record_id", "stage", "decision")
    for record_id, stage, decision in decisions.iterator(chunk_size=BATCH_SIZE):
        tally = rows.setdefault(
            (record_id, stage), Tally(review=review, record_id=record_id, stage=stage)
        )
        tally.n_decisions += 1
        tally.n_include += decision == Choice.INCLUDE
        tally.n_exclude += decision == Choice.EXCLUDE
    resolutions = Resolution.objects.filter(review=review).values_list(
        "record_id", "stage", "decision"
    )
    for record_id, stage, decision in resolutions:
        tally = rows.setdefault(
            (record_id, stage), Tally(review=review, record_id=record_id, stage=stage)
        )
        tally.resolution = decision
    required = {stage: stage_settings(review, stage).reviewers_required for stage in Stage.values}
    for tally in rows.values():
        tally.open = tally.n_decisions < required[tally.stage] and not tally.resolution
    Tally.objects.bulk_create(rows.values(), batch_size=BATCH_SIZE)
