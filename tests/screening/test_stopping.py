"""The stopping criterion (screening/stopping.py) against hand-computed hypergeometric
probabilities: each window's probability is written out with binomial coefficients, as one
would on paper, rather than asked of scipy."""

from math import comb

import numpy as np
import pytest

from screening.stopping import (
    h0_remaining,
    min_p,
    sample_needed,
    stopping_estimate,
)


def _cdf(k: int, urn: int, includes: int, drawn: int) -> float:
    """P(at most k includes among `drawn` records taken from `urn` holding `includes`)."""
    return sum(comb(includes, i) * comb(urn - includes, drawn - i) for i in range(k + 1)) / comb(
        urn, drawn
    )


def test_h0_remaining_is_the_fewest_includes_that_keep_recall_below_target():
    # 3 found; recall < 0.75 means more than 4 in all, so at least 2 still unscreened.
    assert h0_remaining(3, 0.75) == 2
    # 19 found at 95%: 20 in all would be exactly 95%, so H0 needs 21, i.e. 2 more.
    assert h0_remaining(19, 0.95) == 2
    assert h0_remaining(0, 0.95) == 1


def test_p_value_of_a_short_example_by_hand():
    # 10 records, 6 screened: include, include, exclude, include, exclude, exclude. Target 75%:
    # 3 found, so H0 puts at least 2 includes among the 4 unscreened.
    labels = [1, 1, 0, 1, 0, 0]
    # The last n records (n = 1..6) hold k = 0, 0, 1, 1, 2, 3 includes; urn = 4 + n.
    by_hand = [
        3 / 5,  # n=1: C(3,1)/C(5,1)
        6 / 15,  # n=2: C(4,2)/C(6,2)
        22 / 35,  # n=3: (C(4,3) + 3 C(4,2)) / C(7,3)
        35 / 70,  # n=4: (C(5,4) + 3 C(5,3)) / C(8,4)
        81 / 126,  # n=5: (1 + 4*5 + 6*10) / C(9,5)
        155 / 210,  # n=6: (5*1 + 10*5 + 10*10) / C(10,6)
    ]
    assert min_p(labels, 10, 2) == pytest.approx(min(by_hand)) == pytest.approx(0.4)
    found = stopping_estimate(labels, 10, target=0.75, confidence=0.95)
    assert found.p_value == pytest.approx(0.4)
    assert found.includes_found == 3 and found.n_screened == 6
    assert not found.reached


def test_a_long_run_of_excludes_reaches_the_target():
    # 50 records; 3 includes first, then 40 excludes; 7 unscreened. Target 75%: H0 needs 2
    # more. Window of the last 40: no include among 40 drawn from 47 holding 2:
    # C(45,40)/C(47,40) = 7*6 / (47*46) = 0.0194 < 0.05.
    labels = [1, 1, 1] + [0] * 40
    windows = []
    for n in range(1, 44):
        k = sum(labels[-n:])
        windows.append(_cdf(k, 7 + n, 2 + k, n))
    assert min(windows) == pytest.approx(42 / 2162)
    found = stopping_estimate(labels, 50, target=0.75, confidence=0.95)
    assert found.p_value == pytest.approx(42 / 2162)
    assert found.reached
    # One more include unscreened is not rejected (7/47 = 0.149 >= 0.05), two are: the upper
    # bound is 1; at the 0.5 level one is rejected (0.149 < 0.5): the estimate is 0.
    assert found.remaining_upper == 1
    assert found.remaining_estimate == 0
    assert found.recall_lower == pytest.approx(0.75)
    assert found.sample_needed == 0


def test_sample_needed_by_hand():
    # 42 unscreened, 3 found, target 75%: H0 puts 2 includes among them. Drawing n with none
    # found has probability (42-n)(41-n) / (42*41): below 0.05 from n = 33 (9*8/1722 = 0.042;
    # n = 32 gives 10*9/1722 = 0.052).
    assert sample_needed(42, 3, 0.75, 0.05) == 33
    found = stopping_estimate([1, 1, 1, 0, 0, 0, 0, 0], 50, target=0.75, confidence=0.95)
    assert not found.reached and found.sample_needed == 33


def test_nothing_screened_reaches_nothing():
    found = stopping_estimate([], 100)
    assert not found.reached and found.p_value == 1.0
    assert found.recall_lower is None
    assert found.remaining_upper == 100


def test_everything_screened_is_reached():
    found = stopping_estimate([1, 0, 0, 1], 4)
    assert found.reached and found.remaining_upper == 0 and found.remaining_estimate == 0


@pytest.mark.parametrize("target", [0, 1, 1.5])
def test_bad_target_is_refused(target):
    with pytest.raises(ValueError, match="between 0 and 1"):
        stopping_estimate([1, 0], 10, target=target)


def test_more_screened_than_records_is_refused():
    with pytest.raises(ValueError, match="3 records screened but only 2"):
        stopping_estimate([1, 0, 0], 2)


def test_hypergeometric_sum_matches_scipy():
    from scipy.stats import hypergeom

    from screening.stopping import hypergeom_cdf

    rng = np.random.default_rng(7)
    urn = rng.integers(10, 100_000, 200)
    includes = (urn * rng.random(200)).astype(int)
    drawn = (urn * rng.random(200)).astype(int)
    k = (np.minimum(includes, drawn) * rng.random(200)).astype(int)
    ours = hypergeom_cdf(k, urn, includes, drawn)
    assert np.allclose(ours, hypergeom.cdf(k, urn, includes, drawn), atol=1e-8)


def test_long_sequences_test_a_log_spaced_subset_of_windows():
    from screening.stopping import windows

    tested = windows(60_000)
    assert list(tested[:100]) == list(range(1, 101)) and tested[-1] == 60_000
    assert len(tested) <= 160


def test_random_sample_uses_the_one_window_of_the_sample_by_hand():
    # 20 records: 5 screened in relevance order (3 includes), then random order, and 8 drawn
    # at random, none an include; 7 unscreened. Target 75%: H0 puts 2 includes among the 15
    # records unscreened when the sample began. No include among 8 of them:
    # C(13,8)/C(15,8) = 7*6 / (15*14) = 0.2.
    labels = [1, 1, 0, 1, 0] + [0] * 8
    assert _cdf(0, 15, 2, 8) == pytest.approx(0.2)
    found = stopping_estimate(labels, 20, target=0.75, sampled=8)
    assert found.p_value == pytest.approx(0.2)
    assert found.sampled == 8 and found.method.startswith("Hypergeometric random-sampling")
    # The ranked test would also try the last 9 records (a relevance-order exclude among
    # them): C(14,9)/C(16,9) = 7*6 / (16*15) = 0.175, a smaller p-value the sample cannot give.
    ranked = stopping_estimate(labels, 20, target=0.75)
    assert ranked.p_value <= _cdf(0, 16, 2, 9) == pytest.approx(0.175)
    assert ranked.sampled is None and "random-sampling" not in ranked.method


def test_random_sample_of_none_yet_says_nothing():
    found = stopping_estimate([1, 0, 0], 50, sampled=0)
    assert found.p_value == 1.0 and not found.reached
    assert found.remaining_upper == 47  # every unscreened record may be an include
    with pytest.raises(ValueError, match="4 records sampled but only 3 screened"):
        stopping_estimate([1, 0, 0], 50, sampled=4)
