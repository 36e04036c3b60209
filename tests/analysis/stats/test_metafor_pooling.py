"""rma.uni() fits: every tau^2 estimator with z and knha tests, against metafor (TOL in refs)."""

import pytest
from scipy import stats

from analysis.stats.heterogeneity import generalized_q, tau2_interval
from analysis.stats.pooling import pool
from tests.analysis.stats.refs import assert_close, extra_params, fit_params


@pytest.mark.parametrize(("yi", "vi", "ref"), fit_params())
def test_pooled_estimate_and_heterogeneity_match_metafor(yi, vi, ref):
    fit = pool(yi, vi, method=ref["method"], test=ref["test"])
    assert fit.k == ref["k"]
    for ours, key in [
        (fit.estimate, "estimate"),
        (fit.se, "se"),
        (fit.stat, "zval"),
        (fit.p_value, "pval"),
        (fit.ci_low, "ci_lb"),
        (fit.ci_high, "ci_ub"),
        (fit.tau2, "tau2"),
        (fit.i2, "I2"),
        (fit.h2, "H2"),
        (fit.q, "QE"),
        (fit.q_p, "QEp"),
        (fit.weights, "weights"),
    ]:
        assert_close(ours, ref[key], key)


@pytest.mark.parametrize(("yi", "vi", "ref"), fit_params())
def test_prediction_interval_matches_metafor_predict(yi, vi, ref):
    fit = pool(yi, vi, method=ref["method"], test=ref["test"])
    if ref["method"] == "FE":
        # metafor's predict() returns the CI for a common-effect model; we report none.
        assert fit.pi_low is None and fit.pi_high is None
    else:
        assert_close(fit.pi_low, ref["pi_lb"], "pi_lb")
        assert_close(fit.pi_high, ref["pi_ub"], "pi_ub")


@pytest.mark.parametrize(("yi", "vi", "method", "test", "ref"), extra_params("confint"))
def test_q_profile_interval_for_tau2_matches_metafor_confint(yi, vi, method, test, ref):
    fit = pool(yi, vi, method=method, test=test)
    ci = tau2_interval(fit)
    edge = max(100.0, 10 * fit.tau2)
    if abs(ref["tau2"][2] - edge) <= 1e-9 * edge:
        # metafor stopped its search at max(100, 10 tau2) and warned; we widen the search,
        # so our bound lies beyond that edge and solves the Q-profile equation exactly.
        assert ci.tau2[2] > edge
        target = stats.chi2.ppf(0.025, fit.k - 1)
        assert generalized_q(fit.yi, fit.vi, ci.tau2[2])[0] == pytest.approx(target, rel=1e-9)
        assert_close(ci.tau2[:2], ref["tau2"][:2], "tau2")
        assert_close(ci.i2[:2], ref["I2"][:2], "I2")
        return
    assert_close(ci.tau2, ref["tau2"], "tau2")
    assert_close(ci.tau, ref["tau"], "tau")
    assert_close(ci.i2, ref["I2"], "I2")
    assert_close(ci.h2, ref["H2"], "H2")
