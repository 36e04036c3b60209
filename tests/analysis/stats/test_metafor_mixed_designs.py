"""Parallel and within-person studies on one scale, against metafor (TOL in refs).

metafor's reference: escalc() on each design (MD and MC, or SMD and SMCRH),
rbind() in the input order, then rma(); within-person studies without a
reported r get the case's assumed r (see tests/oracle/make_metafor_refs.R).
"""

import numpy as np
import pytest

from analysis.stats.designs import correlation_sensitivity, mixed_designs
from analysis.stats.effect_sizes import paired
from analysis.stats.errors import InputError
from analysis.stats.pooling import pool_effects
from tests.analysis.stats.refs import arr, assert_close, fit_args, measure_records

MIXED = measure_records("mixed")


def _effects(case, measure, r_assumed):
    inp = case["input"]
    return mixed_designs(
        measure,
        design=inp["design"],
        n_t=arr(inp["n_t"]),
        mean_t=inp["mean_t"],
        sd_t=inp["sd_t"],
        n_c=arr(inp["n_c"]),
        mean_c=inp["mean_c"],
        sd_c=inp["sd_c"],
        n=arr(inp["n"]),
        r=arr(inp["r"]),
        r_assumed=r_assumed,
        studies=inp["study"],
    )


@pytest.mark.parametrize(("case", "rec"), MIXED)
def test_mixed_effect_sizes_match_escalc_per_design(case, rec):
    es = _effects(case, rec["measure"], case["r_assumed"])
    assert_close(es.yi, rec["escalc"]["yi"], "yi")
    assert_close(es.vi, rec["escalc"]["vi"], "vi")
    assert_close(es.r, rec["escalc"]["r_used"], "r used")
    design = tuple(case["input"]["design"])
    assert es.designs == design
    assert es.study_measures == tuple(
        rec["within_measure"] if d == "within" else rec["measure"] for d in design
    )
    reported = ~np.isnan(arr(case["input"]["r"]))
    assert es.r_source == tuple(
        None if d == "parallel" else ("reported" if rep else "assumed")
        for d, rep in zip(design, reported, strict=True)
    )
    assert es.measure == rec["measure"]


@pytest.mark.parametrize(("case", "rec"), MIXED)
def test_mixed_pooled_fits_match_rma_on_the_bound_table(case, rec):
    es = _effects(case, rec["measure"], case["r_assumed"])
    for ref in rec["fits"]:
        method, test = fit_args(ref["call"])
        fit = pool_effects(es, method=method, test=test)
        what = f"{method}/{test}"
        assert_close(fit.estimate, ref["estimate"], f"{what} estimate")
        assert_close(fit.se, ref["se"], f"{what} se")
        assert_close([fit.ci_low, fit.ci_high], [ref["ci_lb"], ref["ci_ub"]], f"{what} ci")
        assert_close(fit.p_value, ref["pval"], f"{what} p")
        assert_close(fit.tau2, ref["tau2"], f"{what} tau2")
        assert_close(fit.i2, ref["I2"], f"{what} I2")
        assert_close(fit.q, ref["QE"], f"{what} Q")
        assert_close(fit.weights, ref["weights"], f"{what} weights")


@pytest.mark.parametrize(("case", "rec"), MIXED)
def test_correlation_sensitivity_matches_rma_refits_per_assumed_r(case, rec):
    r_values = [s["r"] for s in rec["sensitivity"]]
    for method, test in (("REML", "z"), ("REML", "knha"), ("DL", "z"), ("DL", "knha")):
        res = correlation_sensitivity(
            lambda r_assumed: _effects(case, rec["measure"], r_assumed),
            r_values,
            method=method,
            test=test,
        )
        assert res.r_values == tuple(r_values)
        unreported = np.isnan(arr(case["input"]["r"])) & (
            np.array(case["input"]["design"]) == "within"
        )
        assert res.assumed == tuple(np.array(case["input"]["study"])[unreported])
        for fit, es, sens in zip(res.fits, res.effects, rec["sensitivity"], strict=True):
            assert_close(es.yi, sens["escalc"]["yi"], f"r={sens['r']} yi")
            assert_close(es.vi, sens["escalc"]["vi"], f"r={sens['r']} vi")
            ref = next(f for f in sens["fits"] if fit_args(f["call"]) == (method, test))
            what = f"r={sens['r']} {method}/{test}"
            assert_close(fit.estimate, ref["estimate"], f"{what} estimate")
            assert_close([fit.ci_low, fit.ci_high], [ref["ci_lb"], ref["ci_ub"]], f"{what} ci")
            assert_close(fit.tau2, ref["tau2"], f"{what} tau2")
            assert_close(fit.i2, ref["I2"], f"{what} I2")


def test_notes_name_the_studies_whose_correlation_was_assumed():
    case = next(p.values[0] for p in MIXED if p.values[0]["id"] == "synthetic_mixed_k10")
    es = _effects(case, "SMD", 0.5)
    assert es.r_assumed == 0.5
    assert "within-person correlation r = 0.5 assumed for Mix 5, Mix 9 (not reported)" in es.notes
    assert any("4 within-person studies (SMCRH)" in n and "6 parallel" in n for n in es.notes)


def test_a_within_person_study_without_r_needs_an_assumption():
    with pytest.raises(InputError, match=r"study 'W', column 'r': .*correlation"):
        mixed_designs(
            "MD",
            design=["parallel", "within"],
            n_t=[20, np.nan],
            mean_t=[5, 4],
            sd_t=[1, 1],
            n_c=[20, np.nan],
            mean_c=[4, 3],
            sd_c=[1, 1],
            n=[np.nan, 12],
            r=[np.nan, np.nan],
            studies=["P", "W"],
        )


def test_missing_parallel_arm_size_names_the_study_and_column():
    with pytest.raises(InputError, match="study 'P', column 'n_c': missing value"):
        mixed_designs(
            "SMD",
            design=["parallel", "within"],
            n_t=[20, np.nan],
            mean_t=[5, 4],
            sd_t=[1, 1],
            n_c=[np.nan, np.nan],
            mean_c=[4, 3],
            sd_c=[1, 1],
            n=[np.nan, 12],
            r=[np.nan, 0.5],
            studies=["P", "W"],
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"measure": "RR"}, "mixed designs pool MD .* or SMD"),
        ({"design": ["parallel", "crossover"]}, "study 'W', column 'design': 'crossover'"),
        ({"r_assumed": 1.5}, "assumed correlation r = 1.5 must be between -1 and 1"),
    ],
)
def test_bad_mixed_input_is_refused_with_a_clear_message(kwargs, message):
    args = dict(
        measure="MD",
        design=["parallel", "within"],
        n_t=[20, np.nan],
        mean_t=[5, 4],
        sd_t=[1, 1],
        n_c=[20, np.nan],
        mean_c=[4, 3],
        sd_c=[1, 1],
        n=[np.nan, 12],
        r=[np.nan, np.nan],
        r_assumed=0.5,
        studies=["P", "W"],
    )
    args.update(kwargs)
    measure = args.pop("measure")
    with pytest.raises(InputError, match=message):
        mixed_designs(measure, **args)


def test_sensitivity_needs_a_study_whose_correlation_is_assumed():
    def build(r_assumed):
        return paired("MC", n=[10], m1=[1], sd1=[1], m2=[0], sd2=[1], r=[0.3], r_assumed=r_assumed)

    with pytest.raises(InputError, match="every within-person study reports r"):
        correlation_sensitivity(build, [0.2, 0.8])


def test_sensitivity_varies_a_review_wide_correlation_in_a_paired_table():
    def build(r_assumed):
        return paired(
            "SMCRH", n=[10, 14], m1=[3, 4], sd1=[1, 1.5], m2=[2, 3.1], sd2=[1.2, 1], r=r_assumed
        )

    res = correlation_sensitivity(build, [0.2, 0.8], method="FE")
    assert res.assumed == ("Study 1", "Study 2")
    # A higher correlation means a smaller variance of the differences, so more precision.
    assert res.fits[1].se < res.fits[0].se


def test_smcrh_needs_three_people():
    with pytest.raises(InputError, match="study 'Study 1', column 'n': SMCRH needs a sample size"):
        paired("SMCRH", n=[2], m1=[1], sd1=[1], m2=[0], sd2=[1], r=[0.5])
