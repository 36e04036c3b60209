"""Extraction's stage card on the review dashboard (registered in `ExtractionConfig.ready`)."""

from dataclasses import replace

from django.urls import reverse
from django.utils.translation import gettext as _

from extraction import selectors
from reviews.hooks import StageCard
from reviews.models import Review


def stage_card(review: Review) -> StageCard:
    card = StageCard(
        key="extraction",
        label=_("Extraction"),
        description=_("Study and outcome data, dual with consensus, then locked."),
        url=reverse("extraction:studies", args=[review.pk]),
    )
    counts = selectors.extraction_progress(review)
    lock = selectors.lock_of(review)
    if not counts["studies"] and lock is None:
        return card
    shown: dict[str, int | str] = {
        _("Studies"): counts["studies"],
        _("Started"): counts["started"],
        _("Consensus"): counts["consensus"],
    }
    if lock is not None:
        shown[_("Snapshot")] = f"v{lock.snapshot.version}"
    started = counts["started"] or counts["consensus"]
    status = "done" if lock is not None else ("in_progress" if started else "not_started")
    return replace(card, status=status, counts=shown)
