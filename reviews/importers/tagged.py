"""One streaming reader for the many "tag, value, continuation line" export formats.

RIS, MEDLINE, Web of Science, RefWorks, EndNote refer (%0), Cochrane's text, NoteExpress
and CNKI's E-Study text differ only in how a tag looks, which tag starts or ends a record and
how a value continues on the next line. Each format module configures this reader with those
rules. Written by hand (not rispy or Bio.Medline) because we need the line number of every
record for error messages, and a generator that holds one record at a time in memory, for
every one of these formats.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field


@dataclass
class TaggedRecord:
    line: int
    fields: list[tuple[str, str]] = field(default_factory=list)
    raw_lines: list[str] = field(default_factory=list)

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

    @property
    def raw(self) -> str:
        return "\n".join(self.raw_lines)


def read_tagged(
    lines: Iterable[tuple[int, str]],
    *,
    tag_line: re.Pattern[str],
    is_start: Callable[[str], bool],
    is_end: Callable[[str], bool] | None = None,
    blank_ends_record: bool = False,
    continuation: Callable[[str], str | None] = lambda line: line.strip(),
    joiner: str = " ",
) -> Iterator[TaggedRecord]:
    """Yield one record at a time from numbered lines.

    `tag_line` must have two groups, the tag and the value. Lines before the first start
    tag (export headers, Ovid's record numbers) are skipped. A start tag inside a record
    begins a new record even without an end tag, as some exporters omit it. A line that
    is not a tag line continues the previous value when `continuation` returns text for it.
    """
    # The loop below runs once per line of a file of millions of lines, so it keeps the
    # current record's lists in local names and skips the end-tag test when there is none.
    record: TaggedRecord | None = None
    fields: list[tuple[str, str]] = []
    raw_lines: list[str] = []
    match_tag = tag_line.match
    for number, line in lines:
        if record is None:
            match = match_tag(line)
            if match and is_start(match.group(1)):
                record = TaggedRecord(line=number, raw_lines=[line])
                fields, raw_lines = record.fields, record.raw_lines
                fields.append((match.group(1), (match.group(2) or "").strip()))
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
        more = continuation(line)
        if more is not None:
            raw_lines.append(line)
            if fields and more:
                tag, value = fields[-1]
                fields[-1] = (tag, f"{value}{joiner}{more}" if value else more)
    if record is not None:
        yield record
