"""What every format reader produces, and the error it raises on unusable input."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class ParsedRecord:
    """One bibliographic record as read from an export, before it is saved.

    `other_ids` holds database-specific identifiers under fixed keys: ``embase`` (L-number),
    ``central`` (CN-…), ``cnki``, ``wanfang``, ``wos`` (UT/accession), ``scopus`` (EID),
    ``pmcid``, ``issn``, ``isbn``, ``url``, ``accession`` (any other accession number).
    """

    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    other_ids: dict[str, str] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    language: str = ""
    publication_type: str = ""
    translated_title: str = ""
    raw: str = ""
    line: int = 0  # first line of the record in the file, counted from 1
    # What was wrong with the record as found in the file, though it could still be read
    # ("no TY line (record type unknown)"); counted with the import's other warnings.
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped:
    """Part of a file that holds no record and is left out of the import, with where it is.

    Readers yield these in file order between the records they yield, so that nothing is
    dropped without a word: the import keeps them (``SearchImport.skipped``) and shows them
    with the preview and the result. ``kind`` is ``"text"`` (lines that are no field of any
    record) or ``"element"`` (an XML element that is not a record).
    """

    kind: str
    message: str
    line: int
    end_line: int

    def __str__(self) -> str:
        if self.end_line != self.line:
            return _("%(message)s (lines %(line)s–%(end_line)s)") % {
                "message": self.message,
                "line": self.line,
                "end_line": self.end_line,
            }
        return _("%(message)s (line %(line)s)") % {"message": self.message, "line": self.line}


@dataclass(frozen=True)
class Rejected:
    """A record the reader found but cannot import (a CSV row with the wrong number of
    fields, a record cut off by the end of the file). Readers yield it in the record's place
    and read on, so that one refusal names every bad record of the file at once."""

    message: str
    line: int


class ImportFailure(Exception):
    """Input that cannot be imported, located as precisely as the format allows."""

    def __init__(
        self,
        message: str,
        *,
        record: int | None = None,
        line: int | None = None,
        field: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.record = record
        self.line = line
        self.field = field

    def __str__(self) -> str:
        # Translated when shown (the message itself was, when raised).
        where = []
        if self.record is not None:
            where.append(_("record %(record)s") % {"record": self.record})
        if self.line is not None:
            where.append(
                _("(line %(line)s)") % {"line": self.line}
                if where
                else _("line %(line)s") % {"line": self.line}
            )
        if self.field:
            where.append(_("field %(field)s") % {"field": self.field})
        if not where:
            return self.message
        # Translators: where in the file (record 3 (line 12) field title), then the problem.
        return _("%(where)s: %(problem)s") % {"where": " ".join(where), "problem": self.message}
