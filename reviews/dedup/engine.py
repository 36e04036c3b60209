"""The engine's entry points: score candidate pairs, split them by threshold.

Complexity: features O(n); blocking O(n · k) keys and at most n · k · MAX_BLOCK / 2 candidate
pairs (see ``blocking``); scoring O(1) per pair, as ``records.features`` caps every string it
keeps (MAX_TITLE_CHARS, MAX_FIELD_CHARS) whatever the records hold; clustering O(p log p) for
p accepted pairs. Overall linear in the number of records.
"""

from collections.abc import Iterable, Sequence

from reviews.dedup import scoring
from reviews.dedup.blocking import candidate_pairs
from reviews.dedup.clusters import clusters
from reviews.dedup.records import DedupRecord, Features, PairScore, features

__all__ = [
    "AUTO_THRESHOLD",
    "REVIEW_THRESHOLD",
    "DedupRecord",
    "PairScore",
    "classify",
    "clusters",
    "find_pairs",
    "mergeable",
]

# Pairs scoring at least AUTO_THRESHOLD merge without a person; pairs in
# [REVIEW_THRESHOLD, AUTO_THRESHOLD) go to the review queue. Chosen on the benchmark sets.
AUTO_THRESHOLD = 0.99
REVIEW_THRESHOLD = 0.5

# A shared DOI is not trusted when the titles (same script) are less similar than this:
# book chapters share the book's DOI, supplements and errata sometimes carry the paper's.
DOI_TITLE_GUARD = 0.6


def doi_trusted(sims: dict[str, float]) -> bool:
    """Whether a shared DOI can be believed, given the other fields.

    Not when the titles (same script) clearly differ, nor when the start pages differ (abstracts
    in a conference supplement often all carry the supplement's DOI), nor when one record is an
    erratum, reply or comment and the other is not.
    """
    title = sims.get("title")
    if title is not None and title < DOI_TITLE_GUARD:
        return False
    # pages 0.5 ("1-6" vs "e12724", overlapping ranges) is not a contradiction; 0.0 is.
    return sims.get("pages") != 0.0 and sims.get("notice", 1.0) == 1.0


def exact_rule(a: Features, b: Features, sims: dict[str, float]) -> str:
    """``"doi"``, ``"pmid"`` or ``"source_id"`` when an identifier proves the match, else ``""``.

    PMID and database accession numbers name one record each and are trusted; a shared DOI only
    when :func:`doi_trusted`.
    """
    if a.doi and a.doi == b.doi and doi_trusted(sims):
        return "doi"
    if a.pmid and a.pmid == b.pmid:
        return "pmid"
    if set(a.source_ids) & set(b.source_ids):
        return "source_id"
    return ""


def score_pair(a: Features, b: Features) -> PairScore:
    """Score one pair of records (``a.id < b.id``)."""
    sims = scoring.field_similarities(a, b)
    related = a.preprint != b.preprint
    rule = "" if related else exact_rule(a, b, sims)
    if rule:
        value = 1.0
    else:
        # A shared DOI that failed doi_trusted says nothing: leave it out of the score.
        shared_doi = bool(a.doi and a.doi == b.doi)
        value = scoring.score(sims, use_doi=not shared_doi, related=related)
    return PairScore(
        a=a.id,
        b=b.id,
        score=value,
        rule=rule or "fuzzy",
        fields=sims,
        related=related,
    )


def find_pairs(
    records: Sequence[DedupRecord], *, review_threshold: float = REVIEW_THRESHOLD
) -> list[PairScore]:
    """All candidate pairs scoring at least ``review_threshold``, plus every exact-ID pair.

    Parameters
    ----------
    records
        Records of one review; ids must be unique.
    review_threshold
        Lowest score worth showing to a person.

    Returns
    -------
    list of PairScore
        Sorted by ``(a, b)``; independent of the order of ``records``.
    """
    feats = sorted((features(r) for r in records), key=lambda f: f.id)
    by_id = {f.id: f for f in feats}
    if len(by_id) != len(feats):
        raise ValueError("record ids must be unique")
    out = []
    for a, b in sorted(candidate_pairs(feats)):
        pair = score_pair(by_id[a], by_id[b])
        if pair.rule != "fuzzy" or pair.score >= review_threshold:
            out.append(pair)
    return out


def classify(
    pairs: Iterable[PairScore], *, auto_threshold: float = AUTO_THRESHOLD
) -> tuple[list[PairScore], list[PairScore]]:
    """Split pairs into (automatic merges, review queue).

    Related pairs (preprint and published version) are never merged automatically: they go to
    the second list with ``related=True``, for the caller to link rather than queue. Nor is a
    notice (erratum, reply, comment) scored against a record that is not one, however high the
    score: losing the paper behind its erratum is worse than showing the pair to a person.
    """
    auto, review = [], []
    for pair in pairs:
        (auto if pair.score >= auto_threshold and mergeable(pair) else review).append(pair)
    return auto, review


def mergeable(pair: PairScore) -> bool:
    """Whether ``pair`` may merge without a person (see :func:`classify`)."""
    if pair.related:
        return False
    return pair.rule != "fuzzy" or pair.fields.get("notice", 1.0) != 0.0
