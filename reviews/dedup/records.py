"""The engine's input and output types, and the per-record features computed once per run."""

from dataclasses import dataclass, field

from reviews.dedup import normalise

# Source identifiers that name one database record each: equal values mean the same record.
# ISSN, ISBN and URL are deliberately absent (they name a journal, a book or a landing page).
# Authors beyond the first 25 add nothing to the comparison (lists are often truncated anyway).
MAX_AUTHORS = 25

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
    """Normalise every field of ``record`` once."""
    names = [normalise.author_surname_initials(a) for a in record.authors[:MAX_AUTHORS]]
    names = [n for n in names if n[0]]
    start, end = normalise.page_range(record.pages)
    title = normalise.title_key(record.title)
    ids = tuple(
        sorted(
            (key, normalise.normalise_id(value))
            for key, value in record.other_ids
            if key in SOURCE_ID_KEYS and normalise.normalise_id(value)
        )
    )
    return Features(
        id=record.id,
        title=title,
        translated_title=normalise.title_key(record.translated_title),
        title_cjk=normalise.has_cjk(title),
        title_parts=tuple(normalise.title_parts(record.title)),
        surnames=tuple(n[0] for n in names),
        initials=tuple(n[1] for n in names),
        year=record.year,
        journal=normalise.journal_variants(record.journal),
        volume=normalise.number_key(record.volume),
        issue=normalise.number_key(record.issue),
        start_page=start,
        end_page=end,
        doi=normalise.normalise_doi(record.doi),
        pmid=normalise.normalise_pmid(record.pmid),
        source_ids=ids,
        preprint=normalise.is_preprint(
            doi=record.doi, journal=record.journal, publication_type=record.publication_type
        ),
        notice=normalise.notice_kind(record.title),
    )
