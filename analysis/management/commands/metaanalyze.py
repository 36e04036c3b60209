"""``manage.py metaanalyze INPUT.csv``: pool a study table from the command line.

A thin layer over :mod:`analysis.stats`: read and validate the CSV, run the
analysis, print a RevMan-like table or the JSON document, optionally draw the
forest plot. Bad input ends with one ``CommandError`` line naming the row and
column, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.management.base import BaseCommand, CommandError

from analysis.stats.errors import StatsError

if TYPE_CHECKING:
    from analysis.stats.summary import Analysis

PLOT_SUFFIXES = (".svg", ".png")
# The names --help lists, written out so that starting the command does not load numpy,
# scipy and pandas (over a second); the library's own lists are checked equal by
# tests/analysis/test_metaanalyze_command.py. The analysis imports them when it runs.
MEASURES = ("MD", "SMD", "MC", "SMCC", "SMCR", "SMCRH", "RR", "OR", "RD")
METHODS = ("FE", "DL", "REML", "PM", "ML", "HE", "SJ", "EB", "MH", "PETO")


COLUMNS_HELP = """

CSV columns, one row per study:
  continuous (MD, SMD):  study, n_t, mean_t, sd_t, n_c, mean_c, sd_c
  paired (MC, SMCC, SMCR, SMCRH):  study, n, mean_t, sd_t, mean_c, sd_c, r
  dichotomous (RR, OR, RD):  study, events_t, n_t, events_c, n_c, and
    optionally design: 'within' rows are analysed as parallel arms (stated)
  mixed designs (MD with MC, SMD with SMCRH):  study, design, n_t, n_c, n,
    mean_t, sd_t, mean_c, sd_c, r; design is 'parallel' (fill n_t and n_c)
    or 'within' (fill n and r; mean_t/sd_t and mean_c/sd_c are the two
    sides). Without a design column each row's design follows from whether
    it fills n_t and n_c or n.
r is the within-person correlation; leave it blank where a study reports
none and give --assume-r. The r used for each study, and whether it was
reported or assumed, is shown in the output.
"""


def _correlation(text: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not -1 <= value <= 1:
        raise CommandError(f"{option} must be a number between -1 and 1 (got {text})")
    return value


def _correlations(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(x) for x in text.split(","))
    except ValueError:
        values = ()
    if not values or not all(-1 <= v <= 1 for v in values):
        raise CommandError(
            "--r-sensitivity takes correlations between -1 and 1 separated by commas "
            f"(got '{text}')"
        )
    return values


class Command(BaseCommand):
    # A scripting command skips the system checks: they import every view (and with them
    # the plotting and statistics stack) to check the URLs, about a second per call;
    # `manage.py check`, `migrate` and the servers still run them.
    requires_system_checks: list[str] = []

    help = (
        "Meta-analyse a CSV of study results (effect sizes, pooling, heterogeneity, bias)."
        + COLUMNS_HELP
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Keep the line breaks of the column list in --help.
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("input", help="CSV file with one row per study")
        parser.add_argument("--measure", required=True, help=", ".join(MEASURES))
        parser.add_argument("--method", default="REML", help=", ".join(METHODS))
        parser.add_argument("--test", default="z", help="z or knha")
        parser.add_argument("--subgroup", metavar="COLUMN", help="fit each subgroup separately")
        parser.add_argument("--bias", action="store_true", help="Egger, Begg, trim-and-fill")
        parser.add_argument("--leave-one-out", action="store_true", dest="leave_one_out")
        parser.add_argument(
            "--assume-r",
            metavar="R",
            dest="assume_r",
            help="within-person correlation for studies whose r is blank",
        )
        parser.add_argument(
            "--r-sensitivity",
            metavar="R,R,...",
            dest="r_sensitivity",
            help="re-run the analysis for each assumed r, e.g. 0.2,0.5,0.8",
        )
        parser.add_argument("--format", default="table", choices=("table", "json"))
        parser.add_argument("--plot", metavar="FILE", help="write a forest plot (.svg or .png)")

    def handle(self, *args, **opts):
        measure = str(opts["measure"]).upper()
        method = str(opts["method"]).upper()
        test = str(opts["test"]).lower()
        if method not in METHODS:
            raise CommandError(
                f"unknown method '{opts['method']}' (choose from {', '.join(METHODS)})"
            )
        if test not in ("z", "knha"):
            raise CommandError(f"unknown test '{opts['test']}' (choose z or knha)")
        assume_r = opts.get("assume_r")
        if assume_r is not None:
            assume_r = _correlation(str(assume_r), "--assume-r")
        sensitivity = opts.get("r_sensitivity")
        if sensitivity is not None:
            sensitivity = _correlations(str(sensitivity))
        plot = opts.get("plot")
        if plot and Path(plot).suffix.lower() not in PLOT_SUFFIXES:
            raise CommandError(f"--plot file must end in .svg or .png: {plot}")
        import numpy as np

        from analysis.stats.summary import analyse, to_dict
        from analysis.stats.tabular import read_table, validate

        try:
            table = validate(
                read_table(opts["input"]),
                measure,
                subgroup=opts.get("subgroup"),
                assume_r=assume_r,
            )
            result = analyse(
                table,
                measure=measure,
                method=method,
                test=test,
                bias=opts["bias"],
                loo=opts["leave_one_out"],
                assume_r=assume_r,
                r_sensitivity=sensitivity,
            )
            # Rendering computes more (the tau² interval); its failures are the input's too.
            output = (
                json.dumps(to_dict(result), indent=2)
                if opts["format"] == "json"
                else render_table(result)
            )
        except (StatsError, ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            raise CommandError(f"{opts['input']}: {exc}") from None
        if plot:
            from analysis.plots import forest_plot  # matplotlib only when asked for

            try:
                forest_plot(result.fit, plot, subgroups=result.subgroups)
            except OSError as exc:
                raise CommandError(f"cannot write plot {plot}: {exc.strerror or exc}") from None
        self.stdout.write(output)


def _fmt(x: float | None, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "NA"
    return f"{x:.{digits}f}"


def _p(p: float | None) -> str:
    if p is None or math.isnan(p):
        return "p = NA"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def render_table(a: Analysis) -> str:
    """A RevMan-like plain-text summary."""
    import numpy as np

    from analysis.stats.heterogeneity import tau2_interval
    from analysis.stats.summary import IV_METHODS

    f = a.fit
    ratio = f.is_ratio
    tr = math.exp if ratio else (lambda x: x)
    label = {
        "FE": "Common-effect (inverse variance)",
        "MH": "Common-effect (Mantel-Haenszel)",
        "PETO": "Common-effect (Peto)",
    }.get(f.method, f"Random-effects ({f.method})")
    scale = f"{a.effects.measure}" + (
        " (shown exponentiated; computed on the log scale)" if ratio else ""
    )
    test = f"Hartung-Knapp (t, df = {f.df})" if f.test == "knha" else "z"
    lines = [f"{label} meta-analysis of {scale}", f"Test: {test}; k = {f.k}", ""]
    width = max([len("Study")] + [len(s) for s in a.effects.studies]) + 2
    designs = _design_column(a.effects)
    lines.append(
        f"{'Study':<{width}}{'Effect [95% CI]':<30}{'Weight':>8}" + ("  Design" if designs else "")
    )
    rows = zip(a.effects.studies, a.effects.yi, a.effects.vi, f.weights, strict=True)
    for i, (s, y, v, w) in enumerate(rows):
        if np.isnan(y):
            lines.append(f"{s:<{width}}{'(double-zero, not estimable)':<30}{'':>8}")
            continue
        half = 1.959963984540054 * math.sqrt(v)
        eff = f"{_fmt(tr(y))} [{_fmt(tr(y - half))}, {_fmt(tr(y + half))}]"
        design = f"  {designs[i]}" if designs else ""
        lines.append(f"{s:<{width}}{eff:<30}{_fmt(w, 1) + '%':>8}{design}")
    lines.append("")
    pooled = f"{_fmt(tr(f.estimate))} [{_fmt(tr(f.ci_low))}, {_fmt(tr(f.ci_high))}]"
    lines.append(f"{'Pooled':<{width}}{pooled:<30}{'100.0%':>8}")
    lines.append(
        f"Test for overall effect: {'t' if f.test == 'knha' else 'z'} = {_fmt(f.stat)} "
        f"({_p(f.p_value)})"
    )
    if f.method not in ("FE", "MH", "PETO") and f.pi_low is not None:
        lines.append(f"Prediction interval: [{_fmt(tr(f.pi_low))}, {_fmt(tr(f.pi_high))}]")
    lines.append(
        f"Heterogeneity: tau\u00b2 = {_fmt(f.tau2, 4)}; tau = {_fmt(f.tau, 4)}; "
        f"Q = {_fmt(f.q)}, df = {f.q_df} ({_p(f.q_p)}); I\u00b2 = {_fmt(f.i2, 1)}%; "
        f"H\u00b2 = {_fmt(f.h2)}"
    )
    if f.method in IV_METHODS and f.method != "FE" and f.k >= 2:
        ci = tau2_interval(f)
        lines.append(
            f"Q-profile 95% CI: tau\u00b2 [{_fmt(ci.tau2[1], 4)}, {_fmt(ci.tau2[2], 4)}]"
            f"{' (upper bound at search limit)' if ci.upper_bounded else ''}; "
            f"I\u00b2 [{_fmt(ci.i2[1], 1)}%, {_fmt(ci.i2[2], 1)}%]"
        )
    if a.subgroups is not None:
        lines.append("")
        lines.append("Subgroups (separate fits, own tau\u00b2):")
        for g, r in a.subgroups.groups.items():
            lines.append(
                f"  {g}: k = {r.k}, {_fmt(tr(r.estimate))} [{_fmt(tr(r.ci_low))}, "
                f"{_fmt(tr(r.ci_high))}], tau\u00b2 = {_fmt(r.tau2, 4)}, I\u00b2 = {_fmt(r.i2, 1)}%"
            )
        s = a.subgroups
        lines.append(
            f"Test for subgroup differences: Q = {_fmt(s.q_between)}, df = {s.q_between_df} "
            f"({_p(s.q_between_p)})"
        )
    if a.egger is not None:
        lines.append("")
        lines.append(
            f"Egger's test: t = {_fmt(a.egger.t)}, df = {a.egger.df} ({_p(a.egger.p_value)})"
        )
        lines.append(f"Begg's test: Kendall's tau = {_fmt(a.begg.tau, 3)} ({_p(a.begg.p_value)})")
        t = a.trimfill
        lines.append(
            f"Trim-and-fill (L0): {t.k0} {'study' if t.k0 == 1 else 'studies'} filled on the "
            f"{t.side}; adjusted estimate "
            f"{_fmt(tr(t.fit.estimate))} [{_fmt(tr(t.fit.ci_low))}, {_fmt(tr(t.fit.ci_high))}]"
        )
    if a.sensitivity is not None:
        lines.append("")
        lines.append(
            "Sensitivity to the assumed within-person correlation (varied for "
            f"{', '.join(a.sensitivity.assumed)}):"
        )
        for r, s in zip(a.sensitivity.r_values, a.sensitivity.fits, strict=True):
            lines.append(
                f"  r = {r:.2f}: {_fmt(tr(s.estimate))} [{_fmt(tr(s.ci_low))}, "
                f"{_fmt(tr(s.ci_high))}], tau\u00b2 = {_fmt(s.tau2, 4)}, I\u00b2 = {_fmt(s.i2, 1)}%"
            )
    if a.leave_one_out is not None:
        lines.append("")
        lines.append("Leave-one-out:")
        lo = a.leave_one_out
        for s, e, lo_ci, hi_ci, t2, i2 in zip(
            lo.studies, lo.estimate, lo.ci_low, lo.ci_high, lo.tau2, lo.i2, strict=True
        ):
            lines.append(
                f"  without {s}: {_fmt(tr(e))} [{_fmt(tr(lo_ci))}, {_fmt(tr(hi_ci))}], "
                f"tau\u00b2 = {_fmt(t2, 4)}, I\u00b2 = {_fmt(i2, 1)}%"
            )
    for note in (*a.effects.notes, *([f.extra["test_note"]] if "test_note" in f.extra else [])):
        lines.append(f"Note: {note}")
    return "\n".join(lines)


def _design_column(es) -> list[str]:
    """Per study 'within (MC), r = 0.50 assumed', 'parallel (MD)' or (dichotomous)
    'within'; empty when the table names no designs."""
    if es.r is None:
        return list(es.designs)
    out = []
    for design, measure, r, source in zip(
        es.designs, es.study_measures, es.r, es.r_source, strict=True
    ):
        text = f"{design} ({measure})"
        if source is not None:
            text += f", r = {r:.2f} {source}"
        out.append(text)
    return out
