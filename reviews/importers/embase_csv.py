"""Embase.com CSV export. The full-record layout has one column per field (DOI, Embase
Accession ID, Medline PMID, Publication Year …); the short layout (asreview's sample) has
only Source ("Cancer (2004) 102:4 (253-258). Date of Publication: 25 Aug 2004") and an
OpenURL link, from which the citation and the DOI are recovered."""

import re
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qs, urlsplit

from reviews.importers.base import ParsedRecord, Rejected
from reviews.importers.csv_exports import CsvRow, header_of, read_rows
from reviews.importers.normalise import clean, join_pages, normalise_doi, parse_year

NAME = "embase_csv"
LABEL = "Embase.com CSV"

_EMBASE_COLUMNS = {
    "embase accession id",
    "emtree medical index terms",
    "emtree drug index terms",
    "embase link",
    "pui",
}
# "Journal (2014) 3:3 (152-160)", "Journal (2019) 54 (83-86)", "Journal (2020) 12"
_SOURCE = re.compile(
    r"^(?P<journal>.+?) \((?P<year>\d{4})\)"
    r"(?: (?P<volume>[^\s:(]+)(?::(?P<issue>[^\s(]+))?)?"
    r"(?: \((?P<pages>[^)]*)\))?"
)
# Emtree terms are comma-separated, with commas also inside "(diagnosis, surgery)".
_TERM_SEPARATOR = re.compile(r",\s*(?![^()]*\))")


def sniff(head: str) -> bool:
    header = set(header_of(head))
    return {"title", "author names"} <= header and bool(header & _EMBASE_COLUMNS)


def _open_url(row: CsvRow) -> dict[str, str]:
    link = row.get("Open URL Link")
    if not link:
        return {}
    query = parse_qs(urlsplit(link).query)
    return {key: clean(values[0]) for key, values in query.items() if values and values[0]}


def _embase_id(row: CsvRow) -> str:
    value = row.get("Embase Accession ID")
    if value.isdigit():
        return f"L{value}"
    if re.fullmatch(r"L\d+", value):
        return value
    match = re.search(r"[?&]id=(L\d+)", row.get("Embase Link"))
    return match.group(1) if match else ""


def _keywords(row: CsvRow) -> list[str]:
    terms: list[str] = []
    for header in ("Author Keywords", "Emtree Drug Index Terms", "Emtree Medical Index Terms"):
        terms.extend(clean(t) for t in _TERM_SEPARATOR.split(row.get(header)) if clean(t))
    return list(dict.fromkeys(terms))


def _record(row: CsvRow) -> ParsedRecord:
    source = _SOURCE.match(row.get("Source"))
    cited = source.groupdict() if source else {}
    url = _open_url(row)
    doi = normalise_doi(row.get("DOI"))
    if not doi and url.get("id", "").lower().startswith("doi:"):
        doi = normalise_doi(url["id"][4:])
    other_ids = {}
    if _embase_id(row):
        other_ids["embase"] = _embase_id(row)
    issn = row.get("ISSN") or url.get("issn", "")
    if issn:
        other_ids["issn"] = issn
    pages = join_pages(row.get("First Page"), row.get("Last Page"))
    return ParsedRecord(
        title=row.get("Title"),
        abstract=row.get("Abstract"),
        authors=[clean(name) for name in row.get("Author Names").split(",") if clean(name)],
        year=parse_year(row.get("Publication Year"))
        or parse_year(cited.get("year"))
        or parse_year(url.get("date")),
        journal=row.get("Source title") or clean(cited.get("journal")) or url.get("title", ""),
        volume=row.get("Volume") or clean(cited.get("volume")) or url.get("volume", ""),
        issue=row.get("Issue") or clean(cited.get("issue")) or url.get("issue", ""),
        pages=pages or clean(cited.get("pages")) or url.get("pages", ""),
        doi=doi,
        pmid=row.get("Medline PMID"),
        other_ids=other_ids,
        keywords=_keywords(row),
        language=row.get("Article Language", "Language of Article"),
        publication_type=row.get("Publication Type"),
        translated_title=row.get("Original Title"),
        raw=row.raw,
        line=row.line,
    )


def parse(lines: Iterable[tuple[int, str]]) -> Iterator[ParsedRecord]:
    _header, rows = read_rows(lines)
    for row in rows:
        yield row if isinstance(row, Rejected) else _record(row)
