"""The Cochrane Library's plain-text export (CENTRAL trials, Cochrane Reviews): a header, then
records that begin ``Record #1 of 25`` followed by ``ID: CN-…``, ``AU:`` (repeated), ``TI:``,
``SO:``, ``YR:``, ``AB:``, ``US:`` … lines.
"""

import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy, gettext_noop

from reviews.importers.base import ParsedRecord, Skipped
from reviews.importers.normalise import (
    clean,
    normalise_doi,
    parse_year,
    split_joined_names,
    split_list,
)
from reviews.importers.tagged import TaggedRecord, read_tagged, start_or_repeat, with_skipped

NAME = "cochrane"
LABEL = gettext_lazy("Cochrane Library plain text (Record #, ID: CN-…)")

# Only the export's own tags count: an abstract that wraps onto a line such as
# "AIM: to compare…" must continue the abstract, not start a field.
_TAG = re.compile(
    r"^\ufeff?(Record(?= #)|ID|AU|TI|SO|YR|VL|NO|PG|XR|PT|KY|DOI|AB|US|PM|CC|EM|SD|CY)"
    r"(?: #|:) ?(.*)$"
)
_SNIFF_START = re.compile(r"^\ufeff?Record #\d+ of \d+", re.MULTILINE)
_SNIFF_FIELD = re.compile(r"^(?:ID: CN-\d|ID: CD\d|TI: \S|AU: \S)", re.MULTILINE)
_CENTRAL = re.compile(r"\bCN-\d{6,}\b")
_DIGITS = re.compile(r"\b(\d{5,10})\b")
# A record has one ID and one TI: a second one begins a record whose "Record #" line was
# lost, which is read with a warning instead of being merged into the record before it.
_ONCE = ("ID", "TI")
NO_RECORD_LINE = gettext_noop("no “Record #” line")


def sniff(head: str) -> bool:
    return bool(_SNIFF_START.search(head) and _SNIFF_FIELD.search(head))


def _authors(record: TaggedRecord) -> list[str]:
    authors = []
    for value in record.every("AU"):
        authors.extend(split_list(value) if ";" in value else [clean(value)])
    return split_joined_names([a for a in authors if a])


def _other_ids(record: TaggedRecord) -> dict[str, str]:
    ids: dict[str, str] = {}
    record_id = clean(record.first("ID"))
    url = clean(record.first("US"))
    central = _CENTRAL.search(record_id) or _CENTRAL.search(url)
    if central:
        ids["central"] = central.group(0)
    elif record_id:
        ids["accession"] = record_id  # a Cochrane Review's CD number, for instance
    # Cross-references: "XR: EMBASE 617519046"; stored as an L-number like Embase's RIS.
    for value in record.every("XR"):
        embase = re.match(r"EMBASE\s+L?(\d+)", clean(value), re.IGNORECASE)
        if embase:
            ids.setdefault("embase", f"L{embase.group(1)}")
    if url:
        ids["url"] = url
    return ids


def _pmid(record: TaggedRecord) -> str:
    # "PM: PUBMED 28373437"
    match = _DIGITS.search(record.first("PM"))
    return match.group(1) if match else ""


def parse(lines: Iterable[tuple[int, str]]) -> Iterator[ParsedRecord | Skipped]:
    # The export begins with a header (the library's name, the database, the search).
    records = read_tagged(
        lines, tag_line=_TAG, is_start=start_or_repeat("Record", _ONCE), header=True
    )
    return with_skipped(records, _parsed)


def _parsed(record: TaggedRecord) -> ParsedRecord:
    return ParsedRecord(
        title=clean(record.first("TI")),
        abstract=clean(record.first("AB")),
        authors=_authors(record),
        year=parse_year(record.first("YR")),
        journal=clean(record.first("SO")),
        volume=clean(record.first("VL")),
        issue=clean(record.first("NO")),
        pages=clean(record.first("PG")),
        doi=normalise_doi(record.first("DOI")),
        pmid=_pmid(record),
        other_ids=_other_ids(record),
        keywords=[k for value in record.every("KY") for k in split_list(value)],
        publication_type=clean(record.first("PT")),
        raw=record.raw,
        line=record.line,
        warnings=[] if record.starts_with("Record") else [NO_RECORD_LINE],
    )
