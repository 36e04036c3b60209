"""Synthetic records for the deduplication page and API tests (made-up titles, test DOIs)."""

from reviews.models import DuplicatePair, Record, SearchImport
from reviews.signals import records_imported
from tests.factories import completed_import


def make_import(review, user, database: str, titles: list[tuple[str, str]]) -> list[Record]:
    search_import = completed_import(
        review=review,
        user=user,
        database=database,
        file_name=f"{database}.ris",
        file_sha256=database * 4,
    )
    records = [
        Record.objects.create(
            review=review,
            search_import=search_import,
            source_index=i,
            source_line=i,
            title=title,
            doi=doi,
            year=2020,
            raw=f"TI  - {title}",
        )
        for i, (title, doi) in enumerate(titles, start=1)
    ]
    # What a completed import announces (screening counts the records in).
    records_imported.send(sender=SearchImport, search_import=search_import)
    return records


def pending_pair(review, a: Record, b: Record) -> DuplicatePair:
    """The two records as a pair waiting for a person (replacing what a deduplication run
    after `make_import` may have found for them)."""
    first, second = sorted([a, b], key=lambda r: r.pk)
    pair, _ = DuplicatePair.objects.update_or_create(
        record_a=first,
        record_b=second,
        defaults={
            "review": review,
            "score": 0.8,
            "rule": "fuzzy",
            "fields": {"title": 0.9, "year": 1.0},
            "status": DuplicatePair.Status.PENDING,
        },
    )
    return pair
