"""Prioritised screening in the app: what trains the relevance model, when it is retrained,
and the scores it leaves for `selectors.next_for` (the model itself is `screening.ranking`).

Only settled records train the model: agreed by every required reviewer, or resolved by a lead
or arbiter. A pending decision never does, because blinding means a reviewer must learn
nothing of another's undecided vote, and an order learnt from it would hint at it.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from reviews.jobs import job_start
from reviews.models import Job, Review
from reviews.publications import merged_values
from screening import ranking, selectors
from screening.models import Priority, Ranking, StageSettings

TEXT_FIELDS = ("title", "translated_title", "abstract", "keywords")
BATCH_SIZE = 5_000
# The least time between two models of a stage, per record the last one scored: a model
# costs about 0.3 ms a record to train and store (30-38 s for 100,000 records, bench/RESULTS.md,
# "Screening prioritisation"), so a busy 100,000-record review, retrained at most every 200 s,
# keeps a worker re-ranking a fifth of the time at most.
PAUSE_PER_RECORD = timedelta(milliseconds=2)
CHECK_EVERY = timedelta(seconds=10)


def settled_labels(review: Review, stage: str) -> dict[int, int]:
    """Record id → 1 (included) or 0 (excluded), for the stage's settled records only."""
    labels = dict.fromkeys(selectors.included(review, stage).values_list("pk", flat=True), 1)
    labels.update(dict.fromkeys(selectors.excluded(review, stage).values_list("pk", flat=True), 0))
    return labels


def _due(current: Ranking | None, n_included: int, n_excluded: int) -> bool:
    if not (n_included and n_excluded):
        return False
    settled = n_included + n_excluded
    if current is None or current.trained_on == 0:
        return True
    return settled - current.trained_on >= ranking.retrain_step(settled)


def ranking_due(review: Review, stage: str) -> bool:
    """Whether a new model is worth training: prioritisation is on, both classes have a settled
    record, and enough records have settled since the last model (`ranking.retrain_step`), but
    not sooner than `PAUSE_PER_RECORD` allows."""
    if not selectors.stage_settings(review, stage).ranked:
        return False
    current = Ranking.objects.filter(review=review, stage=stage).first()
    return not _pausing(current) and _enough_settled(review, stage, current)


def _pausing(current: Ranking | None) -> bool:
    if current is None or current.trained_at is None:
        return False
    return timezone.now() < current.trained_at + PAUSE_PER_RECORD * current.n_scored


def _enough_settled(review: Review, stage: str, current: Ranking | None) -> bool:
    if current is None or current.trained_on == 0:
        # The first model needs one record of each class, nothing more: no count.
        return selectors.settled_both(review, stage)
    return _due(current, *selectors.settled_counts(review, stage))


def ranking_maybe_start(review: Review, stage: str, settings: StageSettings | None = None) -> None:
    """Queue a new model for when the current transaction commits, if one is due. Called when
    a record settles: only settled records change what a model would learn.

    Once a model exists, the settled records are counted (an aggregate over every tally of the
    stage: 15 ms at 100,000 records) at most once per `CHECK_EVERY` per stage rather than on
    every settling decision: a model is retrained every 5 % of the settled records, so a few
    seconds late is no loss.
    """
    if not (settings or selectors.stage_settings(review, stage)).ranked:
        return
    current = Ranking.objects.filter(review=review, stage=stage).first()
    if _pausing(current):
        return
    if current is not None and current.trained_on:
        now = timezone.now()
        # A conditional update, so of several settling decisions at once one counts.
        checking = Ranking.objects.filter(pk=current.pk).exclude(checked_at__gt=now - CHECK_EVERY)
        if not checking.update(checked_at=now):
            return
    if _enough_settled(review, stage, current):
        job_start(kind="ranking", review=review, user=None, params={"stage": stage})


def ranking_job(job: Job) -> dict[str, Any]:
    """The "ranking" job; a repeated or late one finds nothing due and does nothing."""
    ranking = ranking_refresh(review=job.review, stage=job.params["stage"])
    return {"stage": ranking.stage, "trained_on": ranking.trained_on}


def ranking_refresh(*, review: Review, stage: str) -> Ranking:
    """Train a model on the settled records and replace the stage's scores with a score for
    every screening unit, if due.

    Safe to run twice, even at once: a run claims the work by moving `Ranking.trained_on` to
    the count it trains on (a conditional update, so of two runs for the same records one
    wins and the other stops), and writes its scores only over a model trained on fewer
    records. A run that fails gives its claim back, so the next decision queues another.
    """
    current = Ranking.objects.filter(review=review, stage=stage).first()
    if not selectors.stage_settings(review, stage).ranked:
        return current or Ranking(review=review, stage=stage)
    if current is None:
        current, _ = Ranking.objects.get_or_create(review=review, stage=stage)
    labels = settled_labels(review, stage)
    n_included = sum(labels.values())
    if not _due(current, n_included, len(labels) - n_included):
        return current
    claim = len(labels)
    claimed = Ranking.objects.filter(pk=current.pk, trained_on=current.trained_on).update(
        trained_on=claim
    )
    if not claimed:
        return current
    try:
        # The model is trained outside any transaction: on SQLite a write transaction would
        # hold every reviewer's decision back for the whole training.
        record_ids, scores = _scores(review, stage, labels)
        return _save(current.pk, review, stage, claim, record_ids, scores, labels)
    except Exception:
        Ranking.objects.filter(pk=current.pk, trained_on=claim).update(
            trained_on=current.trained_on
        )
        raise


def _scores(review: Review, stage: str, labels: dict[int, int]) -> tuple[list[int], Any]:
    record_ids, texts = unit_texts(review, stage)
    return record_ids, ranking.rank(texts, [labels.get(pk) for pk in record_ids])


def unit_texts(review: Review, stage: str) -> tuple[list[int], list[str]]:
    """Every screening unit's id and the text the model reads: the publication a reader
    sees (reviews/publications.py), read as plain rows for speed."""
    units = selectors.screening_units(review, stage).values_list(
        "pk", *TEXT_FIELDS, "cluster__primary_id", "cluster__undone_at", "cluster__merged"
    )
    record_ids, texts = [], []
    for pk, *values, primary_id, undone_at, merged in units.iterator(chunk_size=2_000):
        fields = merged_values(
            dict(zip(TEXT_FIELDS, values, strict=True)),
            record_id=pk,
            primary_id=primary_id,
            undone_at=undone_at,
            merged=merged,
        )
        record_ids.append(pk)
        texts.append(_text(fields))
    return record_ids, texts


def _text(fields: dict[str, Any]) -> str:
    keywords = fields["keywords"]
    if isinstance(keywords, list):
        keywords = "; ".join(str(k) for k in keywords)
    return "\n".join([fields["title"], fields["translated_title"], fields["abstract"], keywords])


@transaction.atomic
def _save(ranking_id, review, stage, claim, record_ids, scores, settled) -> Ranking:
    current = Ranking.objects.select_for_update().get(pk=ranking_id)
    if current.n_included + current.n_excluded >= claim:
        # A run claimed after this one (more records had settled) finished first.
        return current
    Priority.objects.filter(review=review, stage=stage).delete()
    # Only unsettled records keep a score: the next-record query walks the scores in order.
    unsettled = [
        (pk, score) for pk, score in zip(record_ids, scores, strict=True) if pk not in settled
    ]
    for start in range(0, len(unsettled), BATCH_SIZE):
        Priority.objects.bulk_create(
            Priority(review=review, record_id=pk, stage=stage, score=float(score))
            for pk, score in unsettled[start : start + BATCH_SIZE]
        )
    # Records in conflict are closed too, without a label.
    Priority.objects.filter(
        review=review, stage=stage, record__tallies__stage=stage, record__tallies__open=False
    ).delete()
    current.trained_at = timezone.now()
    current.n_included = sum(settled.values())
    current.n_excluded = claim - current.n_included
    current.n_scored = len(record_ids)
    current.save(update_fields=["trained_at", "n_included", "n_excluded", "n_scored"])
    return current
