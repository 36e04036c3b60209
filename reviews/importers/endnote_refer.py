"""EndNote "refer" tagged text as CNKI and Wanfang export it: ``%0 Journal Article``, then
``%A`` (repeated, or one line of ``;``-separated names), ``%T``, ``%J``, ``%D``, ``%K`` …

Records are separated by blank lines, and ``%0`` also starts one.
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
from reviews.importers.normalise import clean, parse_year
from reviews.importers.tagged import TaggedRecord, read_tagged, start_or_repeat, with_skipped

NAME = "endnote_refer"
# xgettext:no-python-format
LABEL = gettext_lazy("EndNote tagged %0 (CNKI, Wanfang)")

_TAG = re.compile(r"^\ufeff?(%\S)(?: (.*))?$")
_SNIFF_START = re.compile(r"^\ufeff?%0 \S", re.MULTILINE)
_SNIFF_FIELD = re.compile(r"^%[ATJDK] \S", re.MULTILINE)


def sniff(head: str) -> bool:
    return bool(_SNIFF_START.search(head) and _SNIFF_FIELD.search(head))


def read_blank_separated(
    lines: Iterable[tuple[int, str]], *, tag_line: re.Pattern[str], start: str, title: str
) -> Iterator[TaggedRecord | Skipped]:
    """Records that begin at the `start` tag, at the first tag after a blank line, or at a
    second `title` tag in one record.

    Refer and RefWorks separate records with blank lines, but a record that lacks its type
    line must not be skipped (as ``blank_ends_record`` would) or glued to the one before;
    nor when the blank line is missing too, which the second title shows. The wrapper notes
    whether the previous line was blank while the reader consumes lines.
    """
    after_blank = True

    def watched() -> Iterator[tuple[int, str]]:
        nonlocal after_blank
        for number, line in lines:
            yield number, line
            after_blank = not line.strip()

    is_start = start_or_repeat(start, {title}, also=lambda tag: after_blank)
    return read_tagged(watched(), tag_line=tag_line, is_start=is_start)


# A record without its %0 line is read with a warning, its type unknown.
# xgettext:no-python-format
NO_TYPE = gettext_noop("no %0 line (record type unknown)")


def parse(lines: Iterable[tuple[int, str]]) -> Iterator[ParsedRecord | Skipped]:
    records = read_blank_separated(lines, tag_line=_TAG, start="%0", title="%T")
    return with_skipped(records, _parsed)


def _parsed(record: TaggedRecord) -> ParsedRecord:
    title = clean(record.first("%T"))
    other_ids = ids_from_url(record.first("%U"))
    other_ids.update(issn_or_isbn(record.first("%@")))
    accession = clean(record.first("%M"))
    if accession:
        other_ids.setdefault("accession", accession)
    return ParsedRecord(
        title=title,
        abstract=abstract_text(record.first("%X")),
        authors=split_names(*record.every("%A")),
        year=parse_year(record.first("%D")) or parse_year(record.first("%8")),
        journal=clean(record.first("%J", "%B")),
        volume=clean(record.first("%V")),
        issue=clean(record.first("%N")),
        pages=clean(record.first("%P")),
        doi=chinese_doi(record.first("%R")),
        other_ids=other_ids,
        keywords=split_keywords(*record.every("%K")),
        language=language(record.first("%G"), title),
        publication_type=clean(record.first("%0")),
        translated_title=clean(record.first("%Q")),
        raw=record.raw,
        line=record.line,
        warnings=[] if record.starts_with("%0") else [NO_TYPE],
    )
