"""PubMed XML (EFetch / "Send to: File, XML"): ``PubmedArticleSet`` of ``PubmedArticle`` and
``PubmedBookArticle`` elements, read one article at a time."""

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from reviews.importers.base import ParsedRecord, Skipped
from reviews.importers.normalise import clean, normalise_doi, parse_year
from reviews.importers.xml_safety import iter_elements, serialise, text_of

NAME = "pubmed_xml"
LABEL = "PubMed XML"
XML = True

_SNIFF = re.compile(r"<(?:!DOCTYPE\s+)?Pubmed(?:Book)?Article(?:Set)?[\s>]")


def sniff(head: str) -> bool:
    return bool(_SNIFF.search(head))


def _abstract(container: etree._Element) -> str:
    """Structured abstracts come as several AbstractText elements with a Label each."""
    parts = []
    for section in container.findall("Abstract/AbstractText"):
        text = clean(text_of(section))
        label = clean(section.get("Label"))
        if label and text:
            parts.append(f"{label}: {text}")
        elif text:
            parts.append(text)
    return " ".join(parts)


def _authors(author_list: etree._Element | None) -> list[str]:
    if author_list is None:
        return []
    names = []
    for author in author_list.findall("Author"):
        collective = clean(text_of(author.find("CollectiveName")))
        last = clean(text_of(author.find("LastName")))
        first = clean(text_of(author.find("ForeName"))) or clean(text_of(author.find("Initials")))
        if last:
            names.append(f"{last}, {first}" if first else last)
        elif collective:
            names.append(collective)
    return names


def _year(pub_date: etree._Element | None) -> int | None:
    # PubDate holds Year (with Month/Day or Season), or one free-text MedlineDate such as
    # "1998 Dec-1999 Jan" or "2000 Spring" when the issue's date fits no pattern.
    if pub_date is None:
        return None
    return parse_year(pub_date.findtext("Year")) or parse_year(pub_date.findtext("MedlineDate"))


def _ids(article_ids: list[etree._Element]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for article_id in article_ids:
        kind = (article_id.get("IdType") or "").lower()
        value = clean(article_id.text)
        if value:
            ids.setdefault(kind, value)
    return ids


def _doi(ids: dict[str, str], article: etree._Element) -> str:
    doi = normalise_doi(ids.get("doi"))
    if doi:
        return doi
    for location in article.iterfind("ELocationID"):
        if (location.get("EIdType") or "").lower() == "doi":
            return normalise_doi(location.text)
    return ""


def _keywords(citation: etree._Element) -> list[str]:
    """Author keywords, then MeSH descriptors (as MEDLINE's OT and MH tags give them)."""
    keywords = [clean(text_of(k)) for k in citation.iterfind("KeywordList/Keyword")]
    keywords += [
        clean(text_of(d)) for d in citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName")
    ]
    return [k for k in keywords if k]


def _journal_article(element: etree._Element) -> ParsedRecord:
    citation = element.find("MedlineCitation")
    if citation is None:  # not a valid PubmedArticle, but keep what there is
        citation = etree.Element("MedlineCitation")
    article = citation.find("Article")
    if article is None:
        article = etree.Element("Article")
    journal = article.find("Journal")
    if journal is None:
        journal = etree.Element("Journal")
    issue = journal.find("JournalIssue")
    # Only PubmedData's own ArticleIdList: ReferenceList nests one per cited reference.
    ids = _ids(element.findall("PubmedData/ArticleIdList/ArticleId"))
    other_ids = {}
    if ids.get("pmc"):
        other_ids["pmcid"] = ids["pmc"]
    if clean(journal.findtext("ISSN")):
        other_ids["issn"] = clean(journal.findtext("ISSN"))
    year = _year(issue.find("PubDate") if issue is not None else None)
    if year is None:  # electronic-only articles may carry only the ArticleDate
        year = parse_year(article.findtext("ArticleDate/Year"))
    title = clean(text_of(article.find("ArticleTitle")))
    # VernacularTitle is the title in the article's own language when ArticleTitle is
    # NLM's English translation; it is kept as the other-language title.
    vernacular = clean(text_of(article.find("VernacularTitle")))
    return ParsedRecord(
        title=title or vernacular,
        abstract=_abstract(article),
        authors=_authors(article.find("AuthorList")),
        year=year,
        journal=clean(journal.findtext("Title")) or clean(journal.findtext("ISOAbbreviation")),
        volume=clean(issue.findtext("Volume")) if issue is not None else "",
        issue=clean(issue.findtext("Issue")) if issue is not None else "",
        pages=_pages(article.find("Pagination")),
        doi=_doi(ids, article),
        pmid=clean(citation.findtext("PMID")) or ids.get("pubmed", ""),
        other_ids=other_ids,
        keywords=_keywords(citation),
        language=clean(article.findtext("Language")),
        publication_type="; ".join(
            clean(p.text) for p in article.iterfind("PublicationTypeList/PublicationType")
        ),
        translated_title=vernacular if title else "",
    )


def _pages(pagination: etree._Element | None) -> str:
    if pagination is None:
        return ""
    medline = clean(pagination.findtext("MedlinePgn"))
    if medline:
        return medline
    start, end = clean(pagination.findtext("StartPage")), clean(pagination.findtext("EndPage"))
    return f"{start}-{end}" if start and end and start != end else start or end


def _book_article(element: etree._Element) -> ParsedRecord:
    # A Bookshelf record: a chapter (BookDocument/ArticleTitle, within Book/BookTitle) or a
    # whole book (BookTitle only).
    document = element.find("BookDocument")
    if document is None:
        document = etree.Element("BookDocument")
    book = document.find("Book")
    ids = _ids(element.findall("PubmedBookData/ArticleIdList/ArticleId"))
    ids.update(_ids(document.findall("ArticleIdList/ArticleId")))
    book_title = clean(text_of(book.find("BookTitle"))) if book is not None else ""
    chapter_title = clean(text_of(document.find("ArticleTitle")))
    other_ids = {}
    if ids.get("bookaccession"):
        other_ids["accession"] = ids["bookaccession"]
    isbn = clean(book.findtext("Isbn")) if book is not None else ""
    if isbn:
        other_ids["isbn"] = isbn
    # The chapter's own AuthorList; the Book's (usually its editors) only for a whole book.
    authors = _authors(document.find("AuthorList"))
    if not authors and not chapter_title and book is not None:
        authors = _authors(book.find("AuthorList"))
    year = _year(book.find("PubDate") if book is not None else None)
    return ParsedRecord(
        title=chapter_title or book_title,
        abstract=_abstract(document),
        authors=authors,
        year=year,
        journal=book_title if chapter_title else "",
        doi=normalise_doi(ids.get("doi")),
        pmid=clean(document.findtext("PMID")) or ids.get("pubmed", ""),
        other_ids=other_ids,
        keywords=[clean(text_of(k)) for k in document.iterfind("KeywordList/Keyword")],
        language=clean(document.findtext("Language")),
        publication_type="; ".join(
            clean(p.text) for p in document.iterfind("PublicationType") if clean(p.text)
        )
        or ("Book chapter" if chapter_title else "Book"),
    )


def parse(path: Path) -> Iterator[ParsedRecord | Skipped]:
    for element in iter_elements(path, ("PubmedArticle", "PubmedBookArticle")):
        if isinstance(element, Skipped):
            yield element
            continue
        if element.tag == "PubmedArticle":
            record = _journal_article(element)
        else:
            record = _book_article(element)
        record.raw = serialise(element)
        record.line = element.sourceline or 0
        yield record
