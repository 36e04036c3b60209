"""Transitive groups and the guard against chaining."""

import pytest

from reviews.dedup.clusters import clusters
from reviews.dedup.records import PairScore


def _p(a: int, b: int, score: float = 0.995, related: bool = False) -> PairScore:
    return PairScore(a=a, b=b, score=score, rule="fuzzy", related=related)


def test_pairs_form_transitive_groups_sorted_by_smallest_id():
    pairs = [_p(5, 6), _p(1, 2), _p(2, 3), _p(1, 3)]
    assert clusters(pairs, range(1, 8)) == [frozenset({1, 2, 3}), frozenset({5, 6})]


def test_complete_linkage_refuses_a_chain_through_a_middle_record():
    # 2 looks like both 1 and 3, but 1 and 3 are not a pair: two different papers.
    pairs = [_p(1, 2, 0.999), _p(2, 3, 0.995)]
    assert clusters(pairs, [1, 2, 3]) == [frozenset({1, 2})]
    assert clusters(pairs, [1, 2, 3], linkage="single") == [frozenset({1, 2, 3})]


def test_support_pairs_allow_the_chain_when_the_ends_are_not_clearly_different():
    pairs = [_p(1, 2, 0.999), _p(2, 3, 0.995)]
    support = [_p(1, 3, 0.7)]
    assert clusters(pairs, [1, 2, 3], support=support) == [frozenset({1, 2, 3})]


def test_cannot_link_blocks_a_merge_whatever_the_linkage():
    pairs = [_p(1, 2), _p(2, 3), _p(1, 3)]
    got = clusters(pairs, [1, 2, 3], linkage="single", cannot_link=[(3, 1)])
    assert got == [frozenset({1, 2})]


def test_related_pairs_never_cluster():
    assert clusters([_p(1, 2, 1.0, related=True)], [1, 2]) == []


def test_pairs_outside_the_ids_are_ignored():
    assert clusters([_p(1, 99)], [1, 2]) == []


def test_order_of_pairs_does_not_matter():
    pairs = [_p(1, 2, 0.999), _p(2, 3, 0.995), _p(3, 4, 0.999), _p(1, 3, 0.996)]
    expected = clusters(pairs, range(1, 5))
    assert clusters(list(reversed(pairs)), reversed(range(1, 5))) == expected


def test_unknown_linkage_is_an_error():
    with pytest.raises(ValueError):
        clusters([], [], linkage="average")
