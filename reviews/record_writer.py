"""Writing a batch of imported records: the one place that knows how, per database.

On PostgreSQL the rows go in with COPY, which is about three times faster than Django's
bulk INSERT for large imports (bench/RESULTS.md, "Import"); elsewhere bulk_create. Both
write the same values: tests/reviews/test_record_writer.py checks it on both databases.
"""

import json

from django.db import connection, reset_queries

from reviews.models import BIBLIOGRAPHIC_FIELDS, Record

_COLUMNS = (
    "review_id",
    "search_import_id",
    "source_index",
    "source_line",
    *BIBLIOGRAPHIC_FIELDS,
    "raw",
)
_JSON = {"authors", "other_ids", "keywords"}


def write_records(batch: list[Record]) -> None:
    if connection.vendor == "postgresql":
        _copy(batch)
    else:
        Record.objects.bulk_create(batch)
    # With DEBUG on, Django keeps the text of every query; an import's batches would
    # otherwise hold the whole file in memory a second time.
    reset_queries()


def _copy(batch: list[Record]) -> None:
    table = Record._meta.db_table
    sql = f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for record in batch:
            copy.write_row(
                [
                    json.dumps(getattr(record, c)) if c in _JSON else getattr(record, c)
                    for c in _COLUMNS
                ]
            )
