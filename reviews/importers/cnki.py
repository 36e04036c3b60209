"""CNKI's own E-Study / "CNKI" text export: ``DataType: 1``, then bilingual tags such as
``Title-题名:`` and ``Author-作者:``, one field a line and no blank line between records.

The helpers below the reader (Chinese names, keywords, language, record ids from links,
full-width DOIs) are shared by the other readers of CNKI and Wanfang exports: NoteExpress,
EndNote refer and RefWorks.
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy, gettext_noop

from reviews.importers.base import ParsedRecord, Skipped
from reviews.importers.normalise import (
    clean,
    normalise_doi,
    parse_year,
    split_joined_names,
    split_list,
)
from reviews.importers.tagged import TaggedRecord, read_tagged, start_or_repeat, with_skipped

NAME = "cnki"
LABEL = gettext_lazy("CNKI E-Study text (DataType / Title-题名)")

# "Title-题名: …"; CNKI varies the Chinese half between versions ("Source-刊名",
# "Source-文献来源"), so fields are looked up by the English half only.
_TAG = re.compile(r"^\ufeff?(DataType|[A-Za-z]+-[^\s:：]+)[:：] ?(.*)$")
_SNIFF_START = re.compile(r"^\ufeff?DataType: ?\d", re.MULTILINE)
_SNIFF_BILINGUAL = re.compile(r"^[A-Za-z]+-[^\x00-\x7f\s:：]+[:：]", re.MULTILINE)

# SrcDatabase-来源库 names CNKI's sub-database, which says what kind of document it is.
_SOURCE_TYPES = {
    "期刊": "Journal Article",
    "特色期刊": "Journal Article",
    "博士": "Thesis (doctoral)",
    "硕士": "Thesis (master's)",
    "中国会议": "Conference Paper",
    "国际会议": "Conference Paper",
    "报纸": "Newspaper Article",
    "年鉴": "Yearbook",
    "专利": "Patent",
    "标准": "Standard",
}


def sniff(head: str) -> bool:
    return bool(_SNIFF_START.search(head) and _SNIFF_BILINGUAL.search(head))


def _english_tags(record: TaggedRecord) -> TaggedRecord:
    record.fields = [(tag.split("-", 1)[0], value) for tag, value in record.fields]
    return record


# A record has one title: a second one begins a record whose DataType line was lost (and
# fields before the first DataType line are such a record), which is read with a warning.
NO_DATATYPE = gettext_noop("no DataType line")


def parse(lines: Iterable[tuple[int, str]]) -> Iterator[ParsedRecord | Skipped]:
    starts = start_or_repeat("DataType", {"Title"})
    records = read_tagged(lines, tag_line=_TAG, is_start=lambda tag: starts(tag.split("-", 1)[0]))
    return with_skipped(records, _parsed)


def _parsed(tagged: TaggedRecord) -> ParsedRecord:
    record = _english_tags(tagged)
    title = clean(record.first("Title"))
    source = clean(record.first("SrcDatabase"))
    other_ids = ids_from_url(record.first("Link", "URL"))
    other_ids.update(issn_or_isbn(record.first("ISSN", "ISBN")))
    return ParsedRecord(
        title=title,
        abstract=abstract_text(record.first("Summary", "Abstract")),
        authors=split_names(record.first("Author")),
        year=parse_year(record.first("Year")) or parse_year(record.first("PubTime")),
        journal=clean(record.first("Source", "Journal")),
        volume=clean(record.first("Roll", "Volume")),
        issue=clean(record.first("Period", "Issue")),
        pages=clean(record.first("Page")),
        doi=chinese_doi(record.first("DOI")),
        other_ids=other_ids,
        keywords=split_keywords(record.first("Keyword")),
        language=language(record.first("Language"), title),
        publication_type=_SOURCE_TYPES.get(source, source),
        raw=record.raw,
        line=record.line,
        warnings=[] if record.starts_with("DataType") else [NO_DATATYPE],
    )


# --- shared by the readers of CNKI and Wanfang exports ---------------------------------

# CNKI marks a "summary" that is really the opening of the body text with <正>.
_BODY_MARK = re.compile(r"^<正>\s*")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CNKI_FILENAME = re.compile(r"[?&]filename=([A-Za-z0-9_.\-]+)", re.IGNORECASE)
_WANFANG_QUERY_ID = re.compile(r"[?&]id=([A-Za-z0-9_.\-]+)", re.IGNORECASE)
_WANFANG_PATH_ID = re.compile(
    r"wanfangdata\.com\.cn/(?:[a-z]+/)*?(?:periodical|thesis|conference|patent|standard|"
    r"nstr|cstad|legislations)/([A-Za-z0-9_.\-]+)",
    re.IGNORECASE,
)
_ISSN = re.compile(r"\b\d{4}-?\d{3}[\dXx]\b")
_ISBN = re.compile(r"^(?:97[89][- ]?)?\d[\d -]{7,15}[\dXx]$")
_LANGUAGES = {
    "chi": "chi",
    "zho": "chi",
    "zh": "chi",
    "chinese": "chi",
    "中文": "chi",
    "汉语": "chi",
    "eng": "eng",
    "en": "eng",
    "english": "eng",
    "英文": "eng",
    "英语": "eng",
}


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def abstract_text(text: str) -> str:
    return _BODY_MARK.sub("", clean(text))


def split_names(*values: str) -> list[str]:
    """Authors from CNKI's ``a;b;``, ``a;;b`` or older ``a,b`` lists, or repeated lines.

    Commas separate names only in Chinese lists: in "Smith, J" the comma is part of a name.
    """
    names: list[str] = []
    for value in values:
        separators = ";；" if re.search("[;；]", value) or not has_chinese(value) else ",，"
        names.extend(split_list(value, separators))
    return split_joined_names(names)


def split_keywords(*values: str) -> list[str]:
    """Keywords separated by ``;``, ``;;``, ``；`` or, in yearbook records, commas."""
    keywords: list[str] = []
    for value in values:
        separators = ";；" if re.search("[;；]", value) else ",，"
        keywords.extend(split_list(value, separators))
    return keywords


def language(value: str, title: str) -> str:
    """MEDLINE's code ("chi", "eng") for the stated language, or "chi" for a Chinese title."""
    value = clean(value).strip(";；").strip()
    if value:
        return _LANGUAGES.get(value.lower(), value)
    return "chi" if has_chinese(title) else ""


def chinese_doi(text: str) -> str:
    # Wanfang sometimes writes DOIs with full-width characters: 10.3969／j.issn.1672－187X….
    return normalise_doi(unicodedata.normalize("NFKC", text or ""))


def ids_from_url(url: str) -> dict[str, str]:
    """The link itself and, for CNKI and Wanfang links, the database's record id."""
    url = clean(url)
    if not url:
        return {}
    ids = {"url": url}
    lowered = url.lower()
    if "cnki" in lowered and (match := _CNKI_FILENAME.search(url)):
        ids["cnki"] = match.group(1)
    elif "wanfangdata" in lowered:
        match = _WANFANG_PATH_ID.search(url) or _WANFANG_QUERY_ID.search(url)
        if match:
            ids["wanfang"] = match.group(1)
    return ids


def issn_or_isbn(value: str) -> dict[str, str]:
    """NoteExpress's ``{ISBN/ISSN}`` and RefWorks's ``SN`` hold either; tell them apart."""
    value = clean(value)
    if _ISSN.fullmatch(value):
        return {"issn": value}
    if _ISBN.match(value):
        return {"isbn": value}
    return {}
