"""Edge cases named in issue #6: k = 1, equal effects, bad variances, missing values."""

import numpy as np
import pytest

from analysis.stats import effect_sizes
from analysis.stats.errors import ConvergenceError, InputError
from analysis.stats.pooling import pool
from analysis.stats.tau2 import estimate_tau2


def test_single_study_is_reported_without_heterogeneity():
    fit = pool([0.42], [0.04], studies=["Only"], method="REML")
    assert fit.k == 1
    assert fit.estimate == pytest.approx(0.42)
    assert fit.se == pytest.approx(0.2)
    assert (fit.tau2, fit.i2, fit.h2, fit.q, fit.q_df, fit.q_p) == (0.0, 0.0, 1.0, 0.0, 0, 1.0)
    assert fit.weights.tolist() == [100.0]


def test_single_study_with_knha_falls_back_to_z_as_metafor_does():
    fit = pool([0.42], [0.04], method="REML", test="knha")
    assert fit.test == "z" and "z test used" in fit.extra["test_note"]
    assert fit.ci_low == pytest.approx(0.42 - 1.959963984540054 * 0.2)


def test_all_equal_effects_give_zero_heterogeneity_for_every_method():
    for method in ("FE", "DL", "HE", "SJ", "PM", "ML", "REML", "EB"):
        fit = pool([0.3, 0.3, 0.3], [0.1, 0.2, 0.3], method=method)
        assert fit.tau2 == 0.0 and fit.i2 == 0.0 and fit.q == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("bad", [0.0, -0.1])
def test_zero_or_negative_variance_names_the_study(bad):
    with pytest.raises(
        InputError, match=r"study 'Beta', column 'vi': sampling variance must be positive"
    ):
        pool([0.1, 0.2], [0.1, bad], studies=["Alpha", "Beta"])


def test_missing_effect_names_the_study_and_column():
    with pytest.raises(InputError, match=r"study 'Beta', column 'yi': missing"):
        pool([0.1, np.nan], [0.1, 0.1], studies=["Alpha", "Beta"])


def test_missing_arm_data_names_the_study_and_column():
    with pytest.raises(InputError, match=r"study 'Two', column 'sd_c': missing value"):
        effect_sizes.continuous(
            "MD",
            n1=[10, 10],
            m1=[1, 2],
            sd1=[1, 1],
            n2=[10, 10],
            m2=[0, 0],
            sd2=[1, np.nan],
            studies=["One", "Two"],
        )


def test_events_above_group_size_name_the_study():
    with pytest.raises(InputError, match=r"study 'B', column 'events_c': events exceed"):
        effect_sizes.binary(
            "RR", events1=[1, 2], n1=[10, 10], events2=[1, 11], n2=[10, 10], studies=["A", "B"]
        )


def test_non_convergence_is_an_error_not_a_number():
    y = np.array([0.1, 0.9, -0.4, 1.5])
    v = np.array([0.05, 0.1, 0.2, 0.01])
    with pytest.raises(ConvergenceError, match="did not converge"):
        estimate_tau2(y, v, method="REML", maxiter=2)


def test_large_heterogeneity_beyond_metafors_pm_search_range_still_finds_the_root():
    y = np.array([-300.0, 0.0, 300.0])
    v = np.array([1.0, 1.0, 1.0])
    tau2, _ = estimate_tau2(y, v, method="PM")
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / w.sum()
    assert np.sum(w * (y - mu) ** 2) == pytest.approx(2.0, rel=1e-9)


def test_oscillating_fisher_scoring_is_reported_as_non_convergence_like_metafor():
    # metafor 3.8.1 stops with "Fisher scoring algorithm did not converge" on these data.
    y = np.array([0.0] * 8 + [2.0])
    v = np.array([1.0] * 8 + [0.25])
    with pytest.raises(ConvergenceError, match="ML estimator of tau\\^2 did not converge"):
        pool(y, v, method="ML")
