"""Scopus CSV export ("Export > CSV"): one row per document, all cells quoted."""

import re
from collections.abc import Iterable, Iterator

from reviews.importers.base import ParsedRecord, Rejected
from reviews.importers.csv_exports import CsvRow, header_of, read_rows
from reviews.importers.normalise import clean, join_pages, normalise_doi, parse_year, split_list

NAME = "scopus_csv"
LABEL = "Scopus CSV"

_AUTHOR_ID = re.compile(r"\s*\(\d+\)\s*$")  # "Liu, Fengyuan (60410297700)"
_NO_ABSTRACT = "[No abstract available]"


def sniff(head: str) -> bool:
    header = set(header_of(head))
    return {"title", "source title"} <= header and bool(header & {"eid", "author(s) id", "link"})


def _authors(row: CsvRow) -> list[str]:
    full = row.get("Author full names")
    if full:
        return [_AUTHOR_ID.sub("", name) for name in split_list(full)]
    short = row.get("Authors")
    if ";" in short:
        return split_list(short)
    # Exports before 2023 separate "Cook D.J., Guyatt G.H." with commas after initials.
    return [clean(name) for name in re.split(r"(?<=\.),\s*", short) if clean(name)]


def _keywords(row: CsvRow) -> list[str]:
    # Index keywords repeat many author keywords; keep each once, in first-seen order.
    both = split_list(row.get("Author Keywords")) + split_list(row.get("Index Keywords"))
    return list(dict.fromkeys(both))


def _other_ids(row: CsvRow) -> dict[str, str]:
    ids = {}
    for key, header in (("scopus", "EID"), ("issn", "ISSN"), ("isbn", "ISBN"), ("url", "Link")):
        value = row.get(header)
        if value:
            ids[key] = split_list(value)[0] if key == "isbn" else value
    return ids


def parse(lines: Iterable[tuple[int, str]]) -> Iterator[ParsedRecord]:
    _header, rows = read_rows(lines)
    for row in rows:
        if isinstance(row, Rejected):
            yield row
            continue
        abstract = row.get("Abstract")
        yield ParsedRecord(
            title=row.get("Title"),
            abstract="" if abstract == _NO_ABSTRACT else abstract,
            authors=_authors(row),
            year=parse_year(row.get("Year")),
            journal=row.get("Source title"),
            volume=row.get("Volume"),
            issue=row.get("Issue"),
            pages=join_pages(row.get("Page start"), row.get("Page end")) or row.get("Art. No."),
            doi=normalise_doi(row.get("DOI")),
            pmid=row.get("PubMed ID"),
            other_ids=_other_ids(row),
            keywords=_keywords(row),
            language=row.get("Language of Original Document"),
            publication_type=row.get("Document Type"),
            raw=row.raw,
            line=row.line,
        )
