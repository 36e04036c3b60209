"""The reviews app's answers to its own signals."""

from django.db import transaction
from django.dispatch import receiver

from reviews.deduplication import dedup_start
from reviews.models import SearchImport
from reviews.signals import records_imported


@receiver(records_imported)
def look_for_duplicates(sender, search_import: SearchImport, **kwargs) -> None:
    """New records may duplicate earlier ones: look again once they are committed."""
    transaction.on_commit(
        lambda: dedup_start(review=search_import.review, user=search_import.uploaded_by)
    )
