"""The fast leave-one-out path (interpolated sums, k > 400) equals direct refits."""

import numpy as np
import pytest

import analysis.stats.loo_sums as loo_sums
from analysis.stats.influence import influence, leave_one_out
from analysis.stats.pooling import pool


@pytest.fixture(scope="module")
def large():
    rng = np.random.default_rng(600)
    vi = rng.uniform(0.01, 0.5, 600)
    yi = rng.normal(0.3, np.sqrt(vi + 0.1))
    return yi, vi


@pytest.mark.parametrize("method", ["REML", "ML", "EB", "PM", "SJ", "DL"])
def test_interpolated_leave_one_out_equals_direct_sums(large, method, monkeypatch):
    fit = pool(*large, method=method, test="knha")
    fast = leave_one_out(fit)
    monkeypatch.setattr(loo_sums, "DIRECT_MAX_K", 10**9)
    slow = leave_one_out(fit)
    for attr in ("estimate", "se", "tau2", "i2", "q"):
        assert np.allclose(getattr(fast, attr), getattr(slow, attr), rtol=1e-10, atol=1e-12), attr


def test_interpolated_leave_one_out_equals_refitting(large):
    yi, vi = large
    fit = pool(yi, vi, method="REML")
    loo = leave_one_out(fit)
    inf = influence(fit)
    for i in (0, 299, 599):
        keep = np.arange(yi.size) != i
        ref = pool(yi[keep], vi[keep], method="REML")
        assert loo.estimate[i] == pytest.approx(ref.estimate, rel=1e-10)
        assert loo.tau2[i] == pytest.approx(ref.tau2, rel=1e-10)
        assert inf.tau2_del[i] == pytest.approx(ref.tau2, rel=1e-10)
