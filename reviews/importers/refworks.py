"""RefWorks tagged text as CNKI and Wanfang export it: ``RT Journal Article``, then two-letter
tags and a space (``A1`` repeated, ``T1``, ``JF``, ``YR``, ``K1``, ``AB``, ``DS`` …).

Records are separated by blank lines, and ``RT`` also starts one.
"""

import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy, gettext_noop

from reviews.importers.base import ParsedRecord, Skipped
from reviews.importers.cnki import (
    abstract_text,
    chinese_doi,
    ids_from_url,
    issn_or_isbn,
    language,
    split_keywords,
    split_names,
)
from reviews.importers.endnote_refer import read_blank_separated
from reviews.importers.normalise import clean, join_pages, parse_year
from reviews.importers.tagged import TaggedRecord, with_skipped

NAME = "refworks"
LABEL = gettext_lazy("RefWorks tagged (CNKI, Wanfang)")

# The tags of the RefWorks tagged format. Only these count as tags, in upper case, so that a
# wrapped abstract line such as "no difference was…" does not read as the tag NO. Lower-case "vo"
# is accepted for the volume as some CNKI exports are said to write it (not in our samples).
_TAG = re.compile(
    r"^\ufeff?(RT|SR|ID|A[1-6]|T[1-36]|JF|JO|YR|FD|VO|vo|IS|SP|OP|K1|AB|NO|ED|PB|PP|SN|AV|AD|AN|"
    r"LA|CL|SF|OT|LK|DO|CN|DB|DS|IP|RD|ST|U[1-5]|UL|WT|WP|WV)(?: (.*))?$"
)
_SNIFF_START = re.compile(r"^\ufeff?RT [A-Za-z]", re.MULTILINE)
_SNIFF_FIELD = re.compile(r"^(?:SR|A1|T1|JF|YR|K1) \S", re.MULTILINE)


def sniff(head: str) -> bool:
    return bool(_SNIFF_START.search(head) and _SNIFF_FIELD.search(head))


def _upper_tags(record: TaggedRecord) -> TaggedRecord:
    record.fields = [(tag.upper(), value) for tag, value in record.fields]
    return record


def _pages(record: TaggedRecord) -> str:
    # The format has SP (start) and OP (other pages: the end); CNKI puts "168-170" in OP.
    start, other = clean(record.first("SP")), clean(record.first("OP"))
    if start and "-" not in start and "-" not in other:
        return join_pages(start, other)
    return start or other


def _url(record: TaggedRecord) -> str:
    return next((url for url in record.every("UL", "LK") if clean(url)), "")


# A record without its RT line is read with a warning, its type unknown.
NO_TYPE = gettext_noop("no RT line (record type unknown)")


def parse(lines: Iterable[tuple[int, str]]) -> Iterator[ParsedRecord | Skipped]:
    records = read_blank_separated(lines, tag_line=_TAG, start="RT", title="T1")
    return with_skipped(records, _parsed)


def _parsed(tagged: TaggedRecord) -> ParsedRecord:
    record = _upper_tags(tagged)
    title = clean(record.first("T1"))
    other_ids = ids_from_url(_url(record))
    other_ids.update(issn_or_isbn(record.first("SN")))
    accession = clean(record.first("AN"))
    if accession:
        other_ids.setdefault("accession", accession)
    return ParsedRecord(
        title=title,
        abstract=abstract_text(record.first("AB")),
        authors=split_names(*record.every("A1")),
        year=parse_year(record.first("YR")) or parse_year(record.first("FD")),
        journal=clean(record.first("JF", "JO", "T2")),
        volume=clean(record.first("VO")),
        issue=clean(record.first("IS")),
        pages=_pages(record),
        doi=chinese_doi(record.first("DO")),
        other_ids=other_ids,
        keywords=split_keywords(*record.every("K1")),
        language=language(record.first("LA"), title),
        publication_type=clean(record.first("RT")),
        raw=record.raw,
        line=record.line,
        warnings=[] if record.starts_with("RT") else [NO_TYPE],
    )
