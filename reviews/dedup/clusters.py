"""Transitive groups of duplicate pairs, guarded against chaining two papers together.

Plain union–find on pairs is *single linkage*: if A~B and B~C then A, B and C end up together
even when A and C are clearly different papers (B is a short or incomplete record that looks
like both). The default here is *complete linkage*: pairs are taken strongest first, and two
groups are joined only when every cross pair between them is itself among the given pairs (or
among the ``support`` pairs: scored at least the review threshold). A record that matches only
part of a group stays out and its pair stays for a person to decide.
``bench/bench_dedup.py`` reports both linkages.
"""

from collections.abc import Iterable

from reviews.dedup.records import PairScore

LINKAGES = ("complete", "single")


def clusters(
    pairs: Iterable[PairScore],
    ids: Iterable[int],
    *,
    linkage: str = "complete",
    support: Iterable[PairScore] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
) -> list[frozenset[int]]:
    """Groups of two or more record ids joined by ``pairs``.

    Parameters
    ----------
    pairs
        Pairs accepted as duplicates (usually the automatic ones plus those a person
        confirmed). ``related`` pairs (preprint and published version) are ignored.
    ids
        Every record id of the run; pairs naming other ids are ignored.
    linkage
        ``"complete"`` (default) joins two groups only if every cross pair is in ``pairs`` or
        in ``support``; ``"single"`` is plain union–find.
    support
        Pairs that are not accepted themselves but show the two records are not clearly
        different (usually the review-queue pairs, i.e. all of ``find_pairs``): with them, A~B
        and B~C join A, B, C when A–C scored at least the review threshold.
    cannot_link
        Pairs a person marked "not duplicate": two groups holding such a pair are never joined,
        whatever the linkage.

    Returns
    -------
    list of frozenset
        Sorted by smallest member; the result does not depend on the order of either input.
    """
    if linkage not in LINKAGES:
        raise ValueError(f"linkage must be one of {LINKAGES}, not {linkage!r}")
    known = set(ids)
    chosen = sorted(
        (p for p in pairs if not p.related and p.a in known and p.b in known and p.a != p.b),
        key=lambda p: (-p.score, min(p.a, p.b), max(p.a, p.b)),
    )
    linked = {(min(p.a, p.b), max(p.a, p.b)) for p in chosen}
    linked.update((min(p.a, p.b), max(p.a, p.b)) for p in support if not p.related)
    forbidden = {(min(a, b), max(a, b)) for a, b in cannot_link}
    parent: dict[int, int] = {}
    members: dict[int, list[int]] = {}

    def root(x: int) -> int:
        if x not in parent:
            parent[x] = x
            members[x] = [x]
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in chosen:
        ra, rb = root(p.a), root(p.b)
        if ra == rb:
            continue
        cross = [(min(x, y), max(x, y)) for x in members[ra] for y in members[rb]]
        if any(c in forbidden for c in cross):
            continue
        if linkage == "complete" and not all(c in linked for c in cross):
            continue
        if len(members[ra]) < len(members[rb]) or (
            len(members[ra]) == len(members[rb]) and rb < ra
        ):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra].extend(members.pop(rb))
    groups = [frozenset(m) for m in members.values() if len(m) >= 2]
    return sorted(groups, key=min)
