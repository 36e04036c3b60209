"""escalc(): effect sizes and sampling variances against metafor (TOL in refs)."""

import numpy as np
import pytest

from analysis.stats import effect_sizes
from analysis.stats.errors import InputError
from tests.analysis.stats.refs import arr, assert_close, cases, measure_records


def _binary_input(case):
    inp = case["input"]
    cols = {c: arr(inp[c]) for c in ("events_t", "n_t", "events_c", "n_c")}
    keep = ~np.isnan(cols["n_t"])
    studies = [s for s, k in zip(inp["study"], keep, strict=True) if k]
    return {c: x[keep] for c, x in cols.items()}, studies, keep


def _binary(measure, cols, studies, **kw):
    return effect_sizes.binary(
        measure,
        events1=cols["events_t"],
        n1=cols["n_t"],
        events2=cols["events_c"],
        n2=cols["n_c"],
        studies=studies,
        **kw,
    )


@pytest.mark.parametrize(("case", "rec"), measure_records("binary"))
def test_binary_effect_sizes_match_escalc(case, rec):
    cols, studies, keep = _binary_input(case)
    es = _binary(rec["measure"], cols, studies)
    assert_close(es.yi, arr(rec["escalc"]["yi"])[keep], "yi")
    assert_close(es.vi, arr(rec["escalc"]["vi"])[keep], "vi")


@pytest.mark.parametrize(
    ("case", "rec"),
    [p for p in measure_records("binary") if "escalc_drop00" in p.values[1]],
)
def test_dropping_double_zero_studies_matches_escalc_drop00(case, rec):
    cols, studies, keep = _binary_input(case)
    es = _binary(rec["measure"], cols, studies, drop_double_zero=True)
    assert_close(es.yi, arr(rec["escalc_drop00"]["yi"])[keep], "yi")
    assert set(es.dropped) == set(es.double_zero)


@pytest.mark.parametrize(("case", "rec"), measure_records("continuous"))
def test_continuous_effect_sizes_match_escalc(case, rec):
    inp = case["input"]
    es = effect_sizes.continuous(
        rec["measure"],
        n1=inp["n_t"],
        m1=inp["mean_t"],
        sd1=inp["sd_t"],
        n2=inp["n_c"],
        m2=inp["mean_c"],
        sd2=inp["sd_c"],
        studies=inp["study"],
    )
    assert_close(es.yi, rec["escalc"]["yi"], "yi")
    assert_close(es.vi, rec["escalc"]["vi"], "vi")


@pytest.mark.parametrize(("case", "rec"), measure_records("paired"))
def test_paired_effect_sizes_match_escalc(case, rec):
    inp = case["input"]
    common = case.get("r_common")
    r = common if isinstance(common, (int, float)) else inp["r"]
    es = effect_sizes.paired(
        rec["measure"],
        n=inp["n"],
        m1=inp["mean_t"],
        sd1=inp["sd_t"],
        m2=inp["mean_c"],
        sd2=inp["sd_c"],
        r=r,
        studies=inp["study"],
    )
    assert_close(es.yi, rec["escalc"]["yi"], "yi")
    assert_close(es.vi, rec["escalc"]["vi"], "vi")
    assert es.r_assumed == (common if isinstance(common, (int, float)) else None)


def test_zero_cell_studies_are_reported_and_double_zero_kept_by_default():
    case = next(c for c in cases() if c["id"] == "synthetic_binary_zero_cells")
    cols, studies, _ = _binary_input(case)
    es = _binary("RR", cols, studies)
    assert "Bin 5" in es.double_zero and "Bin 8" in es.double_zero
    assert {"Bin 2", "Bin 5", "Bin 8", "Bin 10"} <= set(es.zero_cell_adjusted)
    assert es.dropped == ()
    assert np.all(np.isfinite(es.yi))


def test_paired_designs_refuse_to_guess_the_correlation():
    with pytest.raises(InputError, match="needs the within-person correlation r"):
        effect_sizes.paired("SMCR", n=[10], m1=[1.0], sd1=[1.0], m2=[0.5], sd2=[1.0], r=None)


def test_common_correlation_is_recorded_in_the_notes():
    es = effect_sizes.paired("MC", n=[10, 12], m1=[1, 2], sd1=[1, 1], m2=[0, 1], sd2=[1, 1], r=0.4)
    assert es.r_assumed == 0.4
    assert "r = 0.4 assumed" in es.notes[0]


def test_revman5_smd_uses_the_approximate_correction():
    es = effect_sizes.continuous(
        "SMD", n1=[20], m1=[12.0], sd1=[4.0], n2=[22], m2=[10.0], sd2=[5.0], variant="revman5"
    )
    sdp = np.sqrt((19 * 16 + 21 * 25) / 40)
    d = 2.0 / sdp
    g = d * (1 - 3 / (4 * 42 - 9))
    assert es.yi[0] == pytest.approx(g, rel=1e-12)
    assert es.vi[0] == pytest.approx(1 / 20 + 1 / 22 + g**2 / (2 * (42 - 3.94)), rel=1e-12)


def test_hedges_g_uses_the_exact_gamma_correction():
    m = np.array([2.0, 10.0, 100.0])
    c = effect_sizes.hedges_correction(m)
    approx = 1 - 3 / (4 * m - 1)
    assert np.all(np.abs(c - approx) < 0.01)
    assert np.all(c < 1)
