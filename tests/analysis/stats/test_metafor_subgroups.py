"""Separate fits per subgroup and the test for subgroup differences, against metafor."""

import numpy as np
import pytest

from analysis.stats.pooling import pool
from analysis.stats.subgroups import subgroup_analysis
from tests.analysis.stats.refs import arr, assert_close, cases


def _params():
    out = []
    for case in cases():
        for rec in case["measures"]:
            for sg in rec.get("subgroups", []):
                ident = f"{case['id']}-{rec['measure']}-{sg['method']}-{sg['test']}"
                out.append(pytest.param(case, rec, sg, id=ident))
    return out


@pytest.mark.parametrize(("case", "rec", "sg"), _params())
def test_subgroup_fits_and_q_between_match_metafor(case, rec, sg):
    y, v = arr(rec["escalc"]["yi"]), arr(rec["escalc"]["vi"])
    groups = case["input"][sg["column"]]
    res = subgroup_analysis(
        groups, lambda m: pool(y[m], v[m], method=sg["method"], test=sg["test"])
    )
    assert list(res.groups) == list(sg["groups"])
    for g, ref in sg["groups"].items():
        fit = res.groups[g]
        assert fit.k == ref["k"]
        for attr, key in [
            ("estimate", "estimate"),
            ("se", "se"),
            ("ci_low", "ci_lb"),
            ("ci_high", "ci_ub"),
            ("tau2", "tau2"),
            ("i2", "I2"),
            ("p_value", "pval"),
        ]:
            assert_close(getattr(fit, attr), ref[key], f"{g} {key}")
    assert_close(res.q_between, sg["Q_between"], "Q_between")
    assert_close(res.q_between_p, sg["Q_between_p"], "Q_between_p")
    assert res.q_between_df == sg["Q_between_df"]


def test_each_subgroup_gets_its_own_tau2():
    y = np.array([0.1, 0.5, 0.9, 1.0, 1.02, 0.98])
    v = np.full(6, 0.01)
    res = subgroup_analysis(list("aaabbb"), lambda m: pool(y[m], v[m], method="DL"))
    assert res.groups["a"].tau2 > 0.1
    assert res.groups["b"].tau2 == 0.0
    assert res.q_between_df == 1


def test_single_study_subgroup_with_knha_uses_its_z_interval_as_metafor_does():
    y = np.array([0.1, 0.5, 0.9, 1.0])
    v = np.full(4, 0.01)
    res = subgroup_analysis(list("aaab"), lambda m: pool(y[m], v[m], test="knha"))
    assert res.groups["b"].test == "z"
    assert res.groups["b"].se == pytest.approx(0.1)
    assert res.q_between_df == 1
