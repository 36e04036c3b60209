"""rma.mh() and rma.peto() against metafor (TOL in refs)."""

import numpy as np
import pytest

from analysis.stats.mantel_haenszel import mantel_haenszel, peto
from tests.analysis.stats.refs import arr, assert_close, measure_records

KEYS = [
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
]


def _counts(case):
    inp = case["input"]
    cols = {c: arr(inp[c]) for c in ("events_t", "n_t", "events_c", "n_c")}
    keep = ~np.isnan(cols["n_t"])
    studies = [s for s, k in zip(inp["study"], keep, strict=True) if k]
    return dict(
        events1=cols["events_t"][keep],
        n1=cols["n_t"][keep],
        events2=cols["events_c"][keep],
        n2=cols["n_c"][keep],
        studies=studies,
    )


@pytest.mark.parametrize(
    ("case", "rec"), [p for p in measure_records("binary") if "mh" in p.values[1]]
)
def test_mantel_haenszel_matches_rma_mh(case, rec):
    fit = mantel_haenszel(rec["measure"], **_counts(case))
    for attr, key in KEYS:
        assert_close(getattr(fit, attr), rec["mh"][key], key)
    assert_close(fit.weights, rec["mh"]["weights"], "weights")
    assert fit.q_df == rec["mh"]["k_yi"] - 1


@pytest.mark.parametrize(
    ("case", "rec"), [p for p in measure_records("binary") if "peto" in p.values[1]]
)
def test_peto_odds_ratio_matches_rma_peto(case, rec):
    fit = peto(**_counts(case))
    for attr, key in KEYS:
        assert_close(getattr(fit, attr), rec["peto"][key], key)
    assert_close(fit.weights, rec["peto"]["weights"], "weights")
    # Study-level Peto log ORs as escalc(measure="PETO") (double-zero studies left out).
    ref_yi = arr(rec["escalc_peto"]["yi"])[~np.isnan(arr(case["input"]["n_t"]))]
    shown = ~np.isnan(fit.yi)
    assert_close(fit.yi[shown], ref_yi[shown], "yi")


LOO_KEYS = [
    ("estimate", "estimate"),
    ("se", "se"),
    ("stat", "zval"),
    ("p_value", "pval"),
    ("ci_low", "ci_lb"),
    ("ci_high", "ci_ub"),
    ("q", "Q"),
    ("q_p", "Qp"),
    ("i2", "I2"),
    ("h2", "H2"),
]


@pytest.mark.parametrize(
    ("case", "rec", "method"),
    [
        (*p.values, method)
        for method, key in (("MH", "mh"), ("PETO", "peto"))
        for p in measure_records("binary")
        if "leave1out" in p.values[1].get(key, {})
    ],
)
def test_leave_one_out_matches_metafor_leave1out(case, rec, method):
    from analysis.stats.mantel_haenszel import leave_one_out_counts

    ref = rec["mh" if method == "MH" else "peto"]["leave1out"]
    loo = leave_one_out_counts(method=method, measure=rec["measure"], **_counts(case))
    for attr, key in LOO_KEYS:
        assert_close(getattr(loo, attr), ref[key], f"leave1out {key}")
    assert np.all(loo.tau2 == 0)
