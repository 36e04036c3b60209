"""Extraction's answers to the other apps' signals."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from extraction.models import ExtractionLock
from reviews.models import Review


@receiver(pre_delete, sender=Review)
def unlock_a_review_being_deleted(sender, instance: Review, **kwargs) -> None:
    """A review goes with its extraction data: its lock row goes first (in the same
    transaction), or the triggers would refuse to delete the locked data."""
    ExtractionLock.objects.filter(review=instance).delete()
