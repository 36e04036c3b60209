"""EndNote XML (File > Export, "XML"): ``<xml><records><record>…``, read one record at a time.

Every text field may be wrapped in one or more ``<style face=… font=…>`` runs (EndNote keeps
italics and superscripts that way), or be bare text in older versions; both read the same.
"""

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from reviews.importers.base import ParsedRecord, Skipped
from reviews.importers.normalise import clean, normalise_doi, parse_year, split_joined_names
from reviews.importers.xml_safety import iter_elements, serialise, text_of

NAME = "endnote_xml"
LABEL = "EndNote XML"
XML = True

_SNIFF_ROOT = re.compile(r"<xml>\s*<records>\s*<record>")
_SNIFF_FIELD = re.compile(r"<(?:ref-type|source-app|rec-number)[\s>]")
_ISSN = re.compile(r"\b\d{4}-?\d{3}[\dXx]\b")
_PMCID = re.compile(r"^PMC\d+$")
_EMBASE_L = re.compile(r"^L\d{6,}$")
# EndNote joins several values of one field with carriage returns (&#xD;).
_VALUE_BREAK = re.compile(r"[\r\n]+")


def sniff(head: str) -> bool:
    return bool(_SNIFF_ROOT.search(head) and _SNIFF_FIELD.search(head))


def _field(record: etree._Element, path: str) -> str:
    return clean(text_of(record.find(path)))


def _values(record: etree._Element, path: str) -> list[str]:
    values = []
    for element in record.iterfind(path):
        values.extend(clean(part) for part in _VALUE_BREAK.split(text_of(element)))
    return [value for value in values if value]


def _accession_ids(accession: str, database: str) -> tuple[str, dict[str, str]]:
    """The PMID, or the other-database identifier, that EndNote keeps in accession-num."""
    if not accession:
        return "", {}
    lowered = database.lower()
    if accession.upper().startswith("WOS:"):
        return "", {"wos": accession}
    if accession.startswith("2-s2.0-"):
        return "", {"scopus": accession}
    if _EMBASE_L.match(accession):
        return "", {"embase": accession}
    if accession.isdigit() and "embase" in lowered:
        return "", {"embase": f"L{accession}"}
    # A bare number is a PMID only when the record says it came from PubMed/MEDLINE;
    # otherwise it is some other database's accession number and must not be guessed at.
    if accession.isdigit() and re.search(r"pubmed|medline|nlm", lowered):
        return accession, {}
    return "", {"accession": accession}


def _record(record: etree._Element) -> ParsedRecord:
    database = " ".join(
        _field(record, path) for path in ("remote-database-name", "remote-database-provider")
    )
    pmid, other_ids = _accession_ids(_field(record, "accession-num"), database)
    for custom in ("custom2", "custom1", "custom6"):
        value = _field(record, custom)
        if _PMCID.match(value):
            other_ids["pmcid"] = value
            break
    for number in _values(record, "isbn"):
        key = "issn" if _ISSN.fullmatch(number.split(" ")[0]) else "isbn"
        other_ids.setdefault(key, number.split(" ")[0])
    urls = _values(record, "urls/related-urls/url") + _values(record, "urls/web-urls/url")
    if urls:
        other_ids.setdefault("url", urls[0])
    doi = normalise_doi(_field(record, "electronic-resource-num"))
    if not doi:
        doi = next((normalise_doi(url) for url in urls if "doi.org/" in url), "")
    ref_type = record.find("ref-type")
    return ParsedRecord(
        title=_field(record, "titles/title"),
        abstract=_field(record, "abstract"),
        authors=split_joined_names(_values(record, "contributors/authors/author")),
        year=parse_year(_field(record, "dates/year"))
        or parse_year(_field(record, "dates/pub-dates/date")),
        journal=_field(record, "periodical/full-title")
        or _field(record, "titles/secondary-title")
        or _field(record, "periodical/abbr-1"),
        volume=_field(record, "volume"),
        issue=_field(record, "number") or _field(record, "issue"),
        pages=_field(record, "pages"),
        doi=doi,
        pmid=pmid,
        other_ids=other_ids,
        keywords=_values(record, "keywords/keyword"),
        language=_field(record, "language"),
        publication_type=clean(ref_type.get("name")) if ref_type is not None else "",
        translated_title=_field(record, "titles/translated-title"),
    )


def parse(path: Path) -> Iterator[ParsedRecord | Skipped]:
    for element in iter_elements(path, ("record",)):
        if isinstance(element, Skipped):
            yield element
            continue
        record = _record(element)
        record.raw = serialise(element)
        record.line = element.sourceline or 0
        yield record
