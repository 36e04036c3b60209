"""Keeping `Tally` rows (a record's decisions at a stage, counted) in step with decisions.

Only the screening services and the import signal call these, inside the transaction that
changes the decisions or adds the records.
"""

from collections.abc import Iterable

from django.db.models import Q

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
    choices = list(
        Decision.objects.filter(record_id=record_id, stage=stage).values_list("decision", flat=True)
    )
    resolution = (
        Resolution.objects.filter(record_id=record_id, stage=stage)
        .values_list("decision", flat=True)
        .first()
    ) or ""
    tally = Tally.objects.filter(record_id=record_id, stage=stage).first()
    tally = tally or Tally(review=review, record_id=record_id, stage=stage)
    return tally_set(tally, choices, resolution, required)


def tally_set(tally: Tally, choices: list[str], resolution: str, required: int) -> Tally:
    """Write `tally` (the row as read, or a new one) for these decisions and resolution: one
    statement. The caller holds the record's row lock and has read `choices` under it."""
    was_open = tally.pk is None or tally.open
    tally.n_decisions = len(choices)
    tally.n_include = choices.count(Choice.INCLUDE)
    tally.n_exclude = choices.count(Choice.EXCLUDE)
    tally.resolution = resolution
    tally.open = len(choices) < required and not resolution
    if tally.pk is None:
        tally.save(force_insert=True)
    else:
        tally.save(update_fields=["n_decisions", "n_include", "n_exclude", "resolution", "open"])
    if was_open and not tally.open:
        # The next-record query walks the scores in order: settled records leave them, so
        # it never steps over them.
        Priority.objects.filter(record_id=tally.record_id, stage=tally.stage).delete()
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
