"""What the extraction commands share: finding the review and the acting lead."""

from django.core.management.base import CommandError

from reviews.models import Membership, Review, Role


def review_and_lead(review_id: int, username: str):
    try:
        review = Review.objects.get(pk=review_id)
    except Review.DoesNotExist:
        raise CommandError(f"There is no review #{review_id}.") from None
    membership = (
        Membership.objects.select_related("user")
        .filter(review=review, user__username=username)
        .first()
    )
    if membership is None or membership.role != Role.LEAD:
        raise CommandError(f"{username} is not a lead of review #{review.pk}.")
    return review, membership.user
