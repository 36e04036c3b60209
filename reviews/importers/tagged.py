"""One streaming reader for the many "tag, value, continuation line" export formats.

RIS, MEDLINE, Web of Science, RefWorks, EndNote refer (%0), Cochrane's text, NoteExpress
and CNKI's E-Study text differ only in how a tag looks, which tag starts or ends a record and
how a value continues on the next line. Each format module configures this reader with those
rules. Written by hand (not rispy or Bio.Medline) because we need the line number of every
record for error messages, and a generator that holds one record at a time in memory, for
every one of these formats.

Nothing is dropped without a word. Outside a record:

- a tag line begins a record even when it is not the format's start tag: the record lost its
  start line (RIS's ``TY``, MEDLINE's ``PMID``) and is read all the same; the format notices
  (``TaggedRecord.starts_with``) and warns;
- other text is yielded as a ``Skipped`` item naming its lines, except an export's header
  before the first record (in formats that have one) and lines the format knows as its own
  decoration (``ignore``: Ovid's record numbers and links, Web of Science's ``FN``, ``VR``
  and ``EF``).

Inside a record, a line that is neither a tag nor a continuation stays in the record's raw
text and is reported as ``Skipped``. A record that the end of the file cuts off before its
end tag is marked ``cut_off``.
"""

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from django.utils.translation import gettext as _

from reviews.importers.base import Skipped


@dataclass
class TaggedRecord:
    line: int
    fields: list[tuple[str, str]] = field(default_factory=list)
    raw_lines: list[str] = field(default_factory=list)
    cut_off: bool = False  # the file ended inside it, before its end tag

    def first(self, *tags: str) -> str:
        """The first value of the first of `tags` present, or ""."""
        for tag in tags:
            for name, value in self.fields:
                if name == tag:
                    return value
        return ""

    def every(self, *tags: str) -> list[str]:
        """Every value of any of `tags`, in file order."""
        wanted = set(tags)
        return [value for name, value in self.fields if name in wanted]

    def starts_with(self, tag: str) -> bool:
        """Whether the record begins with `tag` (its format's start tag), as it should."""
        return bool(self.fields) and self.fields[0][0] == tag

    @property
    def raw(self) -> str:
        return "\n".join(self.raw_lines)


def _text(first: int, last: int, message: str) -> Skipped:
    return Skipped(kind="text", message=message, line=first, end_line=last)


def read_tagged(
    lines: Iterable[tuple[int, str]],
    *,
    tag_line: re.Pattern[str],
    is_start: Callable[[str], bool],
    is_end: Callable[[str], bool] | None = None,
    blank_ends_record: bool = False,
    continuation: Callable[[str], str | None] = lambda line: line.strip(),
    joiner: str = " ",
    header: bool = False,
    ignore: Callable[[str], bool] | None = None,
) -> Iterator[TaggedRecord | Skipped]:
    """Yield one record at a time from numbered lines, and what was skipped between them.

    `tag_line` must have two groups, the tag and the value. A start tag inside a record
    begins a new record even without an end tag, as some exporters omit it. A line that is
    not a tag line continues the previous value when `continuation` returns text for it.
    With `header`, untagged lines before the first record are the export's header and are
    passed over; `ignore` names lines passed over anywhere outside a record.
    """
    # The loop below runs once per line of a file of millions of lines, so it keeps the
    # current record's lists in local names and skips the end-tag test when there is none.
    record: TaggedRecord | None = None
    fields: list[tuple[str, str]] = []
    raw_lines: list[str] = []
    match_tag = tag_line.match
    seen_record = False
    stray_first = stray_last = 0  # untagged lines since the last record
    for number, line in lines:
        if record is None:
            if not line or line.isspace() or (ignore is not None and ignore(line)):
                continue
            match = match_tag(line)
            if match is None:
                if seen_record or not header:
                    stray_first = stray_first or number
                    stray_last = number
                continue
            if is_end is not None and is_end(match.group(1)):
                continue  # an end tag twice: it closes no record and holds no data
            if stray_first:
                where = (
                    _("text between records") if seen_record else _("text before the first record")
                )
                yield _text(stray_first, stray_last, where)
                stray_first = 0
            is_start(match.group(1))  # formats that count fields per record must see it
            record = TaggedRecord(line=number, raw_lines=[line])
            fields, raw_lines = record.fields, record.raw_lines
            fields.append((match.group(1), (match.group(2) or "").strip()))
            seen_record = True
            continue
        if not line or line.isspace():
            if blank_ends_record:
                yield record
                record = None
            continue
        match = match_tag(line)
        if match:
            tag, value = match.group(1, 2)
            value = value.strip() if value else ""
            if is_end is not None and is_end(tag):
                raw_lines.append(line)
                yield record
                record = None
                continue
            if is_start(tag):
                yield record
                record = TaggedRecord(line=number)
                fields, raw_lines = record.fields, record.raw_lines
            raw_lines.append(line)
            fields.append((tag, value))
            continue
        raw_lines.append(line)
        more = continuation(line)
        if more is None:
            yield _text(
                number,
                number,
                _("text in a record that is neither a field nor a continuation line"),
            )
        elif fields and more:
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value}{joiner}{more}" if value else more)
    if record is not None:
        record.cut_off = is_end is not None
        yield record
    if stray_first:
        where = (
            _("text after the last record") if seen_record else _("text before the first record")
        )
        yield _text(stray_first, stray_last, where)


def start_or_repeat(
    start: str, once: Collection[str], *, also: Callable[[str], bool] = lambda tag: False
) -> Callable[[str], bool]:
    """An ``is_start`` for formats whose records have no end line: the `start` tag, a tag for
    which `also` is true, or a tag of `once` (fields a record has one of) seen a second time
    in the same record. Without the last, a record whose start line was lost would be read as
    more fields of the one before it (a second title that ``first()`` never reads, its
    authors added to the other's)."""
    seen: set[str] = set()

    def is_start(tag: str) -> bool:
        begins = tag == start or tag in seen or also(tag)
        if begins:
            seen.clear()
        if tag in once:
            seen.add(tag)
        return begins

    return is_start


Converted = TypeVar("Converted")


def with_skipped(
    items: Iterable[TaggedRecord | Skipped], convert: Callable[[TaggedRecord], Converted]
) -> Iterator[Converted | Skipped]:
    """Each record converted by `convert`, and each Skipped item passed on as it is."""
    for item in items:
        yield item if isinstance(item, Skipped) else convert(item)
