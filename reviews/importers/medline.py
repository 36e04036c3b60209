"""PubMed's MEDLINE / .nbib tagged text: 4-character padded tags, 6-space continuations."""

import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_noop

from reviews.importers.base import ParsedRecord, Skipped
from reviews.importers.normalise import clean, normalise_doi, parse_year
from reviews.importers.tagged import TaggedRecord, read_tagged, with_skipped

NAME = "medline"
LABEL = "PubMed MEDLINE/.nbib"

_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")
_SNIFF = re.compile(r"^PMID- ?\d", re.MULTILINE)
# Fields after a blank line without a PMID line first are a record that lost that line: it
# is read, without its PMID.
NO_PMID = gettext_noop("no PMID line")


def sniff(head: str) -> bool:
    return bool(_SNIFF.search(head))


def _continuation(line: str) -> str | None:
    return line.strip() if line.startswith(("      ", "\t")) else None


def _doi(record) -> str:
    # LID and AID carry several identifiers, each labelled: "10.1055/… [doi]", "S0… [pii]".
    for value in record.every("LID", "AID"):
        if value.rstrip().lower().endswith("[doi]"):
            return normalise_doi(value)
    return ""


def parse(lines: Iterable[tuple[int, str]]) -> Iterator[ParsedRecord | Skipped]:
    records = read_tagged(
        lines,
        tag_line=_TAG,
        is_start=lambda tag: tag == "PMID",
        blank_ends_record=True,
        continuation=_continuation,
    )
    return with_skipped(records, _parsed)


def _parsed(record: TaggedRecord) -> ParsedRecord:
    # Each tag's first value, found in one pass instead of a scan of the record per field
    # (reversed, so that a repeated tag keeps its first value).
    firsts = dict(reversed(record.fields))

    def first(*tags: str) -> str:
        return next((firsts[tag] for tag in tags if tag in firsts), "")

    other_ids = {}
    pmcid = first("PMC")
    if pmcid:
        other_ids["pmcid"] = pmcid
    issn = first("IS")
    if issn:
        other_ids["issn"] = clean(issn.split("(")[0])
    return ParsedRecord(
        title=clean(first("TI", "BTI")),
        abstract=clean(first("AB")),
        authors=[clean(a) for a in record.every("FAU")] or [clean(a) for a in record.every("AU")],
        year=parse_year(first("DP", "DEP")),
        journal=clean(first("JT", "TA")),
        volume=clean(first("VI")),
        issue=clean(first("IP")),
        pages=clean(first("PG")),
        doi=_doi(record),
        pmid=clean(first("PMID")),
        other_ids=other_ids,
        keywords=[clean(k) for k in record.every("OT", "MH")],
        language=clean(first("LA")),
        publication_type="; ".join(clean(p) for p in record.every("PT")),
        translated_title=clean(first("TT")),
        raw=record.raw,
        line=record.line,
        warnings=[] if record.starts_with("PMID") else [NO_PMID],
    )
