"""Any other CSV (PubMed's CSV, Zotero, Excel sheets saved as CSV …), read through a mapping
from our field names to the file's column headers. The upload page proposes a mapping with
guess_mapping() and lets the user correct it before importing."""

import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews.fields import BIBLIOGRAPHIC_FIELDS, CITATION_FIELDS
from reviews.importers.base import ImportFailure, ParsedRecord, Rejected
from reviews.importers.csv_exports import header_key, read_rows
from reviews.importers.normalise import (
    clean,
    normalise_doi,
    parse_year,
    split_joined_names,
    split_list,
)

NAME = "generic_csv"
LABEL = gettext_lazy("CSV (choose the columns)")

# The fields a column can be mapped to: the citation, the abstract and the keywords.
FIELDS = tuple(
    f for f in BIBLIOGRAPHIC_FIELDS if f in CITATION_FIELDS or f in ("abstract", "keywords")
)

# Header spellings seen in common exports, most specific first, compared by header_key().
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "title": ("title", "article title", "document title", "primary title", "ti"),
    "abstract": ("abstract", "abstract note", "ab", "summary"),
    "authors": (
        "authors",
        "author full names",
        "author names",
        "author",
        "author(s)",
        "au",
        "creators",
    ),
    "year": ("year", "publication year", "pub year", "py", "publication date", "date"),
    "journal": (
        "journal",
        "source title",
        "journal/book",
        "publication title",
        "journal title",
        "secondary title",
        "source",
        "so",
    ),
    "volume": ("volume", "vol", "vl"),
    "issue": ("issue", "number", "no", "is"),
    "pages": ("pages", "page", "page range", "pp", "pg"),
    "doi": ("doi", "di", "digital object identifier"),
    "pmid": ("pmid", "pubmed id", "medline pmid", "pm"),
    "keywords": ("keywords", "author keywords", "key words", "manual tags", "kw", "de"),
}


def sniff(head: str) -> bool:
    # Chosen by the user, or as the fallback for a CSV no specific reader claims.
    return False


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Propose {our field: column header} from the headers' spellings (only matches)."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header.replace("\ufeff", "").strip())
    mapping = {}
    for field, spellings in _SPELLINGS.items():
        for spelling in spellings:
            if spelling in by_key and by_key[spelling] not in mapping.values():
                mapping[field] = by_key[spelling]
                break
    return mapping


def _check_mapping(mapping: dict[str, str], header: list[str]) -> None:
    unknown = set(mapping) - set(FIELDS)
    if unknown:
        raise ImportFailure(
            _("unknown field(s) in the column mapping: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    keys = {header_key(name) for name in header}
    if not mapping.get("title"):
        raise ImportFailure(
            _("no title column: choose which column holds the title (the file has %(columns)s)")
            % {"columns": ", ".join(header)},
            field="title",
        )
    for field, column in mapping.items():
        if column and header_key(column) not in keys:
            raise ImportFailure(
                _("the %(field)s column “%(column)s” is not in the file's header")
                % {"field": field, "column": column},
                field=field,
            )


def _names(text: str) -> list[str]:
    # One author per ";" (or "|"). Commas separate authors only when every part is a whole
    # name ("Taddei AR, Barbato F", as in PubMed's CSV); in "Smith, John" the comma is
    # inside the name.
    if re.search(r"[;|]", text):
        return split_joined_names(split_list(text, ";|"))
    if " and " in text and split_joined_names([text]) != [text]:
        return split_joined_names([clean(text)])
    parts = split_list(text, ",")
    if len(parts) > 1 and all(" " in part for part in parts):
        return parts
    return [clean(text)] if clean(text) else []


def _keywords(text: str) -> list[str]:
    return split_list(text, ";|" if re.search(r"[;|]", text) else ",")


def parse(
    lines: Iterable[tuple[int, str]], mapping: dict[str, str] | None = None
) -> Iterator[ParsedRecord]:
    header, rows = read_rows(lines)
    mapping = {k: v for k, v in (mapping or guess_mapping(header)).items() if v}
    _check_mapping(mapping, header)

    for row in rows:
        if isinstance(row, Rejected):
            yield row
            continue

        def cell(field: str, row=row) -> str:
            return row.get(mapping[field]) if field in mapping else ""

        yield ParsedRecord(
            title=cell("title"),
            abstract=cell("abstract"),
            authors=_names(cell("authors")),
            year=parse_year(cell("year")),
            journal=cell("journal"),
            volume=cell("volume"),
            issue=cell("issue"),
            pages=cell("pages"),
            doi=normalise_doi(cell("doi")),
            pmid=clean(cell("pmid")),
            keywords=_keywords(cell("keywords")),
            raw=row.raw,
            line=row.line,
        )
