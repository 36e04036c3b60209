"""The engine's input and output types, and the per-record features computed once per run."""

from collections.abc import Callable
from dataclasses import dataclass, field

from reviews.dedup import normalise

# Source identifiers that name one database record each: equal values mean the same record.
# ISSN, ISBN and URL are deliberately absent (they name a journal, a book or a landing page).
# Authors beyond the first 25 add nothing to the comparison (lists are often truncated anyway).
MAX_AUTHORS = 25
# Comparisons read at most the first MAX_TITLE_CHARS characters of a title and
# MAX_FIELD_CHARS of a name, journal, volume, page or identifier, before and after normalising.
# Real values are far shorter, so no real comparison changes; but a pair costs the same
# bounded time whatever was imported (five records with 600 KB titles once held a worker for
# minutes), and records stored before imports capped their fields are compared safely.
MAX_TITLE_CHARS = 1_000
MAX_FIELD_CHARS = 300

SOURCE_ID_KEYS = ("embase", "central", "cnki", "wanfang", "wos", "scopus", "pmcid")


@dataclass(frozen=True, slots=True)
class DedupRecord:
    """One record as the engine sees it; tuples everywhere so it is hashable.

    ``other_ids`` holds ``(key, value)`` pairs with the keys of ``ParsedRecord.other_ids``.
    """

    id: int
    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    other_ids: tuple[tuple[str, str], ...] = ()
    translated_title: str = ""
    abstract: str = ""
    publication_type: str = ""
    language: str = ""


@dataclass(frozen=True)
class PairScore:
    """A scored candidate pair (``a < b``).

    Attributes
    ----------
    score : float
        0..1; 1.0 for exact identifier matches.
    rule : str
        ``"doi"``, ``"pmid"``, ``"source_id"`` or ``"fuzzy"``.
    fields : dict[str, float]
        Similarity (0..1) of each field present in both records, for the review page.
    related : bool
        One record is a preprint and the other is not: link them, never merge.
    """

    a: int
    b: int
    score: float
    rule: str
    fields: dict[str, float] = field(default_factory=dict, hash=False)
    related: bool = False


@dataclass(frozen=True, slots=True)
class Features:
    """Normalised fields of one record, computed once and reused for every comparison."""

    id: int
    title: str
    translated_title: str
    title_cjk: bool
    title_parts: tuple[str, ...]
    surnames: tuple[str, ...]
    initials: tuple[str, ...]
    year: int | None
    journal: tuple[tuple[str, ...], ...]
    volume: str
    issue: str
    start_page: str
    end_page: str
    doi: str
    pmid: str
    source_ids: tuple[tuple[str, str], ...]
    preprint: bool
    notice: str


def features(record: DedupRecord) -> Features:
    """Normalise every field of ``record`` once, each read and kept to its length cap."""
    title_text = record.title[:MAX_TITLE_CHARS]
    names = [
        normalise.author_surname_initials(a[:MAX_FIELD_CHARS]) for a in record.authors[:MAX_AUTHORS]
    ]
    names = [(s[:MAX_FIELD_CHARS], i[:MAX_FIELD_CHARS]) for s, i in names if s]
    start, end = normalise.page_range(record.pages[:MAX_FIELD_CHARS])
    title = _title(title_text)
    ids = tuple(
        sorted(
            (key, _field(normalise.normalise_id, value))
            for key, value in record.other_ids
            if key in SOURCE_ID_KEYS and normalise.normalise_id(value[:MAX_FIELD_CHARS])
        )
    )
    journal = record.journal[:MAX_FIELD_CHARS]
    return Features(
        id=record.id,
        title=title,
        translated_title=_title(record.translated_title),
        title_cjk=normalise.has_cjk(title),
        title_parts=tuple(p[:MAX_TITLE_CHARS] for p in normalise.title_parts(title_text)),
        surnames=tuple(n[0] for n in names),
        initials=tuple(n[1] for n in names),
        year=record.year,
        journal=normalise.journal_variants(journal),
        volume=_field(normalise.number_key, record.volume),
        issue=_field(normalise.number_key, record.issue),
        start_page=start[:MAX_FIELD_CHARS],
        end_page=end[:MAX_FIELD_CHARS],
        doi=_field(normalise.normalise_doi, record.doi),
        pmid=_field(normalise.normalise_pmid, record.pmid),
        source_ids=ids,
        preprint=normalise.is_preprint(
            doi=record.doi[:MAX_FIELD_CHARS],
            journal=journal,
            publication_type=record.publication_type[:MAX_FIELD_CHARS],
        ),
        notice=normalise.notice_kind(title_text),
    )


def _title(value: str) -> str:
    """The comparable form of a title, read and kept to MAX_TITLE_CHARS characters."""
    return normalise.title_key(value[:MAX_TITLE_CHARS])[:MAX_TITLE_CHARS]


def _field(normaliser: Callable[[str], str], value: str) -> str:
    """`value` normalised, read and kept to MAX_FIELD_CHARS characters."""
    return normaliser(value[:MAX_FIELD_CHARS])[:MAX_FIELD_CHARS]
