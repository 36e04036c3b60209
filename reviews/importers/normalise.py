"""Field clean-up shared by the readers: DOIs, years, pages, names, whitespace."""

import re
import unicodedata

_DOI_PREFIX = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+|https?://doi\.[a-z]+/)", re.IGNORECASE
)
_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
# A year on its own, or at the start of a compact date (MEDLINE's DEP "20210119").
_YEAR = re.compile(
    r"(?<!\d)(1[89]\d\d|20\d\d|2100)(?:(?!\d)|(?=(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)))"
)


def clean(text: str | None) -> str:
    """Collapse runs of whitespace (including newlines from continuation lines)."""
    if not text:
        return ""
    # str.split() splits on exactly the characters the \s regex matches, and is faster.
    return " ".join(text.split())


def normalise_doi(text: str | None) -> str:
    """A DOI in lower case without resolver prefix, e.g. ``10.1001/jama.1994.03510330076038``.

    Accepts bare DOIs, ``doi:`` prefixes, resolver URLs (Ovid exports DOIs as URLs),
    PubMed's ``10.xxx/yyy [doi]`` and full-width forms (``ＤＯＩ：10．1000／ＡＢＣ``, as Chinese
    databases write them). Returns "" when the text holds no DOI. The one DOI rule of the
    app: the readers store DOIs this way and deduplication compares them this way.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).strip()
    text = re.sub(r"\s*\[doi\]\s*$", "", text, flags=re.IGNORECASE)
    text = _DOI_PREFIX.sub("", text)
    match = _DOI_IN_TEXT.search(text)
    if not match:
        return ""
    doi = match.group(0).rstrip(".,;)]}>\"'")
    if not doi.partition("/")[2]:
        return ""  # "10.1234/" has no suffix: not a DOI
    return doi.lower()


def parse_year(text: str | None) -> int | None:
    """The first plausible publication year in a date string (``2020//``, ``2019 Spring``,
    ``1998 Dec-1999 Jan``, ``2021-03-04``, ``20210304``)."""
    if not text:
        return None
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def join_pages(start: str | None, end: str | None) -> str:
    start, end = clean(start), clean(end)
    if start and end and end != start:
        return f"{start}-{end}"
    return start or end


def split_joined_names(names: list[str]) -> list[str]:
    """Authors joined with " and " ("Surname, I and Surname, J", as Zotero, EndNote and
    BibTeX-derived exports write them) as one name each.

    A field is split only where at least one part is written "Surname, Given": then every
    such part is one author, and the parts without a comma between them are joined again,
    being one corporate name ("Johnson and Johnson Research Group", "-ALTS-Study-group").
    Without a comma in any part the " and " may belong to a name, and the field is kept
    whole. Particles ("Le Quintrec, M", "van der Berg, J") are never split.
    """
    result: list[str] = []
    for name in names:
        parts = [clean(part) for part in name.split(" and ")]
        if len(parts) < 2 or not any("," in part for part in parts):
            result.append(name)
            continue
        corporate: list[str] = []
        for part in parts:
            if "," in part:
                if corporate:
                    result.append(" and ".join(corporate))
                    corporate = []
                result.append(part)
            elif part:
                corporate.append(part)
        if corporate:
            result.append(" and ".join(corporate))
    return result


def split_list(text: str | None, separators: str = ";") -> list[str]:
    """Split ``a; b;c`` into ``["a", "b", "c"]``, dropping empty items."""
    if not text:
        return []
    items = re.split("[" + re.escape(separators) + "]", text)
    return [clean(item) for item in items if clean(item)]
