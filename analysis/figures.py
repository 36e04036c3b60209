"""The plots of a run, drawn by its job from the engine's analysis: each as SVG text and PNG
bytes (analysis.plots draws; plotting.output writes)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from matplotlib.figure import Figure

from analysis.plots import forest_plot, funnel_plot, leave_one_out_plot
from analysis.plots import i18n as plots_i18n
from analysis.stats.summary import Analysis
from plotting.output import figure_bytes

# The plots write their words in the language active in the drawing thread: a run's job
# activates that of the person who started it; `analysis.jobs.plot_for` another reader's.
plots_i18n.use(_, ngettext)

PNG_DPI = 150
LABELS = {
    "forest": gettext_lazy("Forest plot"),
    "subgroups": gettext_lazy("Subgroup forest plot"),
    "funnel": gettext_lazy("Funnel plot"),
    "leave_one_out": gettext_lazy("Leave-one-out plot"),
}


def _arm_columns(results: Mapping[str, Any]) -> dict[str, Any] | None:
    """RevMan's columns left of the forest plot: events/total or mean, SD, n per arm."""
    rows = results["arm_data"]
    if not rows:
        return None
    first = next(iter(rows.values()))
    if "events_t" in first:
        headers = [_("Events"), _("Total"), _("Events"), _("Total")]
        keys = ("events_t", "n_t", "events_c", "n_c")
    elif "n_t" in first:
        headers = [_("Mean"), _("SD"), _("Total"), _("Mean"), _("SD"), _("Total")]
        keys = ("mean_t", "sd_t", "n_t", "mean_c", "sd_c", "n_c")
    else:
        return None  # mixed or paired tables: the page's table shows their numbers

    def cell(value) -> str:
        if value is None or value == "":
            return ""
        return f"{value:g}" if isinstance(value, float) else str(value)

    if any(set(keys) - set(r) for r in rows.values()):
        return None
    half = len(keys) // 2
    return {
        "headers": headers,
        "groups": [(_("Intervention"), half), (_("Control"), half)],
        "rows": {study: [cell(r[key]) for key in keys] for study, r in rows.items()},
    }


def _figures(analysis: Analysis, results: Mapping[str, Any]) -> dict[str, Callable[[], Figure]]:
    rob = {s: {"Overall": j} for s, j in results["rob"].items() if j}
    makers: dict[str, Callable[[], Figure]] = {
        "forest": lambda: forest_plot(analysis.fit, arm_data=_arm_columns(results), rob=rob or None)
    }
    if analysis.subgroups is not None:
        makers["subgroups"] = lambda: forest_plot(analysis.fit, subgroups=analysis.subgroups)
    if analysis.fit.k >= 2:
        makers["funnel"] = lambda: funnel_plot(
            analysis.fit, trimfill=analysis.trimfill, egger=analysis.egger, begg=analysis.begg
        )
    if analysis.leave_one_out is not None:
        makers["leave_one_out"] = lambda: leave_one_out_plot(analysis.leave_one_out, analysis.fit)
    return makers


def draw_all(analysis: Analysis, results: Mapping[str, Any]) -> dict[str, str]:
    """{name: svg text} of every plot the run has. PNGs are drawn when first asked for
    (`draw_png`): rasterising is most of a run's time, and pages show the SVG."""
    return {
        name: figure_bytes(make(), "svg").decode("utf-8")
        for name, make in _figures(analysis, results).items()
    }


def draw_svg(analysis: Analysis, results: Mapping[str, Any], name: str) -> str:
    return figure_bytes(_figures(analysis, results)[name](), "svg").decode("utf-8")


def draw_png(analysis: Analysis, results: Mapping[str, Any], name: str) -> bytes:
    return figure_bytes(_figures(analysis, results)[name](), "png", dpi=PNG_DPI)
