"""leave1out() and influence() against metafor (TOL in refs)."""

import numpy as np
import pytest

from analysis.stats.influence import influence, leave_one_out
from analysis.stats.pooling import pool
from tests.analysis.stats.refs import assert_close, extra_params


@pytest.mark.parametrize(("yi", "vi", "method", "test", "ref"), extra_params("leave1out"))
def test_leave_one_out_matches_metafor_leave1out(yi, vi, method, test, ref):
    res = leave_one_out(pool(yi, vi, method=method, test=test))
    for attr, key in [
        ("estimate", "estimate"),
        ("se", "se"),
        ("stat", "zval"),
        ("p_value", "pval"),
        ("ci_low", "ci_lb"),
        ("ci_high", "ci_ub"),
        ("q", "QE"),
        ("q_p", "QEp"),
        ("i2", "I2"),
        ("h2", "H2"),
    ]:
        assert_close(getattr(res, attr), ref[key], key)
    if method == "FE":
        assert np.all(res.tau2 == 0)
    else:
        assert_close(res.tau2, ref["tau2"], "tau2")


@pytest.mark.parametrize(("yi", "vi", "method", "test", "ref"), extra_params("influence"))
def test_influence_diagnostics_match_metafor_influence(yi, vi, method, test, ref):
    res = influence(pool(yi, vi, method=method, test=test))
    for attr, key in [
        ("rstudent", "rstudent"),
        ("dffits", "dffits"),
        ("cook_d", "cook_d"),
        ("cov_r", "cov_r"),
        ("tau2_del", "tau2_del"),
        ("qe_del", "QE_del"),
        ("hat", "hat"),
        ("weight", "weight"),
        ("dfbetas", "dfbs"),
    ]:
        assert_close(getattr(res, attr), ref[key], key)
    assert res.influential.tolist() == ref["inf"]
