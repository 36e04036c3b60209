"""A run's results as a table (page, CSV, XLSX), its methods paragraph, and the
summary-of-findings table."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook

from analysis.engine import fmt

TAU2_NAMES = {
    "DL": "DerSimonian–Laird",
    "REML": "restricted maximum likelihood (REML)",
    "PM": "Paule–Mandel",
    "ML": "maximum likelihood",
    "HE": "Hedges",
    "SJ": "Sidik–Jonkman",
    "EB": "empirical Bayes",
}
COMMON_NAMES = {
    "FE": "a common-effect (inverse-variance) model",
    "MH": "a common-effect Mantel–Haenszel model",
    "PETO": "Peto's common-effect method",
}
MEASURE_NAMES = {
    "MD": "mean difference",
    "SMD": "standardised mean difference (Hedges' g)",
    "RR": "risk ratio",
    "OR": "odds ratio",
    "RD": "risk difference",
}


def _shown(results: Mapping[str, Any], value: float | None) -> float | None:
    if value is None:
        return None
    return math.exp(value) if results.get("back_transformed") else value


def study_rows(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """RevMan's table: each study's arm data, its effect with 95% CI and its weight."""
    rows = []
    for study in results["studies"]:
        arms = results["arm_data"].get(study["study"], {})
        y, v = study["yi"], study["vi"]
        half = 1.959963984540054 * math.sqrt(v) if v is not None else None
        rows.append(
            {
                "study": study["study"],
                **arms,
                "effect": _shown(results, y),
                "ci_low": _shown(results, None if y is None or half is None else y - half),
                "ci_high": _shown(results, None if y is None or half is None else y + half),
                "weight": study["weight"],
                "rob": results["rob"].get(study["study"]),
            }
        )
    return rows


# RevMan's order: the intervention arm, then the control arm; paired studies after.
ARM_ORDER = (
    "events_t",
    "mean_t",
    "sd_t",
    "n_t",
    "events_c",
    "mean_c",
    "sd_c",
    "n_c",
    "n",
    "r",
)
ARM_LABELS = {
    "events_t": "Events (int.)",
    "mean_t": "Mean (int.)",
    "sd_t": "SD (int.)",
    "n_t": "Total (int.)",
    "events_c": "Events (control)",
    "mean_c": "Mean (control)",
    "sd_c": "SD (control)",
    "n_c": "Total (control)",
    "n": "n (paired)",
    "r": "r (paired)",
}


def arm_columns(results: Mapping[str, Any]) -> list[str]:
    """The arm-data columns the run's studies fill, in RevMan's order."""
    seen: set[str] = set()
    for arms in results["arm_data"].values():
        seen.update(arms)
    return [c for c in ARM_ORDER if c in seen]


def results_csv(results: Mapping[str, Any]) -> str:
    columns = ["study", *arm_columns(results), "effect", "ci_low", "ci_high", "weight", "rob"]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore")
    writer.writeheader()
    for row in study_rows(results):
        writer.writerow(row)
    writer.writerow(
        {
            "study": "Pooled",
            "effect": _shown(results, results["estimate"]),
            "ci_low": _shown(results, results["ci_low"]),
            "ci_high": _shown(results, results["ci_high"]),
            "weight": 100.0,
        }
    )
    return out.getvalue()


def results_xlsx(results: Mapping[str, Any], methods: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Studies"
    reader = csv.reader(io.StringIO(results_csv(results)))
    for i, row in enumerate(reader):
        sheet.append(row if i == 0 else [_cell(x) for x in row])
    summary = book.create_sheet("Summary")
    for key in (
        "measure",
        "method",
        "test",
        "k",
        "estimate",
        "ci_low",
        "ci_high",
        "p_value",
        "tau2",
        "i2",
        "q",
        "q_p",
        "pi_low",
        "pi_high",
        "participants",
        "plain_language",
    ):
        summary.append([key, results.get(key)])
    summary.append(["methods", methods])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


def methods_paragraph(results: Mapping[str, Any]) -> str:
    """The methods section's paragraph for this run, from its frozen plan."""
    plan = results["plan"]
    method = results["method"]
    model = COMMON_NAMES.get(
        method, f"a random-effects model with τ² estimated by {TAU2_NAMES.get(method, method)}"
    )
    ci = (
        "the Hartung–Knapp–Sidik–Jonkman method (t distribution)"
        if results["test"] == "knha"
        else "Wald-type (normal) intervals"
    )
    text = [
        f"We pooled the {MEASURE_NAMES.get(results['measure'], results['measure'])} with "
        f"{model}; 95% confidence intervals and tests used {ci}."
    ]
    if results["measure"] in ("RR", "OR"):
        text.append("Ratios were pooled on the log scale and back-transformed.")
    text.append(
        "Heterogeneity was described by τ², I² and Cochran's Q"
        + (", with a 95% prediction interval" if method not in COMMON_NAMES else "")
        + "."
    )
    if results.get("r_assumed") is not None:
        text.append(
            f"Within-person studies were analysed with a correlation of {results['r_assumed']:g} "
            "where the report gave none"
            + (
                f", varied to {', '.join(f'{r:g}' for r in plan['r_values'])} in a sensitivity "
                "analysis"
                if plan["r_values"]
                else ""
            )
            + "."
        )
    if plan["subgroup"]:
        text.append(
            f"Subgroups ({plan['subgroup'].removeprefix('field:')}) were fitted separately and "
            "compared with a test for subgroup differences."
        )
    extra = []
    if plan["leave_one_out"]:
        extra.append("leaving out one study at a time")
    if plan["compare_models"]:
        extra.append("the other model (common versus random effects)")
    if plan["exclude_high_rob"]:
        extra.append("excluding studies at high risk of bias")
    if extra:
        text.append("Sensitivity analyses: " + "; ".join(extra) + ".")
    if plan["small_study"]:
        text.append(
            "Small-study effects were examined with a funnel plot and, with ten or more "
            "studies, Egger's regression test, Begg's rank correlation test and trim-and-fill."
        )
    text.append(f"Analyses were run in {results['engine_version']}.")
    return " ".join(text)


def _participants(results: dict[str, Any]) -> str:
    """As GRADE tables write it: "357,347 (13 studies)"."""
    n, k = results["participants"], results["k"]
    studies = f"{k} stud{'y' if k == 1 else 'ies'}"
    return f"{n:,} ({studies})" if isinstance(n, int) else f"— ({studies})"


def sof_rows(items: list[dict[str, Any]]) -> list[list[str]]:
    """The summary-of-findings table as text cells, one row per outcome."""
    header = [
        "Outcome",
        "Participants (studies)",
        "Relative effect (95% CI)",
        "Assumed risk (control)",
        "Risk with intervention (95% CI)",
        "Certainty",
        "Comments",
    ]
    rows = [header]
    for item in items:
        r = item["results"]
        absolute = item["absolute"]
        if absolute:
            a = absolute["intervention_per_1000"]
            with_int = f"{a['estimate']} per 1000 ({a['ci_low']} to {a['ci_high']})"
            control = f"{absolute['control_per_1000']} per 1000"
        else:
            with_int = control = ""
        shown = r.get("back_transformed") or r
        rows.append(
            [
                item["label"],
                _participants(r),
                f"{r['measure']} {fmt(shown['estimate'])} ({fmt(shown['ci_low'])} to "
                f"{fmt(shown['ci_high'])})",
                control,
                with_int,
                item["certainty"]["label"],
                item["comments"],
            ]
        )
    return rows


def sof_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Summary of findings"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
