"""Screening's answers to the other apps' signals."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from reviews.models import SearchImport
from reviews.signals import records_imported
from screening.models import FullText
from screening.tallies import tallies_create


@receiver(records_imported)
def count_in_imported_records(sender, search_import: SearchImport, **kwargs) -> None:
    record_ids = search_import.records.order_by("pk").values_list("pk", flat=True)
    tallies_create(search_import.review, record_ids.iterator(chunk_size=5_000))


@receiver(post_delete, sender=FullText)
def delete_the_pdf(sender, instance: FullText, **kwargs) -> None:
    """A report's PDF goes from storage once its row is gone for good (also when its record
    or review is deleted)."""
    if instance.file:
        transaction.on_commit(partial(instance.file.storage.delete, instance.file.name))
