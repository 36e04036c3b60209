"""NoteExpress ``.net`` exports from CNKI and Wanfang: ``{Reference Type}: Journal Article``,
then ``{Tag}: value`` lines.

CNKI lists authors and keywords in one line (``a;b;``, ``a;;b``, older records ``a,b``);
Wanfang repeats the ``{Author}`` and ``{Keywords}`` lines. CNKI writes ``(#br)`` where the
abstract had a line break, sometimes a full-width colon after the tag, and blank lines
inside ``{Author Address}``, so only ``{Reference Type}`` (or a second ``{Title}``, when that
line was lost) starts a record.
"""

import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_noop

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
from reviews.importers.normalise import clean, parse_year
from reviews.importers.tagged import TaggedRecord, read_tagged, start_or_repeat, with_skipped

NAME = "noteexpress"
LABEL = "NoteExpress (CNKI, Wanfang)"

_TAG = re.compile(r"^\ufeff?\{([^{}]+)\}\s*[:：]\s?(.*)$")
_SNIFF = re.compile(r"^\ufeff?\{Reference Type\}\s*[:：]", re.MULTILINE)
_LINE_BREAK = "(#br)"


def sniff(head: str) -> bool:
    return bool(_SNIFF.search(head))


def _abstract(text: str) -> str:
    paragraphs = (abstract_text(part) for part in text.split(_LINE_BREAK))
    return "\n".join(part for part in paragraphs if part)


# A record has one {Title}: a second one begins a record whose {Reference Type} line was lost
# (and fields before the first {Reference Type} are such a record), read with a warning.
NO_TYPE = gettext_noop("no {Reference Type} line")


def parse(lines: Iterable[tuple[int, str]]) -> Iterator[ParsedRecord | Skipped]:
    records = read_tagged(
        lines, tag_line=_TAG, is_start=start_or_repeat("Reference Type", {"Title"})
    )
    return with_skipped(records, _parsed)


def _parsed(record: TaggedRecord) -> ParsedRecord:
    title = clean(record.first("Title").replace(_LINE_BREAK, " "))
    other_ids = ids_from_url(record.first("URL"))
    other_ids.update(issn_or_isbn(record.first("ISBN/ISSN", "ISBN", "ISSN")))
    return ParsedRecord(
        title=title,
        abstract=_abstract(record.first("Abstract")),
        authors=split_names(*record.every("Author")),
        year=parse_year(record.first("Year")) or parse_year(record.first("Date")),
        journal=clean(record.first("Journal", "Secondary Title")),
        volume=clean(record.first("Volume")),
        issue=clean(record.first("Issue")),
        pages=clean(record.first("Pages")),
        doi=chinese_doi(record.first("DOI")),
        other_ids=other_ids,
        keywords=split_keywords(*record.every("Keywords")),
        language=language(record.first("Language"), title),
        publication_type=clean(record.first("Reference Type")),
        translated_title=clean(record.first("Translated Title")),
        raw=record.raw,
        line=record.line,
        warnings=[] if record.starts_with("Reference Type") else [NO_TYPE],
    )
