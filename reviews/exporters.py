"""Writing records out as RIS, CSV or JSON, streamed in import order."""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from rispy import RisWriter

from reviews.models import BIBLIOGRAPHIC_FIELDS, Record
from reviews.publications import publication_fields

FIELDS = BIBLIOGRAPHIC_FIELDS
CHUNK = 500


@dataclass(frozen=True)
class Extra:
    """Columns the stage apps add to an export (screening's status, decisions, reasons and
    notes): `describe(record ids)` gives each record's values, asked one chunk at a time."""

    columns: list[str]
    describe: Callable[[list[int]], dict[int, dict[str, str]]]


NO_EXTRA = Extra([], lambda ids: {})


def _with_extra(records: Iterable[Record], extra: Extra) -> Iterator[tuple[Record, dict]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, CHUNK)):
        values = extra.describe([r.pk for r in chunk]) if extra.columns else {}
        for record in chunk:
            yield record, values.get(record.pk, {})


# Where each record came from, as the source file wrote it (not merged with its duplicates),
# so an exported record maps back to its input row without parsing `raw`.
SOURCE_COLUMNS = ("source_index", "source_line", "source_accession", "source_pmid", "source_doi")
# The other_ids key that holds each database's own accession number (readers' keys).
_ACCESSION_KEY = {
    "embase": "embase",
    "central": "central",
    "wos": "wos",
    "scopus": "scopus",
    "cnki": "cnki",
    "wanfang": "wanfang",
}


def source_ids(record: Record) -> dict:
    """The record's position in its file and its identifiers in the source database."""
    database = record.search_import.database
    if database == "pubmed":
        accession = record.pmid
    else:
        key = _ACCESSION_KEY.get(database, "accession")
        accession = record.other_ids.get(key) or record.other_ids.get("accession", "")
    return {
        "source_index": record.source_index,
        "source_line": record.source_line,
        "source_accession": accession,
        "source_pmid": record.pmid,
        "source_doi": record.doi,
    }


def record_as_dict(record: Record) -> dict:
    cluster = record.cluster if record.cluster_id else None
    data = {"id": record.pk, **publication_fields(record)}
    data["cluster"] = cluster.pk if cluster is not None and cluster.is_active else None
    data["database"] = record.search_import.database
    data["import"] = record.search_import_id
    data.update(source_ids(record))
    data["raw"] = record.raw
    return data


def as_json(records: Iterable[Record], extra: Extra = NO_EXTRA) -> Iterator[str]:
    """A JSON array, written record by record so memory does not grow with the review."""
    yield "["
    for index, (record, values) in enumerate(_with_extra(records, extra)):
        data = {**record_as_dict(record), **{c: values.get(c, "") for c in extra.columns}}
        yield ("," if index else "") + "\n  " + json.dumps(data, ensure_ascii=False)
    yield "\n]\n"


def cell(value) -> str:
    """A CSV cell that spreadsheets show as text: a value from an untrusted export starting
    with = + - @ would otherwise run as a formula when the file is opened."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(records: Iterable[Record], extra: Extra = NO_EXTRA) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = ["id", "cluster", "database", "import", *SOURCE_COLUMNS, *FIELDS, *extra.columns]
    writer.writerow(columns)
    for record, values in _with_extra(records, extra):
        data = {**record_as_dict(record), **{c: values.get(c, "") for c in extra.columns}}
        data["authors"] = "; ".join(data["authors"])
        data["keywords"] = "; ".join(data["keywords"])
        data["other_ids"] = "; ".join(f"{k}: {v}" for k, v in record.other_ids.items())
        writer.writerow([cell(data[c]) for c in columns])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


class _UnnumberedRisWriter(RisWriter):
    # rispy numbers references ("1.") like Ovid does; reference managers don't need it.
    def set_header(self, count: int) -> str:
        return ""


def _ris_entry(record: Record, values_extra: dict | None = None) -> dict:
    values = publication_fields(record)
    start, _, end = values["pages"].partition("-")
    entry = {
        "type_of_reference": "JOUR",
        "title": values["title"],
        "authors": values["authors"],
        "year": str(values["year"] or ""),
        "secondary_title": values["journal"],
        "volume": values["volume"],
        "number": values["issue"],
        "start_page": start,
        "end_page": end,
        "doi": values["doi"],
        "abstract": values["abstract"],
        "keywords": values["keywords"],
        "language": values["language"],
        "id": str(record.pk),
        "name_of_database": record.search_import.get_database_display(),
        "accession_number": values["pmid"],
        "translated_title": values["translated_title"],
        # N1 notes: reference managers keep them, so decisions travel with the reference.
        "notes": [f"{k}: {v}" for k, v in (values_extra or {}).items() if v],
    }
    return {key: value for key, value in entry.items() if value}


def as_ris(records: Iterable[Record], extra: Extra = NO_EXTRA) -> Iterator[str]:
    writer = _UnnumberedRisWriter()
    for record, values in _with_extra(records, extra):
        yield writer.formats([_ris_entry(record, values)])
