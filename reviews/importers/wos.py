"""Web of Science tagged text ("Plain text file" / "Other reference software" export):
``FN``/``VR`` header, records from ``PT`` to ``ER``, ``EF`` at the end of the file; two-letter
tags, continuation lines indented by three spaces."""

import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from reviews.importers.base import ParsedRecord, Rejected, Skipped
from reviews.importers.normalise import clean, join_pages, normalise_doi, parse_year, split_list
from reviews.importers.tagged import TaggedRecord, read_tagged

NAME = "wos"
LABEL = gettext_lazy("Web of Science tagged text")

# "AU Husinka, L"; "ER" and "EF" stand alone. Exports may keep a byte-order mark.
_TAG = re.compile(r"^\ufeff?([A-Z][A-Z0-9])(?: (.*))?$")
_SNIFF_HEADER = re.compile(r"^\ufeff?FN .*(?:Web of Science|Clarivate|Thomson|ISI)", re.MULTILINE)
_SNIFF_TYPE = re.compile(r"^\ufeff?PT [A-Z]\s*$", re.MULTILINE)
_SNIFF_END = re.compile(r"^ER\s*$", re.MULTILINE)
# The file's own lines outside the records: FN (exporter) and VR (version) before the first,
# EF after the last.
_FILE_LINES = re.compile(r"\ufeff?(?:FN|VR|EF)(?: |$)")
# Fields after an ER without a PT line first are a record that lost that line: it is read.
NO_PT = gettext_noop("no PT line")


def sniff(head: str) -> bool:
    # The FN header names the exporter; files cut out of a larger export may lack it, so a
    # "PT J" line and a bare "ER" line (RIS writes "ER  -") identify the format as well.
    if not _SNIFF_TYPE.search(head):
        return False
    return bool(_SNIFF_HEADER.search(head) or _SNIFF_END.search(head))


def _items(record: TaggedRecord, tag: str) -> list[str]:
    """For list tags (AU, AF, CA …) each continuation line is one more item."""
    items = []
    for value in record.every(tag):
        items.extend(clean(part) for part in value.split("\n"))
    return [item for item in items if item]


def _text(record: TaggedRecord, *tags: str) -> str:
    return clean(record.first(*tags))


def _article_number(record: TaggedRecord) -> str:
    # "AR UNSP 1722034": UNSP marks the number as unspecified by the publisher.
    return re.sub(r"^UNSP\s+", "", _text(record, "AR"))


def _keywords(record: TaggedRecord) -> list[str]:
    keywords = []
    for value in record.every("DE", "ID"):
        keywords.extend(split_list(value.replace("\n", " ")))
    return keywords


def _other_ids(record: TaggedRecord) -> dict[str, str]:
    ids = {}
    accession = _text(record, "UT")
    if accession.upper().startswith("WOS:"):
        ids["wos"] = accession
    elif accession:  # other databases on the platform: "MEDLINE:31858815", "BCI:…"
        ids["accession"] = accession
    issn = _text(record, "SN", "EI")
    if issn:
        ids["issn"] = issn
    isbn = _text(record, "BN")
    if isbn:
        ids["isbn"] = isbn
    return ids


def _to_parsed(record: TaggedRecord) -> ParsedRecord:
    return ParsedRecord(
        title=_text(record, "TI"),
        abstract=_text(record, "AB"),
        authors=_items(record, "AF") or _items(record, "AU") or _items(record, "CA"),
        year=parse_year(record.first("PY")) or parse_year(record.first("PD", "EA")),
        journal=_text(record, "SO", "SE"),
        volume=_text(record, "VL"),
        issue=_text(record, "IS"),
        pages=join_pages(record.first("BP"), record.first("EP")) or _article_number(record),
        doi=normalise_doi(record.first("DI", "D2")),
        pmid=_text(record, "PM"),
        other_ids=_other_ids(record),
        keywords=_keywords(record),
        language=_text(record, "LA"),
        publication_type=_text(record, "DT"),
        raw=record.raw,
        line=record.line,
        warnings=[] if record.starts_with("PT") else [NO_PT],
    )


def parse(lines: Iterable[tuple[int, str]]) -> Iterator[ParsedRecord | Skipped]:
    # A record is known to be whole once the next one starts (a missing ER in mid-file is
    # harmless); only the last one can have been cut off, so it must end with ER.
    for record in read_tagged(
        lines,
        tag_line=_TAG,
        is_start=lambda tag: tag == "PT",
        is_end=lambda tag: tag == "ER",
        continuation=lambda line: line.strip(),
        # Keep line breaks for now: they separate the items of list tags (authors, cited
        # references); clean() turns them into spaces in the text fields.
        joiner="\n",
        ignore=_FILE_LINES.match,
    ):
        if isinstance(record, Skipped):
            yield record
            continue
        if record.cut_off:
            yield Rejected(
                _(
                    "the file ends inside this record (no ER line), so it looks cut off; "
                    "export it from Web of Science again"
                ),
                line=record.line,
            )
            continue
        yield _to_parsed(record)
