"""Normalisation of bibliographic fields before they are compared.

Every function here is pure, total (never raises on odd input) and idempotent:
``f(f(x)) == f(x)``. Text goes through Unicode NFKC first, which folds full-width Latin letters,
digits and most full-width punctuation (``，；：（）``) to their ASCII forms; the Chinese
punctuation NFKC leaves alone (``。、《》「」【】`` …) is mapped to spaces.
"""

import re
import unicodedata
from functools import lru_cache

# One DOI rule for the app: the readers store DOIs as deduplication compares them.
from reviews.importers.normalise import normalise_doi

# CJK punctuation that NFKC does not fold to ASCII; all of it separates words or phrases.
_CJK_PUNCT = "。、《》〈〉「」『』【】〔〕〖〗〘〙〚〛・‧—…‘’“”〝〞〟"
_CJK_PUNCT_TABLE = str.maketrans({c: " " for c in _CJK_PUNCT})

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
_NON_WORD = re.compile(
    r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+"
)
# Notes databases add to titles: "[Chinese]", "[Article in Chinese]", "[Review] [33 refs]",
# "[Erratum appears in …]", "[see comments]", "(author's transl)", "(multiple letters)", "[1]".
_NOTE_WORDS = (
    r"article|chinese|english|german|french|spanish|japanese|russian|italian|portuguese|"
    r"polish|korean|dutch|turkish|czech|hungarian|danish|swedish|norwegian|hebrew|persian|"
    r"review|refs?|erratum|errata|comment|comments|see|abstract|translat\w*|author'?s?|"
    r"published|retraction|retracted|letter|editorial|multiple|corrected|correction|"
    r"discussion|reprint|summary|\d+"
)
# A note may hold one bracketed note of its own ("[Erratum appears in … Note: Niauif, P
# [added]]"), and a note cut off by a length limit has no closing bracket.
_TRAILING_NOTE = re.compile(
    rf"\s*(?:\[(?:{_NOTE_WORDS})\b(?:[^\[\]]|\[[^\[\]]*\])*(?:\]|$)"
    rf"|\((?:{_NOTE_WORDS})\b(?:[^()]|\([^()]*\))*(?:\)|$))"
    r"\s*\.?\s*$",
    re.IGNORECASE,
)
_LANGUAGE_TAG = re.compile(r"\s+LA:\s*\w+\s*$")
_CITED = re.compile(r"\.\.\.\s.*$")  # "Title... N Engl J Med. 2009 Jan 29;360(5):544-6"
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
# The paper a correction notice corrects, cited after its title. Web of Science: "Title (vol 142,
# pg 310, 2003)", "(Retraction of vol 7, art no e123, 2012)"; Embase: "Title (New England
# Journal of Medicine (2009) 360 (542-544))". Both mark the record as a notice (notice_kind).
_WOS_CITED = re.compile(
    r"\s*\((?:retraction of\s+)?vol\.?\s*[^,()]+,\s*(?:pg|p|art\.?\s*no\.?)\s*[^,()]+,\s*"
    r"(?:yr\s*)?\d{4}\)\s*\.?$",
    re.IGNORECASE,
)
_JOURNAL_WORDS = r"[a-z][\w.,&'\-]*(?:\s+[\w.,&'\-]+)+"  # two words or more
_EMBASE_CITED = re.compile(
    rf"\s*\({_JOURNAL_WORDS}\s\((?:\d{{4}}|(?:{_MONTHS})[a-z]*\.?\s[^()]*\d{{4}})\)"
    r"\s*[\w\s,.:\-]*\([\w\s,.:\-]+\)\)\s*\.?$",
    re.IGNORECASE,
)
# The same citation cut off by a length limit: "… (The Journal of Pediatrics (M".
_EMBASE_CITED_CUT = re.compile(
    rf"\s*\({_JOURNAL_WORDS}\s\((?:\d{{4}}|(?:{_MONTHS})[a-z]*|[a-z]{{1,8}}$)[^()]*$",
    re.IGNORECASE,
)
# Notice markers that are not part of the paper's title: "Erratum: Title", "Corrigendum to
# "Title"", "Reply: Title", "Title - Reply", ""Title": Correction", "Title AUTHORS REPLY".
# Only with a separator, so the paper "Correction of post-stroke cognitive impairments" keeps
# its first word (notice_kind still flags it, on every copy alike).
_NOTICE_WORDS = (
    r"erratum|errata|corrigendum|correction|retraction(?:\s+notice)?|retracted|withdrawn|"
    r"expression\s+of\s+concern|(?:authors?'?s?'?\s+|in\s+)?reply|response|"
    r"comment(?:ary)?\s+on|letter\s+to\s+the\s+editor"
)
# A separator is a colon or full stop, or a dash with spaces around it ("Response-adapted
# therapy" and "… dose-response" are titles, not notices).
_SEP = r"(?:\s*[:.]|\s+[-–—]+)(?=\s|$)"
_NOTICE_PREFIX = re.compile(
    rf"^\W*(?:(?:erratum|errata|corrigendum|correction)\s+to\b(?:{_SEP})?|(?:{_NOTICE_WORDS})"
    rf"(?:\s+to)?{_SEP})\s*",
    re.IGNORECASE,
)
_NOTICE_SUFFIX = re.compile(
    rf"(?:{_SEP}\s*(?:authors?'?s?'?\s+)?|\s+authors?'?s?'?\s+)"
    r"(reply|erratum|corrigendum|correction|retraction)\W*$",
    re.IGNORECASE,
)
# Article-type labels some databases append to the title: "…: Brief communication".
_ARTICLE_TYPE = re.compile(
    rf"{_SEP}\s*(?:(?:brief|short|rapid)\s+(?:communication|report)|original\s+"
    r"(?:article|research|investigation|contribution)|research\s+letter)\s*\.?$",
    re.IGNORECASE,
)


def clean_title(title: str) -> str:
    """Title without database notes, citation tails or the brackets MEDLINE puts around
    translated titles (``"[Effect of X on Y]. [Chinese]"`` -> ``"Effect of X on Y"``)."""
    value = text(title).strip(" \"'")
    value = _LANGUAGE_TAG.sub("", value)
    if len(value) > 40:
        value = _CITED.sub("", value)
    for _ in range(4):
        stripped = _NOTICE_PREFIX.sub("", value).strip(" \"'")
        if stripped == value or len(stripped) < 10:
            break
        value = stripped
    for _ in range(4):
        stripped = _strip_trailer(value)
        if stripped == value or len(stripped) < 10:
            break
        value = stripped
    value = value.strip().rstrip(".").strip(" \"'")
    if value.startswith("[") and value.endswith("]") and "[" not in value[1:-1]:
        value = value[1:-1]
    return value


_SUFFIX_WORDS = frozenset("reply erratum corrigendum correction retraction".split())  # noqa: SIM905
_ARTICLE_TYPE_WORDS = frozenset(
    "communication report article research investigation contribution letter".split()  # noqa: SIM905
)


def _last_word(value: str) -> str:
    words = value.rstrip(" .\"'").rsplit(None, 1)
    return words[-1].lower() if words else ""


def _strip_trailer(value: str) -> str:
    """One pass of the trailing-note patterns; each runs only when the text could hold its
    note (they scan the whole title, and this runs for every record)."""
    if "[" in value or "(" in value:
        value = _TRAILING_NOTE.sub("", value).rstrip(" .").strip(" \"'")
        if value.endswith(")"):
            value = _WOS_CITED.sub("", value)
            value = _EMBASE_CITED.sub("", value).rstrip(" .")
        value = _EMBASE_CITED_CUT.sub("", value).rstrip(" .").strip(" \"'")
    last = _last_word(value)
    if last in _SUFFIX_WORDS:
        value = _NOTICE_SUFFIX.sub("", value).rstrip(" .").strip(" \"'")
    elif last in _ARTICLE_TYPE_WORDS:
        value = _ARTICLE_TYPE.sub("", value).rstrip(" .").strip(" \"'")
    return value


def text(value: str) -> str:
    """NFKC-fold, map CJK punctuation to spaces and collapse white space (case kept)."""
    if not value:
        return ""
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).translate(_CJK_PUNCT_TABLE)
    return " ".join(value.split())


def strip_accents(value: str) -> str:
    """Remove combining marks (``é`` -> ``e``) but keep CJK characters intact."""
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def has_cjk(value: str) -> bool:
    """True when the string holds at least one Chinese, Japanese or Korean character."""
    return bool(_CJK_RE.search(value or ""))


# Records that carry the title in two languages: "English <ORIGINAL> FRENCH",
# "Spanish; English", "[English] TO: Portuguese".
_TITLE_PARTS = re.compile(r"\s*<original>\s*|\s+to:\s+|;\s+|\s+=\s+", re.IGNORECASE)


def title_parts(title: str) -> list[str]:
    """Comparable forms of each language part of a bilingual title (empty if there is one)."""
    value = text(title)
    parts = [p for p in _TITLE_PARTS.split(value) if len(p) >= 20]
    if len(parts) < 2:
        return []
    return [title_key(p) for p in parts]


def title_key(title: str) -> str:
    """Comparable form of a title.

    Lower case, no accents, no database notes such as ``[Chinese]``, words separated by one
    space, punctuation removed. CJK characters are kept and the spaces between them dropped, so
    Chinese titles compare character by character whatever spacing the source used.
    """
    value = strip_accents(clean_title(title)).lower()
    value = _NON_WORD.sub(" ", value).strip()
    if has_cjk(value):
        # Drop spaces next to a CJK character; keep them between Latin words.
        value = re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", value)
    return value


def normalise_pmid(pmid: str) -> str:
    """Digits only, without leading zeros; empty if none."""
    digits = "".join(c for c in text(pmid) if c.isdigit()).lstrip("0")
    return digits


def normalise_id(value: str) -> str:
    """Source identifiers (Embase L-number, CENTRAL CN-…, WOS UT, Scopus EID, CNKI, PMCID)."""
    value = text(value).lower()
    value = re.sub(r"^(wos:|pmc|cn-|l)(?=\d)", "", value)
    return re.sub(r"[^0-9a-z]", "", value)


_JOURNAL_STOP = frozenset(
    "the of and in for on to a an de la le les des du der die das und et y e fur".split()  # noqa: SIM905
)


@lru_cache(maxsize=65536)  # journal names repeat across thousands of records
def journal_variants(journal: str) -> tuple[tuple[str, ...], ...]:
    """Token forms of the journal name and of each part of it around ``:``, ``=`` or a spaced
    dash; the whole name comes first.

    ``"Journal of clinical oncology : official journal of ASCO"`` also gives ``("journal",
    "clinical", "oncology")``; ``"Ai zheng = Aizheng = Chinese journal of cancer"`` gives three;
    ``"Nephron - Clinical Practice"`` gives ``("nephron",)``.
    """
    whole = journal_tokens(journal)
    parts = [journal_tokens(p) for p in re.split(r"\s*[:=]\s*|\s+[-–—]\s+", text(journal))]
    out = [whole] + [p for p in parts if p and p != whole]
    return tuple(out) if whole else ()


def journal_tokens(journal: str) -> tuple[str, ...]:
    """Journal name as lower-case words without stop words, bracketed notes or punctuation.

    ``"Cochrane Database of Systematic Reviews (Online)"`` -> ``("cochrane", "database",
    "systematic", "reviews")``.
    """
    value = strip_accents(text(journal)).lower().replace("&", " and ")
    value = re.sub(r"\.\s*conference\b.*$", "", value)  # "Pediatr Nephrol.Conference: 44th …"
    value = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", value)
    value = _NON_WORD.sub(" ", value)
    return tuple(t for t in value.split() if t not in _JOURNAL_STOP)


# Name particles: "van der Berg", "Le Quintrec", "de Jorge" are indexed with and without them.
_PARTICLES = frozenset(
    "van von der den de del della dei di da du des le la lo dos das do ten ter zu vom zur".split()  # noqa: SIM905
)


@lru_cache(maxsize=262144)  # so do author names
def author_surname_initials(author: str) -> tuple[str, str]:
    """Split one author into (surname, initials), both lower case without punctuation.

    Handles ``"Smith J"``, ``"Smith JA"``, ``"Smith, John A."``, ``"J. A. Smith"``,
    ``"John Smith"``, ``"Smith J. A."`` and CJK names (the whole name is the surname). Leading
    particles are dropped (``"van der Berg, J"`` and ``"Berg, J"`` give ``"berg"``), and a
    particle split off as the surname by a converter (``"Le, Quintrec M."``, from ``"Le Quintrec
    M"``) is joined back to the name that follows it.
    """
    value = strip_accents(text(author)).strip()
    if not value:
        return "", ""
    if has_cjk(value):
        return re.sub(r"\s+", "", value), ""
    if "," in value:
        surname, _, given = value.partition(",")
        words = given.split()
        if (
            _all_particles(surname.split())
            and len(words) >= 2
            and _is_name_word(words[0])
            and all(_is_initials(w) for w in words[1:])
        ):
            surname, given = f"{surname} {words[0]}", " ".join(words[1:])
        return _surname(surname), _initials(given)
    tokens = [t for t in re.split(r"\s+", value) if t]
    if len(tokens) == 1:
        return _letters(tokens[0]), ""
    # "Smith J A" / "Smith JA" / "Van der Berg J.": trailing initials, surname before them.
    trailing = len(tokens)
    while trailing > 1 and _is_initials(tokens[trailing - 1]):
        trailing -= 1
    if trailing < len(tokens):
        return _surname(" ".join(tokens[:trailing])), _initials(" ".join(tokens[trailing:]))
    # "J. A. Smith" / "John A. van der Berg": given names first, surname (and its particles) last.
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    return _surname(" ".join(tokens[start:])), _initials(" ".join(tokens[:start]))


def _is_initials(token: str) -> bool:
    bare = token.replace(".", "").replace("-", "")
    return bool(bare) and (
        (token.endswith(".") and len(bare) <= 3) or (bare.isupper() and len(bare) <= 3)
    )


def _is_name_word(token: str) -> bool:
    # "Quintrec", not "Thi" or "Van": short words are often given names or particles.
    return len(token) >= 4 and token[0].isupper() and token[1:].islower()


def _all_particles(words: list[str]) -> bool:
    return bool(words) and all(w.lower() in _PARTICLES for w in words)


def _surname(value: str) -> str:
    """Letters of the surname without leading particles (kept when nothing else is left)."""
    words = value.split()
    start = 0
    while start < len(words) and words[start].lower() in _PARTICLES:
        start += 1
    if 0 < start < len(words):
        value = " ".join(words[start:])
    return _letters(value)


def _letters(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


def _initials(given: str) -> str:
    parts = [p for p in re.split(r"[\s.\-]+", given) if p]
    out = []
    for part in parts:
        if part.isupper() and len(part) <= 3:  # "JA" means two initials
            out.extend(part.lower())
        else:
            out.append(part[0].lower())
    return "".join(c for c in out if c.isalpha())


_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b")
_PAGE_NUMBER = re.compile(r"([a-z]*)(\d+)", re.IGNORECASE)


def page_range(pages: str) -> tuple[str, str]:
    """(start, end) page, with an abbreviated end page expanded.

    ``"123-9"`` -> ``("123", "129")``, ``"123-129"`` -> ``("123", "129")``, ``"123"`` ->
    ``("123", "")``, ``"e1002345"`` -> ``("e1002345", "")``, ``"S12–S15"`` -> ``("s12",
    "s15")``. Leading zeros are dropped. Empty strings when no number is present.
    """
    value = text(pages).lower().replace("–", "-").replace("—", "-")
    if _MONTH.search(value):  # "01-Jun": a page range "1-6" that a spreadsheet made a date
        return "", ""
    parts = [p for p in re.split(r"\s*-\s*", value, maxsplit=1) if p]
    if not parts:
        return "", ""
    start = _PAGE_NUMBER.search(parts[0])
    if not start:
        return "", ""
    prefix, digits = start.group(1), start.group(2).lstrip("0") or "0"
    first = prefix + digits
    if len(parts) < 2:
        return first, ""
    end = _PAGE_NUMBER.search(parts[1])
    if not end:
        return first, ""
    end_digits = end.group(2).lstrip("0") or "0"
    if len(end_digits) < len(digits):  # "123-9" -> 129
        end_digits = digits[: len(digits) - len(end_digits)] + end_digits
    return first, (end.group(1) or prefix) + end_digits


def number_key(value: str) -> str:
    """Volume or issue as its first number (``"Vol. 12"`` -> ``"12"``); text if no number."""
    value = text(value).lower()
    match = re.search(r"\d+", value)
    if match:
        return match.group(0).lstrip("0") or "0"
    return re.sub(r"[^a-z]", "", value)


_PREPRINT_DOI = (
    "10.21203/",  # Research Square
    "10.2139/ssrn",  # SSRN
    "10.48550/arxiv",  # arXiv
    "10.20944/preprints",  # Preprints.org
    "10.31234/",  # PsyArXiv
    "10.31219/",  # OSF Preprints
    "10.1002/essoar",  # ESS Open Archive
)
_PREPRINT_NAME = re.compile(
    r"biorxiv|medrxiv|arxiv|chemrxiv|psyarxiv|ssrn|research ?square|preprints?\b|"
    r"social science research network|osf preprints",
    re.IGNORECASE,
)


def is_preprint(*, doi: str, journal: str, publication_type: str) -> bool:
    """True for a record from a preprint server (by DOI prefix, server name or type)."""
    doi = normalise_doi(doi)
    if doi and (doi.startswith(_PREPRINT_DOI) or re.match(r"10\.1101/\d", doi)):
        # 10.1101/<digits> is bioRxiv/medRxiv; 10.1101/gr…, /gad… are Cold Spring Harbor journals.
        return True
    return bool(_PREPRINT_NAME.search(journal or "") or _PREPRINT_NAME.search(publication_type))


_NOTICE = re.compile(
    r"^\W*(?:erratum|errata|corrigendum|correction|retraction|retracted|withdrawn|"
    r"expression of concern|reply|response|author'?s'? reply|in reply|comment(?:ary)? on|"
    r"letter to the editor)\b",
    re.IGNORECASE,
)
# One kind per family, so "Erratum: X", "Correction to: X" and WoS's "X (vol 1, pg 2, 2003)"
# are the same kind of notice and can match each other.
_NOTICE_FAMILY = {
    "errata": "erratum",
    "corrigendum": "erratum",
    "correction": "erratum",
    "retracted": "retraction",
    "withdrawn": "retraction",
    "response": "reply",
    "author": "reply",
    "authors": "reply",
    "in": "reply",
    "commentary": "comment",
}


def notice_kind(title: str) -> str:
    """``"erratum"``-like notices, replies and comments, detected from the raw title.

    Returns the notice family (``"erratum"``, ``"retraction"``, ``"reply"``, ``"comment"``,
    ``"expression"``, ``"letter"``) or ``""``; such a record shares words (and sometimes a DOI)
    with the paper it is about but is a different record. Found from the start of the title
    (``"Erratum: …"``), its end (``"… - Reply"``, ``"…": Correction``) or a citation of the
    corrected paper after the title (``"… (vol 142, pg 310, 2003)"``, ``"… (New England Journal
    of Medicine (2009) 360 (542-544))"``).
    """
    value = text(title)
    cited = value.rstrip(" .").endswith(")")  # the citation patterns need a closing bracket
    if match := _NOTICE.search(value):
        word = re.sub(r"[^a-z ]", "", match.group(0).lower()).split()[0]
    elif _last_word(value) in _SUFFIX_WORDS and (match := _NOTICE_SUFFIX.search(value)):
        word = match.group(1).lower()
    elif cited and (match := _WOS_CITED.search(value)):
        word = "retraction" if "retraction" in match.group(0).lower() else "erratum"
    elif cited and _EMBASE_CITED.search(value):
        word = "erratum"
    else:
        return ""
    return _NOTICE_FAMILY.get(word, word)
