from celery import shared_task

from reviews.models import Review
from screening.prioritisation import ranking_refresh


@shared_task
def refresh_ranking(review_id: int, stage: str) -> None:
    """Retrain a stage's relevance model (queued by `prioritisation.ranking_maybe_start`);
    a repeated or late message finds nothing due and does nothing."""
    review = Review.objects.filter(pk=review_id).first()
    if review is not None:  # deleted since the message was queued
        ranking_refresh(review=review, stage=stage)
