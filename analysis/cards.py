"""The Analysis card on the review dashboard (registered in `AnalysisConfig.ready`)."""

from dataclasses import replace

from django.urls import reverse

from analysis import selectors
from reviews.hooks import StageCard
from reviews.models import Review


def stage_card(review: Review) -> StageCard:
    card = StageCard(
        key="analysis",
        label="Analysis",
        description="Meta-analyses, plots and the summary of findings.",
        url=reverse("analysis:plans", args=[review.pk]),
    )
    counts = selectors.analysis_card_counts(review)
    if not counts["plans"]:
        return card
    status = "done" if counts["finished"] else "in_progress"
    shown: dict[str, int | str] = {
        "Plans": counts["plans"],
        "Runs": counts["runs"],
        "Finished": counts["finished"],
    }
    return replace(card, status=status, counts=shown)
