"""The stopping estimate of a review's screening stage (the test is `screening.stopping`), and
a lead's recorded decision to stop.

The test reads the records screened in the order they were screened. With blinding on, only
settled records count (agreed by every required reviewer, or resolved), in the order they
settled: a count that moved with one reviewer's pending vote would hint at it to a lead who
also screens. With blinding off, a record counts from its first decision, as an include when
it is settled as one or, while unsettled, when anyone said include or maybe (counting a
doubtful record as an include can only make the estimate screen on longer).
"""

from __future__ import annotations

import hashlib

import numpy as np
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews.audit import audit_record
from reviews.jobs import job_start
from reviews.models import Job, Review
from screening import prioritisation, selectors, stopping
from screening.access import access_of
from screening.models import (
    Decision,
    Priority,
    Ranking,
    Resolution,
    Stage,
    StageSettings,
    StoppingDecision,
    Tally,
)

BATCH_SIZE = 5_000
# The cache key holds the state of the screening, so an answer stays right as long as it is kept.
CACHE_SECONDS = 24 * 3600
QUEUED_SECONDS = 600

# The methods as people read them; `stopping.METHOD` and `RANDOM_METHOD` are stored as they are.
METHOD_LABELS = {
    stopping.METHOD: gettext_lazy(
        "Hypergeometric stopping criterion (Callaghan & Müller-Hansen 2020, buscar)"
    ),
    stopping.RANDOM_METHOD: gettext_lazy(
        "Hypergeometric random-sampling stopping criterion (Callaghan & Müller-Hansen 2020, buscar)"
    ),
}


def method_label(method: str) -> str:
    return str(METHOD_LABELS.get(method, method))


def screened_labels(review: Review, stage: str) -> tuple[list[int], int, int | None]:
    """(1 or 0 per screened record in the order screened, the number of records screened at
    the stage in all, and while the stage is in random order how many of the last labels are
    the random sample: records first decided since random order was switched on)."""
    settings = selectors.stage_settings(review, stage)
    units = set(selectors.screening_units(review, stage).values_list("pk", flat=True))
    included = set(selectors.included(review, stage).values_list("pk", flat=True))
    excluded = set(selectors.excluded(review, stage).values_list("pk", flat=True))
    labels = dict.fromkeys(included, 1) | dict.fromkeys(excluded, 0)
    if not settings.blinded:
        touched = Tally.objects.filter(review=review, stage=stage, n_decisions__gt=0)
        for pk, n_decisions, n_exclude in touched.values_list(
            "record_id", "n_decisions", "n_exclude"
        ):
            # Unsettled: an include or a maybe among its decisions makes it a possible include.
            labels.setdefault(pk, int(n_exclude < n_decisions))
    decided = (
        Decision.objects.filter(review=review, stage=stage)
        .values("record_id")
        .annotate(first=Min("created_at"), last=Max("updated_at"))
    )
    when, first = {}, {}
    for row in decided:
        when[row["record_id"]], first[row["record_id"]] = row["last"], row["first"]
    when.update(
        Resolution.objects.filter(review=review, stage=stage).values_list(
            "record_id", "resolved_at"
        )
    )
    since = settings.random_since if settings.random_order else None

    def sampled(pk: int) -> bool:
        # A record a reviewer had opened before the switch was chosen by the model, not drawn.
        return since is not None and pk in first and first[pk] >= since

    order = sorted(
        (pk for pk in labels if pk in units and pk in when),
        key=lambda pk: (sampled(pk), when[pk], pk),
    )
    n_sampled = sum(map(sampled, order)) if since is not None else None
    return [labels[pk] for pk in order], len(units), n_sampled


def _cache_key(review: Review, stage: str) -> str:
    """What the estimate depends on, in a few aggregate queries (not the labels themselves,
    which take seconds to read at tens of thousands of records): any decision made, changed
    or taken back, any resolution, the records and the stage's settings change the key."""
    settings = selectors.stage_settings(review, stage)
    decisions = Decision.objects.filter(review=review, stage=stage).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    resolutions = Resolution.objects.filter(review=review, stage=stage).aggregate(
        n=Count("pk"), last=Max("resolved_at")
    )
    state = (
        selectors.screening_units(review, stage).count(),
        decisions["n"],
        decisions["last"],
        resolutions["n"],
        resolutions["last"],
        settings.blinded,
        settings.reviewers_required,
        settings.recall_target,
        settings.stopping_confidence,
        settings.random_order and settings.random_since,
    )
    digest = hashlib.sha256(repr(state).encode()).hexdigest()
    return f"stopping:{review.pk}:{stage}:{digest}"


def stage_stopping(review: Review, stage: str) -> stopping.StoppingEstimate:
    """The stopping test for the stage now, at the target and confidence a lead set."""
    # The test takes seconds at tens of thousands of records screened, and the panel asks
    # every minute: keep each answer until the screening changes.
    key = _cache_key(review, stage)
    found = cache.get(key)
    if found is None:
        settings = selectors.stage_settings(review, stage)
        labels, n_total, sampled = screened_labels(review, stage)
        found = stopping.stopping_estimate(
            labels,
            n_total,
            target=settings.recall_target,
            confidence=settings.stopping_confidence,
            sampled=sampled,
        )
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found


def stage_stopping_cached(review: Review, stage: str) -> stopping.StoppingEstimate | None:
    """The estimate if it is already counted for the screening as it stands, else None, and
    a "stopping" job queued to count it (at most one every `CACHE_SECONDS` per state): for
    the dashboard, which must never run the test itself."""
    key = _cache_key(review, stage)
    found = cache.get(key)
    if found is None and cache.add(f"{key}:queued", True, timeout=QUEUED_SECONDS):
        job_start(kind="stopping", review=review, user=None, params={"stage": stage})
    return found


def stopping_job(job: Job) -> dict[str, object]:
    """The "stopping" job: count the estimate into the cache (a repeat finds it there)."""
    found = stage_stopping(job.review, job.params["stage"])
    return {"stage": job.params["stage"], "screened": found.n_screened, "reached": found.reached}


def stopping_of(review: Review, stage: str) -> StoppingDecision | None:
    return StoppingDecision.objects.filter(review=review, stage=stage).first()


@transaction.atomic
def stopping_record(*, lead: User, review: Review, stage: str) -> StoppingDecision:
    """Record a lead's decision to stop screening the stage, with the estimate at this moment
    (whether or not it reached the target: the decision is the lead's)."""
    if not access_of(lead, review, stage).can_configure:
        raise PermissionDenied(_("Only a lead of this review can decide that screening stops."))
    if stopping_of(review, stage) is not None:
        raise ValidationError(_already_stopped(stage))
    found = stage_stopping(review, stage)
    try:
        with transaction.atomic():
            decision = StoppingDecision.objects.create(
                review=review,
                stage=stage,
                decided_by=lead,
                n_screened=found.n_screened,
                n_total=found.n_total,
                includes_found=found.includes_found,
                remaining_estimate=found.remaining_estimate,
                remaining_upper=found.remaining_upper,
                recall_target=found.target,
                confidence=found.confidence,
                p_value=found.p_value,
                reached=found.reached,
                method=found.method,
            )
    except IntegrityError as exc:  # another lead's click got there first
        raise ValidationError(_already_stopped(stage)) from exc
    audit_record(
        actor=lead,
        review=review,
        action="screening.stopped",
        obj=decision,
        changes={
            "stage": [None, stage],
            "screened": [None, found.n_screened],
            "records": [None, found.n_total],
            "includes_found": [None, found.includes_found],
            "remaining_estimate": [None, found.remaining_estimate],
            "remaining_upper": [None, found.remaining_upper],
            "recall_target": [None, found.target],
            "confidence": [None, found.confidence],
            "p_value": [None, found.p_value],
            "target_reached": [None, found.reached],
            "method": [None, found.method],
        },
    )
    return decision


@transaction.atomic
def stopping_withdraw(*, lead: User, review: Review, stage: str) -> None:
    """Take back a decision to stop: screening goes on and the report no longer says it
    stopped (the audit log keeps both)."""
    if not access_of(lead, review, stage).can_configure:
        raise PermissionDenied(_("Only a lead of this review can take back a decision to stop."))
    decision = StoppingDecision.objects.select_for_update().filter(review=review, stage=stage)
    found = decision.first()
    if found is None:
        raise ValidationError(
            _("%(stage)s screening is not recorded as stopped.") % {"stage": Stage(stage).label}
        )
    audit_record(
        actor=lead,
        review=review,
        action="screening.stop_withdrawn",
        obj=found,
        changes={"stage": [stage, None], "screened": [found.n_screened, None]},
    )
    found.delete()


def _already_stopped(stage: str) -> str:
    return _("%(stage)s screening is already recorded as stopped.") % {"stage": Stage(stage).label}


def stopping_sentence(decision: StoppingDecision) -> str:
    """The methods text for a stop: what was screened and what the estimate said, in the
    language of the request."""
    values = {
        "target": f"{decision.recall_target:.0%}",
        "confidence": f"{decision.confidence:.0%}",
    }
    test = (
        _("random-sampling stopping criterion (on records screened in random order)")
        if decision.method == stopping.RANDOM_METHOD
        else _("stopping criterion")
    )
    said = (
        _("the estimated recall had reached %(target)s with %(confidence)s confidence") % values
        if decision.reached
        else _("the estimate had not shown %(target)s recall with %(confidence)s confidence")
        % values
    )
    return _(
        "%(stage)s screening stopped after %(screened)s of %(total)s records, when %(said)s "
        "(%(found)s includes found; at most %(upper)s estimated still unscreened, point "
        "estimate %(estimate)s; p = %(p)s), by the hypergeometric %(test)s of Callaghan and "
        "Müller-Hansen (Syst Rev 2020;9:273)."
    ) % {
        "stage": Stage(decision.stage).label,
        "screened": number_format(decision.n_screened, force_grouping=True),
        "total": number_format(decision.n_total, force_grouping=True),
        "said": said,
        "found": decision.includes_found,
        "upper": decision.remaining_upper,
        "estimate": decision.remaining_estimate,
        "p": f"{decision.p_value:.3f}",
        "test": test,
    }


def stopping_sentences(review: Review) -> list[str]:
    """The methods text of every stage whose screening a lead recorded as stopped."""
    stops = StoppingDecision.objects.filter(review=review).order_by("-stage")
    return [stopping_sentence(decision) for decision in stops]


def random_order_set(*, lead: User, review: Review, stage: str, on: bool) -> StageSettings:
    """Switch the stage to random order (a random sample of the unscreened records, which the
    stopping test can rely on) or back to the relevance model's order.

    Random order is a fresh random score for every open record, in the scores the next-record
    query already walks. Switching back drops them and asks for a new model; until it is
    trained the records come in import order.
    """
    if not access_of(lead, review, stage).can_configure:
        raise PermissionDenied(_("Only a lead of this review can change the order of screening."))
    with transaction.atomic():
        current, _created = StageSettings.objects.select_for_update().get_or_create(
            review=review, stage=stage
        )
        if current.random_order == on:
            return current
        current.random_order = on
        current.random_since = timezone.now() if on else None
        current.save(update_fields=["random_order", "random_since"])
        selectors.stage_settings_forget(review)
        Priority.objects.filter(review=review, stage=stage).delete()
        if on:
            _random_scores(review, stage)
        else:
            Ranking.objects.filter(review=review, stage=stage).update(
                trained_on=0, trained_at=None, n_included=0, n_excluded=0, n_scored=0
            )
        audit_record(
            actor=lead,
            review=review,
            action="screening.random_order",
            obj=current,
            changes={"stage": [stage, stage], "random_order": [not on, on]},
        )
    if not on:
        prioritisation.ranking_maybe_start(review, stage)
    return current


def _random_scores(review: Review, stage: str) -> None:
    closed = Tally.objects.filter(review=review, stage=stage, open=False).values("record_id")
    units = selectors.screening_units(review, stage).exclude(pk__in=closed)
    ids = list(units.values_list("pk", flat=True))
    # Not seeded: the order must be unpredictable to anyone who could steer it.
    scores = np.random.default_rng().random(len(ids))
    for start in range(0, len(ids), BATCH_SIZE):
        Priority.objects.bulk_create(
            Priority(review=review, record_id=pk, stage=stage, score=float(score))
            for pk, score in zip(
                ids[start : start + BATCH_SIZE], scores[start : start + BATCH_SIZE], strict=True
            )
        )
