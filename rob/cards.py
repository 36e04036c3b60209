"""Risk of bias's stage card on the review dashboard (registered in `RobConfig.ready`)."""

from dataclasses import replace

from django.urls import reverse
from django.utils.translation import gettext as _

from reviews.hooks import StageCard
from reviews.models import Review
from rob.models import Assessment, Assignment


def stage_card(review: Review) -> StageCard:
    card = StageCard(
        key="risk_of_bias",
        label=_("Risk of bias"),
        description=_("RoB 2, ROBINS-I, RoB 1 or NOS, dual with consensus."),
        url=reverse("rob:assignments", args=[review.pk]),
    )
    assigned = Assignment.objects.filter(review=review).count()
    if not assigned:
        return card
    consensus = Assessment.objects.filter(
        review=review, assessor__isnull=True, status=Assessment.Status.DONE
    ).count()
    started = Assessment.objects.filter(review=review).exists()
    status = "done" if consensus == assigned else ("in_progress" if started else "not_started")
    return replace(card, status=status, counts={_("Assigned"): assigned, _("Consensus"): consensus})
