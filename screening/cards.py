"""Screening's stage cards on the review dashboard (registered in `ScreeningConfig.ready`)."""

from dataclasses import replace

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews.hooks import StageCard
from reviews.models import Review
from screening import selectors
from screening.agreement_summary import stage_agreement
from screening.models import Stage

DESCRIPTIONS = {
    Stage.TITLE_ABSTRACT: gettext_lazy("Dual, blinded screening of titles and abstracts."),
    Stage.FULL_TEXT: gettext_lazy("Full-text screening with exclusion reasons."),
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
            _("Included"): included,
            _("Excluded"): excluded,
            _("Conflicts"): conflicts,
            _("Pending"): pending,
            # Translators: Cohen's or Fleiss' kappa, the agreement between reviewers.
            **({_("Kappa"): number_format(kappa, 2)} if kappa is not None else {}),
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
        after = _("after %(screened)s of %(total)s") % {
            "screened": number_format(stopped.n_screened, force_grouping=True),
            "total": number_format(stopped.n_total, force_grouping=True),
        }
        return {_("Stopped"): after}
    found = stage_stopping_cached(review, stage)
    if found is None:
        # Counting it takes seconds at tens of thousands of records: a job does it.
        return {_("Includes left (est.)"): _("estimate being computed")}
    target = _("%(target)s recall") % {"target": f"{found.target:.0%}"}
    confidence = f"{found.confidence:.0%}"
    return {
        _("Includes left (est.)"): f"{found.remaining_estimate} (≤ {found.remaining_upper})",
        target: (
            _("reached (%(confidence)s conf.)") % {"confidence": confidence}
            if found.reached
            else _("not yet (%(confidence)s conf.)") % {"confidence": confidence}
        ),
    }
