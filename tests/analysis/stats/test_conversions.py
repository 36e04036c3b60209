"""Extraction conversions: five-number summaries, SE/CI to SD, combining arms."""

import numpy as np
import pytest

from analysis.stats.conversions import (
    ci_difference_to_sd,
    ci_to_sd,
    combine_arms,
    fivenum_to_mean_sd,
    se_to_sd,
)
from analysis.stats.errors import InputError


def _sample(n, seed=1):
    x = np.random.default_rng(seed).normal(50.0, 10.0, n)
    q = np.quantile(x, [0, 0.25, 0.5, 0.75, 1.0])
    return x, q


@pytest.mark.parametrize("n", [50, 400, 4000])
def test_fivenum_estimates_recover_normal_mean_and_sd(n):
    x, (mn, q1, med, q3, mx) = _sample(n)
    for kw in (
        {"q1": q1, "q3": q3},
        {"minimum": mn, "maximum": mx},
        {"q1": q1, "q3": q3, "minimum": mn, "maximum": mx},
    ):
        est = fivenum_to_mean_sd(n=n, median=med, check_skew=False, **kw)
        assert est.mean == pytest.approx(x.mean(), abs=3 * 10 / np.sqrt(n) + 0.5)
        assert est.sd == pytest.approx(x.std(ddof=1), rel=0.25)


def test_median_iqr_follows_luo_and_wan_formulas():
    n, q1, med, q3 = 40, 10.0, 14.0, 20.0
    est = fivenum_to_mean_sd(n=n, median=med, q1=q1, q3=q3, check_skew=False)
    from scipy import stats

    w = 0.7 + 0.39 / n
    assert est.mean == pytest.approx(w * (q1 + q3) / 2 + (1 - w) * med)
    eta = 2 * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25))
    assert est.sd == pytest.approx((q3 - q1) / eta)


def test_skewed_summary_is_left_unconverted_with_a_reason():
    est = fivenum_to_mean_sd(n=100, median=2.0, q1=1.5, q3=9.0)
    assert est.mean is None and "skewed" in est.reason


def test_small_samples_are_not_converted():
    assert fivenum_to_mean_sd(n=4, median=2.0, q1=1.0, q3=3.0).mean is None


def test_unordered_five_numbers_are_rejected():
    with pytest.raises(InputError, match=r"'q1' .* is larger than 'median'"):
        fivenum_to_mean_sd(n=30, median=2.0, q1=3.0, q3=4.0)


def test_se_and_ci_to_sd_follow_the_handbook():
    assert se_to_sd(0.5, 100) == pytest.approx(5.0)
    from scipy import stats

    assert ci_to_sd(9.0, 11.0, 25) == pytest.approx(5 * 2 / (2 * stats.t.ppf(0.975, 24)))
    assert ci_to_sd(9.0, 11.0, 400, small_sample_t=False) == pytest.approx(20 * 2 / 3.919927969)
    se = 2 / (2 * stats.t.ppf(0.975, 58))
    assert ci_difference_to_sd(-1.0, 1.0, 30, 30) == pytest.approx(se / np.sqrt(2 / 30))


def test_combining_two_arms_equals_pooling_the_raw_data():
    rng = np.random.default_rng(3)
    a, b = rng.normal(10, 2, 23), rng.normal(13, 3, 31)
    n, mean, sd = combine_arms(a.size, a.mean(), a.std(ddof=1), b.size, b.mean(), b.std(ddof=1))
    both = np.concatenate([a, b])
    assert (n, mean, sd) == pytest.approx((54, both.mean(), both.std(ddof=1)), rel=1e-12)
