"""A run's results as a table (page, CSV, XLSX), its methods paragraph, and the
summary-of-findings table."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook

from analysis.engine import fmt

TAU2_NAMES = {
    "DL": "DerSimonian–Laird",
    "REML": gettext_lazy("restricted maximum likelihood (REML)"),
    "PM": "Paule–Mandel",
    "ML": gettext_lazy("maximum likelihood"),
    "HE": "Hedges",
    "SJ": "Sidik–Jonkman",
    "EB": gettext_lazy("empirical Bayes"),
}
COMMON_NAMES = {
    "FE": gettext_lazy("a common-effect (inverse-variance) model"),
    "MH": gettext_lazy("a common-effect Mantel–Haenszel model"),
    "PETO": gettext_lazy("Peto's common-effect method"),
}
MEASURE_NAMES = {
    "MD": gettext_lazy("mean difference"),
    "SMD": gettext_lazy("standardised mean difference (Hedges' g)"),
    "RR": gettext_lazy("risk ratio"),
    "OR": gettext_lazy("odds ratio"),
    "RD": gettext_lazy("risk difference"),
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
    "events_t": gettext_lazy("Events (int.)"),
    "mean_t": gettext_lazy("Mean (int.)"),
    "sd_t": gettext_lazy("SD (int.)"),
    "n_t": gettext_lazy("Total (int.)"),
    "events_c": gettext_lazy("Events (control)"),
    "mean_c": gettext_lazy("Mean (control)"),
    "sd_c": gettext_lazy("SD (control)"),
    "n_c": gettext_lazy("Total (control)"),
    "n": gettext_lazy("n (paired)"),
    "r": gettext_lazy("r (paired)"),
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


# The XLSX is for people (the CSV, with the JSON's keys as columns, is for programs).
COLUMN_LABELS = {
    "study": gettext_lazy("Study"),
    "effect": gettext_lazy("Effect"),
    "ci_low": gettext_lazy("95% CI, lower limit"),
    "ci_high": gettext_lazy("95% CI, upper limit"),
    "weight": gettext_lazy("Weight (%)"),
    "rob": gettext_lazy("Risk of bias"),
}
SUMMARY_LABELS = {
    "measure": gettext_lazy("Measure"),
    "method": gettext_lazy("Method"),
    "test": gettext_lazy("Test"),
    "k": gettext_lazy("Studies (k)"),
    "estimate": gettext_lazy("Estimate"),
    "ci_low": gettext_lazy("95% CI, lower limit"),
    "ci_high": gettext_lazy("95% CI, upper limit"),
    "p_value": gettext_lazy("p value"),
    "tau2": "τ²",
    "i2": "I² (%)",
    "q": "Q",
    "q_p": gettext_lazy("p value of Q"),
    "pi_low": gettext_lazy("Prediction interval, lower limit"),
    "pi_high": gettext_lazy("Prediction interval, upper limit"),
    "participants": gettext_lazy("Participants"),
    "plain_language": gettext_lazy("Summary"),
}


def results_xlsx(results: Mapping[str, Any], methods: str) -> bytes:
    """The study table and a summary sheet, headed in the reader's language."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Studies")
    reader = csv.reader(io.StringIO(results_csv(results)))
    for i, row in enumerate(reader):
        if i == 0:
            labels = {**COLUMN_LABELS, **ARM_LABELS}
            sheet.append([str(labels.get(c, c)) for c in row])
        else:
            sheet.append([_cell(x) for x in row])
    sheet.cell(row=sheet.max_row, column=1, value=_("Pooled"))
    summary = book.create_sheet(_("Summary"))
    for key, label in SUMMARY_LABELS.items():
        value = results.get(key)
        if key == "plain_language":
            value = plain_language(results, results["participants"])
        summary.append([str(label), value])
    summary.append([_("Methods"), methods])
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
    if method in COMMON_NAMES:
        model = str(COMMON_NAMES[method])
    else:
        model = _("a random-effects model with τ² estimated by %(estimator)s") % {
            "estimator": TAU2_NAMES.get(method, method)
        }
    if results["test"] == "knha":
        ci = _("the Hartung–Knapp–Sidik–Jonkman method (t distribution)")
    else:
        ci = _("Wald-type (normal) intervals")
    text = [
        _(
            "We pooled the %(measure)s with %(model)s; 95%% confidence intervals and tests "
            "used %(ci)s."
        )
        % {
            "measure": MEASURE_NAMES.get(results["measure"], results["measure"]),
            "model": model,
            "ci": ci,
        }
    ]
    if results["measure"] in ("RR", "OR"):
        text.append(_("Ratios were pooled on the log scale and back-transformed."))
    if method not in COMMON_NAMES:
        text.append(
            _(
                "Heterogeneity was described by τ², I² and Cochran's Q, with a 95%% prediction "
                "interval."
            )
            % {}
        )
    else:
        text.append(_("Heterogeneity was described by τ², I² and Cochran's Q."))
    if results.get("r_assumed") is not None:
        values = {
            "r": f"{results['r_assumed']:g}",
            "varied": ", ".join(f"{r:g}" for r in plan["r_values"]),
        }
        if plan["r_values"]:
            text.append(
                _(
                    "Within-person studies were analysed with a correlation of %(r)s where the "
                    "report gave none, varied to %(varied)s in a sensitivity analysis."
                )
                % values
            )
        else:
            text.append(
                _(
                    "Within-person studies were analysed with a correlation of %(r)s where the "
                    "report gave none."
                )
                % values
            )
    if plan["subgroup"]:
        text.append(
            _(
                "Subgroups (%(subgroup)s) were fitted separately and compared with a test for "
                "subgroup differences."
            )
            % {"subgroup": plan["subgroup"].removeprefix("field:")}
        )
    extra = []
    if plan["leave_one_out"]:
        extra.append(_("leaving out one study at a time"))
    if plan["compare_models"]:
        extra.append(_("the other model (common versus random effects)"))
    if plan["exclude_high_rob"]:
        extra.append(_("excluding studies at high risk of bias"))
    if extra:
        # Translators: joins the items of the list of sensitivity analyses.
        separator = _("; ")
        text.append(_("Sensitivity analyses: %(list)s.") % {"list": separator.join(extra)})
    if plan["small_study"]:
        text.append(
            _(
                "Small-study effects were examined with a funnel plot and, with ten or more "
                "studies, Egger's regression test, Begg's rank correlation test and trim-and-fill."
            )
        )
    text.append(_("Analyses were run in %(engine)s.") % {"engine": results["engine_version"]})
    paragraph = text[0]
    for sentence in text[1:]:
        # Translators: two sentences of the methods paragraph, one after the other (Chinese
        # sentences need no space between them).
        paragraph = _("%(sentence)s %(next)s") % {"sentence": paragraph, "next": sentence}
    return paragraph


def plain_language(results: Mapping[str, Any], participants: int) -> str:
    from analysis.engine import plain_language as line

    return line(results, participants)


def _participants(results: dict[str, Any]) -> str:
    """As GRADE tables write it: "357,347 (13 studies)"."""
    n, k = results["participants"], results["k"]
    if isinstance(n, int):
        return ngettext("%(n)s (%(k)s study)", "%(n)s (%(k)s studies)", k) % {
            "n": f"{n:,}",
            "k": k,
        }
    return ngettext("— (%(k)s study)", "— (%(k)s studies)", k) % {"k": k}


def sof_rows(items: list[dict[str, Any]]) -> list[list[str]]:
    """The summary-of-findings table as text cells, one row per outcome."""
    header = [
        _("Outcome"),
        _("Participants (studies)"),
        _("Relative effect (95% CI)"),
        _("Assumed risk (control)"),
        _("Risk with intervention (95% CI)"),
        _("Certainty"),
        _("Comments"),
    ]
    rows = [header]
    for item in items:
        r = item["results"]
        absolute = item["absolute"]
        if absolute:
            a = absolute["intervention_per_1000"]
            with_int = _("%(estimate)s per 1000 (%(low)s to %(high)s)") % {
                "estimate": a["estimate"],
                "low": a["ci_low"],
                "high": a["ci_high"],
            }
            control = _("%(n)s per 1000") % {"n": absolute["control_per_1000"]}
        else:
            with_int = control = ""
        shown = r.get("back_transformed") or r
        rows.append(
            [
                item["label"],
                _participants(r),
                _("%(measure)s %(estimate)s (%(low)s to %(high)s)")
                % {
                    "measure": r["measure"],
                    "estimate": fmt(shown["estimate"]),
                    "low": fmt(shown["ci_low"]),
                    "high": fmt(shown["ci_high"]),
                },
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
    sheet.title = _("Summary of findings")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
