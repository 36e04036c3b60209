"""manage.py metaanalyze: flags, JSON keys, table output, bad input (issue #6)."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.analysis.stats.refs import assert_close, cases

ROOT = Path(__file__).resolve().parents[2]
BCG = ROOT / "analysis" / "demo" / "bcg.csv"
KEYS = {
    "k",
    "measure",
    "method",
    "test",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
    "tau2",
    "tau",
    "i2",
    "h2",
    "q",
    "q_df",
    "q_p",
    "pi_low",
    "pi_high",
    "studies",
}


def run(*args) -> str:
    out = StringIO()
    call_command("metaanalyze", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def run_json(*args) -> dict:
    return json.loads(run(*args, "--format", "json"))


def _bcg_ref(measure="RR"):
    case = next(c for c in cases() if c["id"] == "bcg")
    return next(r for r in case["measures"] if r["measure"] == measure)


def test_json_has_every_documented_key_and_matches_metafor_for_bcg():
    doc = run_json(BCG, "--measure", "RR")
    assert set(doc) >= KEYS
    ref = next(f for f in _bcg_ref()["fits"] if f["method"] == "REML" and f["test"] == "z")
    assert (doc["k"], doc["measure"], doc["method"], doc["test"]) == (13, "RR", "REML", "z")
    for key, rkey in [
        ("estimate", "estimate"),
        ("se", "se"),
        ("ci_low", "ci_lb"),
        ("ci_high", "ci_ub"),
        ("p_value", "pval"),
        ("tau2", "tau2"),
        ("i2", "I2"),
        ("h2", "H2"),
        ("q", "QE"),
        ("q_p", "QEp"),
        ("pi_low", "pi_lb"),
        ("pi_high", "pi_ub"),
    ]:
        assert_close(doc[key], ref[rkey], key)
    assert doc["q_df"] == 12
    assert_close([s["weight"] for s in doc["studies"]], ref["weights"], "weights")
    assert_close([s["yi"] for s in doc["studies"]], _bcg_ref()["escalc"]["yi"], "yi")
    bt = doc["back_transformed"]
    assert bt["estimate"] == pytest.approx(np.exp(doc["estimate"]))
    assert bt["ci_low"] == pytest.approx(np.exp(doc["ci_low"]))


def test_fe_json_has_null_prediction_interval():
    doc = run_json(BCG, "--measure", "OR", "--method", "FE")
    assert doc["pi_low"] is None and doc["pi_high"] is None


def test_knha_json_matches_metafor():
    doc = run_json(BCG, "--measure", "RR", "--method", "DL", "--test", "knha")
    ref = next(f for f in _bcg_ref()["fits"] if f["method"] == "DL" and f["test"] == "knha")
    assert_close(doc["ci_low"], ref["ci_lb"], "ci_low")
    assert_close(doc["pi_high"], ref["pi_ub"], "pi_high")


def test_mh_and_peto_match_metafor():
    doc = run_json(BCG, "--measure", "OR", "--method", "MH")
    assert_close(doc["estimate"], _bcg_ref("OR")["mh"]["estimate"], "MH")
    doc = run_json(BCG, "--measure", "OR", "--method", "PETO")
    assert_close(doc["estimate"], _bcg_ref("OR")["peto"]["estimate"], "Peto")


def test_subgroup_json_has_groups_and_test_for_differences():
    doc = run_json(BCG, "--measure", "RR", "--subgroup", "allocation")
    ref = next(s for s in _bcg_ref()["subgroups"] if s["method"] == "REML" and s["test"] == "z")
    assert set(doc["subgroups"]) == {"random", "alternate", "systematic"}
    for g, r in ref["groups"].items():
        assert doc["subgroups"][g]["k"] == r["k"]
        assert_close(doc["subgroups"][g]["estimate"], r["estimate"], g)
        assert_close(doc["subgroups"][g]["tau2"], r["tau2"], g)
    assert_close(doc["q_between"], ref["Q_between"], "Q_between")
    assert doc["q_between_df"] == 2


def test_bias_json_matches_regtest_ranktest_and_trimfill():
    doc = run_json(BCG, "--measure", "RR", "--bias")
    extras = _bcg_ref()["extras"]
    assert_close(doc["egger_t"], extras["regtest"]["zval"], "egger_t")
    assert doc["egger_df"] == extras["regtest"]["dfs"]
    assert_close(doc["begg_p"], extras["ranktest"]["pval"], "begg_p")
    tf = next(t for t in extras["trimfill"] if 'method="REML"' in t["fit_call"])
    assert (doc["trimfill_k0"], doc["trimfill_side"]) == (tf["k0"], tf["side"])
    assert_close(doc["trimfill_estimate"], tf["estimate"], "trimfill")


def test_leave_one_out_json_is_in_input_order_and_matches_leave1out():
    doc = run_json(BCG, "--measure", "RR", "--leave-one-out")
    ref = next(
        r for r in _bcg_ref()["extras"]["leave1out"] if 'method="REML", test="z"' in r["fit_call"]
    )
    assert [r["study"] for r in doc["leave_one_out"]] == [s["study"] for s in doc["studies"]]
    assert_close([r["estimate"] for r in doc["leave_one_out"]], ref["estimate"], "estimate")
    assert_close([r["tau2"] for r in doc["leave_one_out"]], ref["tau2"], "tau2")


def test_table_format_is_a_readable_summary():
    text = run(BCG, "--measure", "RR", "--subgroup", "allocation", "--bias")
    assert "Random-effects (REML) meta-analysis of RR" in text
    assert "Aronson 1948" in text and "Pooled" in text
    fit = next(f for f in _bcg_ref()["fits"] if f["method"] == "REML" and f["test"] == "z")
    pooled = [np.exp(fit[key]) for key in ("estimate", "ci_lb", "ci_ub")]
    assert "{:.2f} [{:.2f}, {:.2f}]".format(*pooled) in text
    sg = next(s for s in _bcg_ref()["subgroups"] if s["method"] == "REML" and s["test"] == "z")
    assert f"Test for subgroup differences: Q = {sg['Q_between']:.2f}, df = 2" in text
    assert "Egger's test" in text and "Trim-and-fill (L0)" in text


def test_table_reports_the_q_profile_interval_for_tau2():
    text = run(BCG, "--measure", "RR")
    ref = next(c for c in _bcg_ref()["extras"]["confint"] if 'method="REML"' in c["fit_call"])
    lo, hi = ref["tau2"][1], ref["tau2"][2]
    assert f"Q-profile 95% CI: tau\u00b2 [{lo:.4f}, {hi:.4f}]" in text


def _write_csv(tmp_path, case, columns):
    inp = case["input"]
    lines = [",".join(columns)]
    for i in range(len(inp["study"])):
        lines.append(",".join("" if inp[c][i] is None else str(inp[c][i]) for c in columns))
    path = tmp_path / f"{case['id']}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_continuous_csv_gives_metafor_smd(tmp_path):
    case = next(c for c in cases() if c["id"] == "normand1999")
    rec = next(r for r in case["measures"] if r["measure"] == "SMD")
    ref = next(f for f in rec["fits"] if f["method"] == "PM" and f["test"] == "knha")
    cols = ["study", "n_t", "mean_t", "sd_t", "n_c", "mean_c", "sd_c"]
    path = _write_csv(tmp_path, case, cols)
    doc = run_json(path, "--measure", "SMD", "--method", "PM", "--test", "knha")
    for key, rkey in [
        ("estimate", "estimate"),
        ("ci_low", "ci_lb"),
        ("tau2", "tau2"),
        ("pi_high", "pi_ub"),
    ]:
        assert_close(doc[key], ref[rkey], key)
    assert "back_transformed" not in doc


def test_paired_csv_with_r_column_gives_metafor_smcr(tmp_path):
    case = next(c for c in cases() if c["id"] == "synthetic_paired_r_per_study")
    rec = next(r for r in case["measures"] if r["measure"] == "SMCR")
    ref = next(f for f in rec["fits"] if f["method"] == "REML" and f["test"] == "z")
    path = _write_csv(tmp_path, case, ["study", "n", "mean_t", "sd_t", "mean_c", "sd_c", "r"])
    doc = run_json(path, "--measure", "SMCR")
    assert_close([s["yi"] for s in doc["studies"]], rec["escalc"]["yi"], "yi")
    assert_close(doc["estimate"], ref["estimate"], "estimate")
    assert_close(doc["tau2"], ref["tau2"], "tau2")


def test_plot_option_writes_an_svg(tmp_path):
    target = tmp_path / "forest.svg"
    run(BCG, "--measure", "RR", "--plot", target)
    assert target.read_text().lstrip().startswith("<?xml")


def _bad(tmp_path, text):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("csv", "measure", "message"),
    [
        ("study,events_t,n_t,events_c\nA,1,10,2\n", "RR", "missing column 'n_c'"),
        (
            "study,events_t,n_t,events_c,n_c\nA,1,10,2,10\nB,x,10,2,10\n",
            "RR",
            "row 2 (study 'B'), column 'events_t': 'x' is not a number",
        ),
        (
            "study,events_t,n_t,events_c,n_c\nA,1,1,2,10\n",
            "OR",
            "row 1 (study 'A'), column 'n_t': group size must be greater than 1",
        ),
        (
            "study,events_t,n_t,events_c,n_c\nA,11,10,2,10\n",
            "OR",
            "row 1 (study 'A'), column 'events_t': 11 events exceed the group size n_t = 10",
        ),
        (
            "study,n_t,mean_t,sd_t,n_c,mean_c,sd_c\nA,10,1,0,10,1,1\n",
            "SMD",
            "row 1 (study 'A'), column 'sd_t': standard deviation must be greater than 0",
        ),
        ("study,n_t,mean_t,sd_t,n_c,mean_c,sd_c\nA,10,1,1,10,1,1\n", "HR", "unknown measure 'HR'"),
    ],
)
def test_bad_input_raises_one_clear_command_error(tmp_path, csv, measure, message):
    with pytest.raises(CommandError) as info:
        run(_bad(tmp_path, csv), "--measure", measure)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_peto_is_refused_for_continuous_data(tmp_path):
    path = _bad(tmp_path, "study,n_t,mean_t,sd_t,n_c,mean_c,sd_c\nA,10,1,1,10,0,1\n")
    with pytest.raises(CommandError, match="PETO applies to dichotomous data"):
        run(path, "--measure", "MD", "--method", "PETO")


def test_bad_input_exits_non_zero_without_a_traceback(tmp_path):
    path = _bad(tmp_path, "study,events_t,n_t,events_c,n_c\nA,1,10,2,10\nB,3,ten,2,10\n")
    proc = subprocess.run(
        [sys.executable, "manage.py", "metaanalyze", str(path), "--measure", "RR"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines == [
        f"CommandError: {path}: row 2 (study 'B'), column 'n_t': 'ten' is not a number"
    ]


def test_one_correlation_for_every_study_is_reported_as_an_assumption(tmp_path):
    path = tmp_path / "paired.csv"
    path.write_text(
        "study,n,mean_t,sd_t,mean_c,sd_c,r\nA,20,5.1,1.2,4.2,1.1,0.5\nB,25,6.0,1.5,5.1,1.4,0.5\n"
    )
    doc = run_json(path, "--measure", "MC")
    assert doc["r_assumed"] == 0.5
    assert "within-person correlation r = 0.5 assumed for every study" in doc["notes"]


def test_repeated_study_names_keep_their_own_weights(tmp_path):
    path = tmp_path / "dups.csv"
    path.write_text(
        "study,events_t,n_t,events_c,n_c\nSmith 2001,3,40,9,41\nSmith 2001,10,120,20,118\n"
        "Jones 1999,4,50,6,52\n"
    )
    doc = run_json(path, "--measure", "RR", "--method", "FE")
    weights = [s["weight"] for s in doc["studies"]]
    assert weights[0] != weights[1]
    assert sum(weights) == pytest.approx(100.0)


def test_a_directory_as_input_is_one_clear_line(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "metaanalyze", str(tmp_path), "--measure", "RR"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"cannot read {tmp_path}" in result.stderr


def test_help_lists_the_librarys_measures_and_methods():
    # The command writes the names out so that it starts without numpy, scipy and pandas
    # (issue #19); they must stay the library's.
    from analysis.management.commands import metaanalyze
    from analysis.stats.summary import ALL_METHODS
    from analysis.stats.tabular import MEASURE_LAYOUT

    assert tuple(MEASURE_LAYOUT) == metaanalyze.MEASURES
    assert metaanalyze.METHODS == ALL_METHODS
