"""Screening's stage cards on the review dashboard (registered in `ScreeningConfig.ready`)."""

from dataclasses import replace

from django.urls import reverse

from reviews.hooks import StageCard
from reviews.models import Review
from screening import selectors
from screening.agreement_summary import stage_agreement
from screening.models import Stage

DESCRIPTIONS = {
    Stage.TITLE_ABSTRACT: "Dual, blinded screening of titles and abstracts.",
    Stage.FULL_TEXT: "Full-text screening with exclusion reasons.",
}


def stage_card(review: Review, stage: str) -> StageCard:
    card = StageCard(
        key=stage,
        label=Stage(stage).label,
        description=DESCRIPTIONS[stage],
        # A viewer cannot screen: the card opens the stage's records, which a viewer can read.
        url=reverse(
            "screening:screen" if review.membership.can_write else "screening:records",
            args=[review.pk, stage],
        ),
    )
    if not review.decisions.filter(stage=stage).exists():
        return card
    units = selectors.screening_units(review, stage).count()
    included = selectors.included(review, stage).count()
    excluded = selectors.excluded(review, stage).count()
    conflicts = selectors.conflicts(review, stage).count()
    pending = units - included - excluded - conflicts
    kappa = stage_agreement(review, stage)["kappa"]
    return replace(
        card,
        status="done" if not pending and not conflicts else "in_progress",
        counts={
            "Included": included,
            "Excluded": excluded,
            "Conflicts": conflicts,
            "Pending": pending,
            **({"Kappa": f"{kappa:.2f}"} if kappa is not None else {}),
            **_stopping_counts(review, stage),
        },
    )


def _stopping_counts(review: Review, stage: str) -> dict[str, int | str]:
    """The stopping estimate in brief (screening/stopping.py): includes still unscreened and
    whether the recall target is reached; or the lead's recorded stop. Only an estimate
    already counted is shown: the dashboard never runs the test."""
    # Imported here: the estimate's scipy stack would add half a second to the start of every
    # command and worker process, most of which never draw a dashboard.
    from screening.stopping_review import stage_stopping_cached, stopping_of

    stopped = stopping_of(review, stage)
    if stopped is not None:
        return {"Stopped": f"after {stopped.n_screened:,} of {stopped.n_total:,}"}
    found = stage_stopping_cached(review, stage)
    if found is None:
        # Counting it takes seconds at tens of thousands of records: a job does it.
        return {"Includes left (est.)": "estimate being computed"}
    target = f"{found.target:.0%} recall"
    return {
        "Includes left (est.)": f"{found.remaining_estimate} (≤ {found.remaining_upper})",
        target: f"{'reached' if found.reached else 'not yet'} ({found.confidence:.0%} conf.)",
    }
