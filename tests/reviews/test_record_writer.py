"""The record writer stores exactly the values given, on SQLite (bulk INSERT) and on
PostgreSQL (COPY) alike: this file runs in both CI passes."""

from reviews.models import Record
from reviews.record_writer import write_records
from tests.factories import completed_import

AWKWARD = [
    "Tabs\there, a backslash \\N and \\\\, quotes \" ' and a newline\nin the middle",
    "自体脂肪移植治疗萎缩性痤疮瘢痕 (synthetic), full-width ：；，",
    "Emoji and combining marks: e\u0301 \U0001f9ea",
    "",
]


def test_written_records_read_back_identically(review, lead):
    search_import = completed_import(review=review, user=lead)
    batch = [
        Record(
            review=review,
            search_import=search_import,
            source_index=i,
            source_line=10 * i,
            title=text or "untitled (synthetic)",
            abstract=text,
            authors=["王伟", "Doe, J\\r", text] if text else [],
            year=None if i % 2 else 2001 + i,
            journal=text[:40],
            doi=f"10.5555/syn.{i}",
            other_ids={"cnki": text[:10], "url": "https://example.org/?a=1&b=\\t"},
            keywords=[text, "kw"],
            raw=text + "\r\nER  - ",
        )
        for i, text in enumerate(AWKWARD, start=1)
    ]
    expected = [
        {
            f: getattr(r, f)
            for f in (
                "source_index",
                "source_line",
                "title",
                "abstract",
                "authors",
                "year",
                "journal",
                "doi",
                "other_ids",
                "keywords",
                "raw",
            )
        }
        for r in batch
    ]
    write_records(batch)
    stored = list(Record.objects.order_by("source_index").values(*expected[0].keys()))
    assert stored == expected
    assert all(r.pk for r in Record.objects.all())
