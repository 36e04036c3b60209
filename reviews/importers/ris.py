"""RIS in every vendor's flavour: Embase.com, Ovid, Cochrane CENTRAL, Web of Science, Scopus,
ProQuest, EBSCO and EndNote. Vendors differ in which tag holds what; the mapping below takes
the first tag present in the order given."""

import re
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_noop

from reviews.importers.base import ParsedRecord, Skipped
from reviews.importers.normalise import (
    clean,
    join_pages,
    normalise_doi,
    parse_year,
    split_joined_names,
    split_list,
)
from reviews.importers.tagged import TaggedRecord, read_tagged, with_skipped

NAME = "ris"
LABEL = "RIS (Embase, Ovid, Cochrane, Web of Science, Scopus, ProQuest, EBSCO, EndNote)"

# "TY  - JOUR"; some exporters write one space before the dash or none after it.
_TAG = re.compile(r"^\ufeff?([A-Z][A-Z0-9]) {1,2}-(?: (.*)|)$")
_SNIFF = re.compile(r"^\ufeff?TY {1,2}- ", re.MULTILINE)
_PMID_URL = re.compile(r"pubmed[^0-9]*?(\d{5,9})|[?&]id=(\d{5,9})\b", re.IGNORECASE)
_CENTRAL = re.compile(r"\bCN-\d{6,}\b")
_EMBASE_L = re.compile(r"^L\d{6,}$")
# Ovid writes "No Pagination Specified" as "SP  - No" and "EP  - Specified".
_NO_PAGES = {"no-specified", "no pagination specified"}
# Ovid's export has, outside its records, a record number before each ("12."), links to the
# full text after it, and the NLM journal abbreviation after its ER ("NL  - J Clin Oncol").
_OVID_DECORATION = re.compile(r"\d+\.\s*$|Link to the |NL {1,2}- ")
# A block of fields without its TY line is a record that lost its first line: it is read,
# with its type unknown. A last record without ER is read too: the file may be cut off, or
# the exporter may have left the ER out.
NO_TY = gettext_noop("no TY line (record type unknown)")
CUT_OFF = gettext_noop("no ER line at the end of the file (the record may be cut off)")

_TYPES = {
    "JOUR": "Journal article",
    "ABST": "Abstract",
    "BOOK": "Book",
    "CHAP": "Book chapter",
    "CONF": "Conference proceedings",
    "CPAPER": "Conference paper",
    "THES": "Thesis",
    "RPRT": "Report",
    "GEN": "Generic",
    "ELEC": "Web page",
    "NEWS": "Newspaper article",
    "MGZN": "Magazine article",
    "SER": "Serial",
    "UNPB": "Unpublished work",
}


def sniff(head: str) -> bool:
    return bool(_SNIFF.search(head))


def _read(lines):
    return read_tagged(
        lines,
        tag_line=_TAG,
        is_start=lambda tag: tag == "TY",
        is_end=lambda tag: tag == "ER",
        # Wrapped abstracts continue on lines without a tag (EBSCO, ProQuest).
        continuation=lambda line: line.strip(),
        # Some vendors begin the file with "Provider: …", "Database: …", "Content: …".
        header=True,
        ignore=_OVID_DECORATION.match,
    )


def _authors(record: TaggedRecord) -> list[str]:
    names = record.every("AU", "A1")
    if not names:
        names = record.every("A2", "ED")
    authors = []
    for name in names:
        # Some exports put every author in one AU line, separated by semicolons.
        authors.extend(split_list(name) if ";" in name else [clean(name)])
    return split_joined_names([a for a in authors if a])


def _other_ids(record: TaggedRecord) -> dict[str, str]:
    ids: dict[str, str] = {}
    database = record.first("DB", "DP").lower()
    for value in record.every("U2", "AN", "ID", "M2"):
        value = clean(value)
        if _EMBASE_L.match(value):
            ids.setdefault("embase", value)
        elif _CENTRAL.search(value):
            ids.setdefault("central", _CENTRAL.search(value).group(0))
        elif value.upper().startswith("WOS:"):
            ids.setdefault("wos", value)
        elif value.startswith("2-s2.0-"):
            ids.setdefault("scopus", value)
        elif value and "embase" in database and value.isdigit():
            ids.setdefault("embase", f"L{value}")
        elif value:
            ids.setdefault("accession", value)
    for url in record.every("UR", "L2"):
        if "cochranelibrary.com" in url and _CENTRAL.search(url):
            ids.setdefault("central", _CENTRAL.search(url).group(0))
        elif "scopus.com" in url and "eid=" in url:
            ids.setdefault("scopus", url.split("eid=")[1].split("&")[0])
    urls = record.every("UR")
    if urls:
        ids.setdefault("url", clean(urls[0]))
    issn = record.first("SN")
    if issn:
        ids.setdefault("issn", clean(issn))
    return ids


def _pmid(record: TaggedRecord) -> str:
    # A wrong PMID would merge two different papers in deduplication, so an accession
    # number counts as a PMID only in an export from a MEDLINE/PubMed database: EBSCO and
    # others put their own numbers in AN.
    databases = " ".join(record.every("DB", "DP")).lower()
    tags = ["PM"]
    if "medline" in databases or "pubmed" in databases:
        tags += ["C2", "AN"]
    if "scopus" in databases:
        tags.append("C2")  # Scopus's RIS puts the PubMed ID in C2
    if "embase" in databases:
        tags.append("C5")  # Embase.com puts the MEDLINE PMID in C5
    for value in record.every(*tags):
        value = clean(value)
        if value.isdigit() and 5 <= len(value) <= 9:
            return value
    for value in record.every("UR", "L2", "M2"):
        match = _PMID_URL.search(value)
        if match and "pubmed" in value.lower():
            return match.group(1) or match.group(2)
    return ""


def _doi(record: TaggedRecord) -> str:
    # Not N1: Scopus puts the cited references there, with other papers' DOIs.
    for value in record.every("DO", "DI", "M3", "L3", "UR", "L2"):
        doi = normalise_doi(value)
        if doi:
            return doi
    return ""


def _publication_type(record: TaggedRecord, kind: str) -> str:
    # Embase, Scopus and EBSCO put the document type in M3; Ovid puts a classification
    # code there ("Health & Mental Health Treatment [3300]"), which is not a type.
    m3 = clean(record.first("M3"))
    if m3 and len(m3) <= 40 and not re.search(r"\[\d+\]", m3):
        return m3
    return _TYPES.get(kind, kind)


def parse(lines: Iterable[tuple[int, str]]) -> Iterator[ParsedRecord | Skipped]:
    return with_skipped(_read(lines), _parsed)


def _parsed(record: TaggedRecord) -> ParsedRecord:
    kind = clean(record.first("TY"))
    pages = clean(record.first("SP"))
    if pages and "-" not in pages:
        pages = join_pages(pages, record.first("EP"))
    if pages.lower() in _NO_PAGES:
        pages = ""
    warnings = [] if record.starts_with("TY") else [NO_TY]
    if record.cut_off:
        warnings.append(CUT_OFF)
    return ParsedRecord(
        title=clean(record.first("TI", "T1", "CT", "BT")),
        abstract=clean(record.first("AB", "N2")),
        authors=_authors(record),
        year=parse_year(record.first("PY", "Y1", "DA", "Y2")),
        # JF before T2: EBSCO puts a translated title in T2 next to the journal in JF.
        journal=clean(record.first("JF", "T2", "JO", "JA", "J2", "T3", "BT")),
        volume=clean(record.first("VL")),
        issue=clean(record.first("IS", "CP")),
        pages=pages,
        doi=_doi(record),
        pmid=_pmid(record),
        other_ids=_other_ids(record),
        keywords=[clean(k) for k in record.every("KW") if clean(k)],
        language=clean(record.first("LA")),
        publication_type=_publication_type(record, kind),
        translated_title=clean(record.first("TT")),
        raw=record.raw,
        line=record.line,
        warnings=warnings,
    )
