"""Screening's answers to the other apps' signals."""

from django.dispatch import receiver

from reviews.models import SearchImport
from reviews.signals import records_imported
from screening.tallies import tallies_create


@receiver(records_imported)
def count_in_imported_records(sender, search_import: SearchImport, **kwargs) -> None:
    record_ids = search_import.records.order_by("pk").values_list("pk", flat=True)
    tallies_create(search_import.review, record_ids.iterator(chunk_size=5_000))
