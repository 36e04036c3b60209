"""Shared reading for the CSV formats (Scopus, Embase, generic): the delimiter, one row at a
time with the line it starts on, and cells looked up by header name.

Rows are read with the csv module over the numbered lines, so quoted fields may span lines;
a row's line is then the line it starts on.
"""

import csv
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reviews.importers.base import ImportFailure, Rejected
from reviews.importers.normalise import clean

# Scopus puts every cited reference of an article in one cell, which can pass the csv
# module's default limit of 128 KiB; the limit only guards against runaway quoting.
csv.field_size_limit(max(csv.field_size_limit(), 32 * 1024 * 1024))

_DELIMITERS = ",;\t"
# R's write.csv writes missing values as NA (bibliometrix's Scopus sample has them); a cell
# that is exactly "NA" never carries bibliographic data in these exports.
_MISSING = {"NA"}


def header_key(name: str) -> str:
    """Header names compared without case, byte-order mark, quotes or extra spaces."""
    return re.sub(r"\s+", " ", name.replace("\ufeff", "").strip().strip('"').strip()).lower()


def delimiter_of(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # One column, or a header the sniffer cannot decide on: count outside quotes.
        unquoted = re.sub(r'"[^"]*"', "", header_line)
        counts = {d: unquoted.count(d) for d in _DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def header_of(head: str) -> list[str]:
    """The header cells of a file from its decoded head (for sniffing)."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    try:
        cells = next(csv.reader([first], delimiter=delimiter_of(first)))
    except (csv.Error, StopIteration):
        return []
    return [header_key(cell) for cell in cells]


@dataclass
class CsvRow:
    cells: dict[str, str]  # header_key(header) -> cell text
    line: int
    raw: str

    def get(self, *headers: str) -> str:
        """The first non-empty cell among `headers` (any spelling of case and spacing)."""
        for header in headers:
            value = clean(self.cells.get(header_key(header)))
            if value and value not in _MISSING:
                return value
        return ""


class _TrackedLines:
    """Feeds numbered lines to csv.reader, noting where each row starts and its text."""

    def __init__(self, lines: Iterable[tuple[int, str]]):
        self._lines = iter(lines)
        self.first_line: int | None = None
        self.texts: list[str] = []
        self.last_line = 0

    def start_row(self) -> None:
        self.first_line = None
        self.texts = []

    def __iter__(self) -> "_TrackedLines":
        return self

    def __next__(self) -> str:
        number, text = next(self._lines)
        if self.first_line is None:
            self.first_line = number
        self.last_line = number
        self.texts.append(text)
        return text + "\n"


def read_rows(
    lines: Iterable[tuple[int, str]],
) -> tuple[list[str], Iterator[CsvRow | Rejected]]:
    """The header (as written) and an iterator over the data rows; a row whose number of
    fields differs from the header's comes as Rejected, in its place.

    Raises ImportFailure for an empty file or malformed quoting (after which no row can be
    trusted).
    """
    lines = iter(lines)
    first = next(lines, None)
    while first is not None and not first[1].strip():
        first = next(lines, None)  # blank lines before the header
    if first is None:
        raise ImportFailure(_("the CSV file has no header row"))
    tracked = _TrackedLines(itertools.chain([first], lines))
    reader = csv.reader(tracked, delimiter=delimiter_of(first[1]), strict=True)
    tracked.start_row()
    try:
        header = [cell.replace("\ufeff", "").strip() for cell in next(reader)]
    except csv.Error as exc:
        raise ImportFailure(
            _("the CSV header is malformed: %(error)s") % {"error": exc}, line=first[0]
        ) from None
    return header, _rows(reader, tracked, header)


def _rows(reader, tracked: _TrackedLines, header: list[str]) -> Iterator[CsvRow | Rejected]:
    keys = [header_key(name) for name in header]
    count = 0
    while True:
        tracked.start_row()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFailure(
                _("the CSV is malformed (%(error)s); a quote is probably not closed")
                % {"error": exc},
                record=count + 1,
                line=tracked.first_line or tracked.last_line,
            ) from None
        if not any(cell.strip() for cell in row):
            continue  # blank line
        count += 1
        if len(row) > len(keys) and not any(cell.strip() for cell in row[len(keys) :]):
            row = row[: len(keys)]  # a trailing delimiter at the end of the row
        if len(row) != len(keys):
            yield Rejected(
                _(
                    "this row has %(fields)s fields but the header has %(columns)s; "
                    "a delimiter or quote is probably missing or extra"
                )
                % {"fields": len(row), "columns": len(keys)},
                line=tracked.first_line or 0,
            )
            continue
        cells: dict[str, str] = {}
        for key, cell in zip(keys, row, strict=True):
            cells.setdefault(key, cell)  # the first of two same-named columns wins
        yield CsvRow(cells=cells, line=tracked.first_line or 0, raw="\n".join(tracked.texts))
