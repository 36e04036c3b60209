"""manage.py metaanalyze on parallel and within-person studies together (issue #14).

Numbers are checked against the metafor fixtures of the "mixed" set (TOL in
tests/analysis/stats/refs.py): escalc per design, rbind, rma.
"""

import pytest
from django.core.management.base import CommandError

from tests.analysis.stats.refs import arr, assert_close, cases
from tests.analysis.test_metaanalyze_command import _write_csv, run, run_json

MIXED_COLUMNS = [
    "study",
    "design",
    "n_t",
    "n_c",
    "n",
    "mean_t",
    "sd_t",
    "mean_c",
    "sd_c",
    "r",
]


def _case(ident):
    return next(c for c in cases() if c["id"] == ident)


def _measure(case, measure):
    return next(r for r in case["measures"] if r["measure"] == measure)


def _fit(rec, method="REML", test="z"):
    return next(f for f in rec["fits"] if f["method"] == method and f["test"] == test)


def _assert_fit(doc, ref):
    for key, rkey in [
        ("estimate", "estimate"),
        ("se", "se"),
        ("ci_low", "ci_lb"),
        ("ci_high", "ci_ub"),
        ("p_value", "pval"),
        ("tau2", "tau2"),
        ("i2", "I2"),
        ("q", "QE"),
        ("pi_low", "pi_lb"),
        ("pi_high", "pi_ub"),
    ]:
        assert_close(doc[key], ref[rkey], key)
    assert_close([s["weight"] for s in doc["studies"]], ref["weights"], "weights")


@pytest.mark.parametrize("case_id", ["synthetic_mixed_k10", "synthetic_mixed_k3"])
@pytest.mark.parametrize(
    ("measure", "method", "test"), [("MD", "REML", "z"), ("SMD", "DL", "knha")]
)
def test_mixed_csv_matches_metafor_escalc_per_design_then_rma(
    tmp_path, case_id, measure, method, test
):
    case = _case(case_id)
    rec = _measure(case, measure)
    path = _write_csv(tmp_path, case, MIXED_COLUMNS)
    doc = run_json(
        path,
        "--measure",
        measure,
        "--method",
        method,
        "--test",
        test,
        "--assume-r",
        case["r_assumed"],
    )
    assert doc["measure"] == measure
    assert_close([s["yi"] for s in doc["studies"]], rec["escalc"]["yi"], "yi")
    assert_close([s["vi"] for s in doc["studies"]], rec["escalc"]["vi"], "vi")
    _assert_fit(doc, _fit(rec, method, test))
    assert_close([s["r"] for s in doc["studies"]], rec["escalc"]["r_used"], "r used")
    reported = arr(case["input"]["r"])
    for study, design, r in zip(doc["studies"], case["input"]["design"], reported, strict=True):
        assert study["design"] == design
        if design == "parallel":
            assert (study["measure"], study["r_source"]) == (measure, None)
        else:
            assert study["measure"] == rec["within_measure"]
            assert study["r_source"] == ("assumed" if r != r else "reported")
    assert doc["r_assumed"] == case["r_assumed"]


def test_design_is_inferred_from_which_sample_sizes_a_row_fills(tmp_path):
    case = _case("synthetic_mixed_k10")
    rec = _measure(case, "SMD")
    path = _write_csv(tmp_path, case, [c for c in MIXED_COLUMNS if c != "design"])
    doc = run_json(path, "--measure", "SMD", "--assume-r", "0.5")
    assert [s["design"] for s in doc["studies"]] == case["input"]["design"]
    _assert_fit(doc, _fit(rec))


def test_r_sensitivity_reruns_the_analysis_for_each_assumed_correlation(tmp_path):
    case = _case("synthetic_mixed_k10")
    rec = _measure(case, "SMD")
    path = _write_csv(tmp_path, case, MIXED_COLUMNS)
    doc = run_json(path, "--measure", "SMD", "--assume-r", "0.5", "--r-sensitivity", "0.2,0.5,0.8")
    sens = doc["r_sensitivity"]
    assert sens["assumed_for"] == ["Mix 5", "Mix 9"]
    assert [row["r"] for row in sens["fits"]] == [0.2, 0.5, 0.8]
    for row, ref_r in zip(sens["fits"], rec["sensitivity"], strict=True):
        ref = _fit(ref_r)
        for key, rkey in [("estimate", "estimate"), ("ci_low", "ci_lb"), ("tau2", "tau2")]:
            assert_close(row[key], ref[rkey], f"r={row['r']} {key}")


def test_table_shows_the_correlation_used_for_each_study_and_the_sensitivity(tmp_path):
    case = _case("synthetic_mixed_k10")
    rec = _measure(case, "MD")
    path = _write_csv(tmp_path, case, MIXED_COLUMNS)
    text = run(path, "--measure", "MD", "--assume-r", "0.5", "--r-sensitivity", "0.2,0.8")
    lines = text.splitlines()
    mix2 = next(ln for ln in lines if ln.startswith("Mix 2 "))
    mix5 = next(ln for ln in lines if ln.startswith("Mix 5 "))
    mix1 = next(ln for ln in lines if ln.startswith("Mix 1 "))
    assert "within (MC)" in mix2 and "r = 0.62 reported" in mix2
    assert "within (MC)" in mix5 and "r = 0.50 assumed" in mix5
    assert "parallel (MD)" in mix1 and "r =" not in mix1
    assert "Note: within-person correlation r = 0.5 assumed for Mix 5, Mix 9" in text
    ref = _fit(rec["sensitivity"][0])
    assert f"  r = 0.20: {ref['estimate']:.2f} [{ref['ci_lb']:.2f}, {ref['ci_ub']:.2f}]" in text


def test_smcrh_on_a_paired_csv_matches_metafor(tmp_path):
    case = _case("synthetic_paired_smcrh")
    rec = _measure(case, "SMCRH")
    path = _write_csv(tmp_path, case, ["study", "n", "mean_t", "sd_t", "mean_c", "sd_c", "r"])
    doc = run_json(path, "--measure", "SMCRH")
    assert_close([s["yi"] for s in doc["studies"]], rec["escalc"]["yi"], "yi")
    assert_close([s["vi"] for s in doc["studies"]], rec["escalc"]["vi"], "vi")
    _assert_fit(doc, _fit(rec))
    assert {s["r_source"] for s in doc["studies"]} == {"reported"}


def test_paired_csv_with_blank_r_uses_the_assumed_correlation(tmp_path):
    case = _case("synthetic_paired_smcrh_r_common")
    rec = _measure(case, "SMCRH")
    path = tmp_path / "blank_r.csv"
    cols = ["study", "n", "mean_t", "sd_t", "mean_c", "sd_c"]
    inp = case["input"]
    rows = [",".join([*cols, "r"])]
    rows += [",".join([*(str(inp[c][i]) for c in cols), ""]) for i in range(len(inp["study"]))]
    path.write_text("\n".join(rows) + "\n")
    doc = run_json(path, "--measure", "SMCRH", "--assume-r", "0.5")
    _assert_fit(doc, _fit(rec))
    assert {s["r_source"] for s in doc["studies"]} == {"assumed"}
    assert doc["r_assumed"] == 0.5


MIXED_HEADER = "study,design,n_t,n_c,n,mean_t,sd_t,mean_c,sd_c,r\n"


@pytest.mark.parametrize(
    ("csv", "args", "message"),
    [
        (
            MIXED_HEADER + "A,parallel,20,22,,5,1,4,1,\nB,within,,,12,5,1,4,1,\n",
            ("--measure", "MD"),
            "row 2 (study 'B'), column 'r': missing value: give the within-person "
            "correlation, or assume one with --assume-r",
        ),
        (
            MIXED_HEADER + "A,parallel,20,22,,5,1,4,1,\nB,split,,,12,5,1,4,1,0.5\n",
            ("--measure", "MD"),
            "row 2 (study 'B'), column 'design': 'split' is neither 'parallel' nor 'within'",
        ),
        (
            "study,n_t,n_c,n,mean_t,sd_t,mean_c,sd_c,r\nA,20,22,12,5,1,4,1,0.5\n",
            ("--measure", "SMD"),
            "row 1 (study 'A'): fill either n (within-person) or n_t and n_c (parallel), not both",
        ),
        (
            MIXED_HEADER + "A,parallel,20,22,,5,1,4,1,0.4\n",
            ("--measure", "SMD"),
            "row 1 (study 'A'), column 'r': a parallel study has no within-person "
            "correlation (leave it blank)",
        ),
        (
            MIXED_HEADER + "A,parallel,20,22,,5,1,4,1,\nB,within,,,12,5,1,4,1,0.5\n",
            ("--measure", "SMCRH"),
            "--measure SMCRH is for within-person studies only; a table that mixes "
            "designs takes --measure MD or SMD",
        ),
        (
            MIXED_HEADER + "A,within,,,12,5,1,4,1,0.5\n",
            ("--measure", "SMD", "--r-sensitivity", "0.2,0.8"),
            "no correlation to vary: every within-person study reports r",
        ),
        (
            MIXED_HEADER + "A,within,,,12,5,1,4,1,\n",
            ("--measure", "SMD", "--assume-r", "1.2"),
            "--assume-r must be a number between -1 and 1 (got 1.2)",
        ),
        (
            MIXED_HEADER + "A,within,,,12,5,1,4,1,\n",
            ("--measure", "SMD", "--assume-r", "0.5", "--r-sensitivity", "0.2,high"),
            "--r-sensitivity takes correlations between -1 and 1 separated by commas "
            "(got '0.2,high')",
        ),
        (
            "study,events_t,n_t,events_c,n_c\nA,1,10,2,10\n",
            ("--measure", "RR", "--r-sensitivity", "0.2,0.8"),
            "--r-sensitivity needs within-person studies (a paired table, or a table "
            "mixing designs for MD or SMD)",
        ),
    ],
)
def test_bad_mixed_input_is_one_clear_command_error(tmp_path, csv, args, message):
    path = tmp_path / "bad.csv"
    path.write_text(csv)
    with pytest.raises(CommandError) as info:
        run(path, *args)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def _bcg_with_design(tmp_path, within):
    case = _case("bcg")
    inp = case["input"]
    lines = ["study,design,events_t,n_t,events_c,n_c"]
    for i, study in enumerate(inp["study"]):
        design = "within" if i in within else "parallel"
        cells = [study, design, *(str(inp[c][i]) for c in ("events_t", "n_t", "events_c", "n_c"))]
        lines.append(",".join(cells))
    path = tmp_path / "bcg_design.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("method", ["REML", "MH"])
def test_dichotomous_within_person_studies_are_analysed_as_parallel_arms_and_say_so(
    tmp_path, method
):
    # The BCG trials are parallel; two are labelled within-person here only to check that
    # such rows are pooled as parallel arms (same numbers as metafor) with the note.
    rec = _measure(_case("bcg"), "RR")
    path = _bcg_with_design(tmp_path, within={0, 3})
    doc = run_json(path, "--measure", "RR", "--method", method)
    ref = rec["mh"] if method == "MH" else _fit(rec)
    assert_close(doc["estimate"], ref["estimate"], "estimate")
    assert_close([doc["ci_low"], doc["ci_high"]], [ref["ci_lb"], ref["ci_ub"]], "ci")
    designs = [s["design"] for s in doc["studies"]]
    assert designs == ["within" if i in (0, 3) else "parallel" for i in range(13)]
    note = next(n for n in doc["notes"] if "analysed as parallel arms" in n)
    assert "Aronson 1948, Hart & Sutherland 1977" in note
    text = run(path, "--measure", "RR", "--method", method)
    assert f"Note: {note}" in text


def test_bad_design_of_a_dichotomous_row_is_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("study,design,events_t,n_t,events_c,n_c\nA,parallel,1,10,2,10\nB,,1,9,3,9\n")
    with pytest.raises(CommandError) as info:
        run(path, "--measure", "OR")
    assert "row 2 (study 'B'), column 'design': '' is neither 'parallel' nor 'within'" in str(
        info.value
    )


def test_help_documents_the_mixed_design_columns():
    from analysis.management.commands.metaanalyze import Command

    text = Command().create_parser("manage.py", "metaanalyze").format_help()
    assert "design is 'parallel' (fill n_t and n_c)" in text
    assert "--assume-r" in text and "--r-sensitivity" in text
