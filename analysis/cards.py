"""The Analysis card on the review dashboard (registered in `AnalysisConfig.ready`)."""

from dataclasses import replace

from django.urls import reverse
from django.utils.translation import gettext as _

from analysis import selectors
from reviews.hooks import StageCard
from reviews.models import Review


def stage_card(review: Review) -> StageCard:
    card = StageCard(
        key="analysis",
        label=_("Analysis"),
        description=_("Meta-analyses, plots and the summary of findings."),
        url=reverse("analysis:plans", args=[review.pk]),
    )
    counts = selectors.analysis_card_counts(review)
    if not counts["plans"]:
        return card
    status = "done" if counts["finished"] else "in_progress"
    shown: dict[str, int | str] = {
        _("Plans"): counts["plans"],
        _("Runs"): counts["runs"],
        _("Finished"): counts["finished"],
    }
    return replace(card, status=status, counts=shown)
