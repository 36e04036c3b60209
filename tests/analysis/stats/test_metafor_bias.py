"""regtest(model="lm"), ranktest() and trimfill() against metafor (TOL in refs)."""

import pytest

from analysis.stats.bias import begg_test, egger_test, trim_and_fill
from analysis.stats.pooling import pool
from tests.analysis.stats.refs import assert_close, cases, extra_params, finite_yi_vi


def _bias_params():
    out = []
    for case in cases():
        for rec in case["measures"]:
            if "regtest" in rec["extras"]:
                y, v = finite_yi_vi(rec)
                ident = f"{case['id']}-{rec['measure']}"
                out.append(pytest.param(y, v, rec["extras"], id=ident))
    return out


@pytest.mark.parametrize(("yi", "vi", "ref"), _bias_params())
def test_egger_regression_matches_regtest_lm(yi, vi, ref):
    res = egger_test(yi, vi)
    assert_close(res.t, ref["regtest"]["zval"], "t")
    assert_close(res.p_value, ref["regtest"]["pval"], "p")
    assert res.df == ref["regtest"]["dfs"]
    assert_close(res.intercept, ref["regtest"]["est"], "limit estimate")
    assert_close(res.intercept_ci, [ref["regtest"]["ci_lb"], ref["regtest"]["ci_ub"]], "ci")


@pytest.mark.parametrize(("yi", "vi", "ref"), _bias_params())
def test_begg_rank_test_matches_ranktest(yi, vi, ref):
    res = begg_test(yi, vi)
    assert_close(res.tau, ref["ranktest"]["tau"], "tau")
    assert_close(res.p_value, ref["ranktest"]["pval"], "p")


@pytest.mark.parametrize(("yi", "vi", "method", "test", "ref"), extra_params("trimfill"))
def test_trim_and_fill_matches_trimfill(yi, vi, method, test, ref):
    res = trim_and_fill(pool(yi, vi, method=method, test=test))
    assert res.k0 == ref["k0"]
    assert res.side == ref["side"]
    assert_close(res.se_k0, ref["se_k0"], "se.k0")
    for attr, key in [
        ("estimate", "estimate"),
        ("se", "se"),
        ("ci_low", "ci_lb"),
        ("ci_high", "ci_ub"),
        ("tau2", "tau2"),
    ]:
        assert_close(getattr(res.fit, attr), ref[key], key)
    assert_close(res.fit.yi, ref["yi"], "filled yi")
    assert_close(res.fit.vi, ref["vi"], "filled vi")


def test_funnel_contours_are_centre_plus_minus_z_times_se():
    import numpy as np

    from analysis.stats.bias import funnel_data

    fit = pool([0.1, 0.3, 0.5, 0.2], [0.04, 0.01, 0.09, 0.02])
    data = funnel_data(fit, levels=(0.95,))
    lo, hi = data.contours[0.95]
    assert data.centre == fit.estimate
    assert np.allclose(hi - fit.estimate, 1.959963984540054 * data.se_grid)
    assert np.allclose(fit.estimate - lo, 1.959963984540054 * data.se_grid)
    assert np.allclose(data.sei, np.sqrt(fit.vi))
    assert data.se_grid.max() >= data.sei.max()


def test_bias_tests_need_three_studies():
    from analysis.stats.errors import StatsError

    with pytest.raises(StatsError, match="at least three studies"):
        egger_test([0.1, 0.2], [0.1, 0.1])
    with pytest.raises(StatsError, match="at least three studies"):
        trim_and_fill(pool([0.1, 0.2], [0.1, 0.1]))


def test_begg_test_switches_to_normal_approximation_for_large_k():
    import numpy as np
    from scipy import stats

    rng = np.random.default_rng(7)
    vi = rng.uniform(0.01, 0.5, 800)
    yi = rng.normal(0.3, np.sqrt(vi))
    res = begg_test(yi, vi)
    assert res.exact is False
    n = yi.size
    z = 3 * res.tau * np.sqrt(n * (n - 1)) / np.sqrt(2 * (2 * n + 5))
    assert res.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)
