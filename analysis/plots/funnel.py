"""Funnel plot, optionally contour-enhanced, with trim-and-fill and small-study tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from analysis.stats.bias import funnel_data
from analysis.stats.results import BeggTest, EggerTest, PooledResult, TrimFill
from plotting.fonts import font_family
from plotting.output import save_figure

from .common import interval, measure_name, num, p_text, set_effect_axis
from .i18n import _, ngettext

STUDY_BLUE, ADJUSTED_RED = "#1f4e79", "#b22222"
PLOT_W, PLOT_H = 4.6, 3.6  # inches of the axes
LEFT, BOTTOM, RIGHT = 0.75, 0.55, 2.6  # room for the axis labels and, right, the legend
TEXT_LINE = 0.19
PSEUDO_SHADES = ["#f0f0f0", "#d9d9d9", "#bdbdbd", "#969696"]
# Contour-enhanced: darker is more significant (outside the widest contour darkest).
SIGNIFICANCE_SHADES = ["#ffffff", "#d9d9d9", "#a6a6a6", "#737373"]


def funnel_plot(
    fit: PooledResult,
    path: str | Path | None = None,
    *,
    levels: tuple[float, ...] = (0.90, 0.95, 0.99),
    contour_enhanced: bool = False,
    trimfill: TrimFill | None = None,
    egger: EggerTest | None = None,
    begg: BeggTest | None = None,
    title: str | None = None,
) -> Figure:
    """Funnel plot: each study's effect against its standard error (axis inverted).

    By default the shaded regions are pseudo-confidence regions around the pooled
    estimate, one per level. ``contour_enhanced`` shades instead by statistical
    significance around the null (Peters et al. 2008): white where p is above the
    largest alpha, darker where p falls below each alpha, with the 95% pseudo-CI
    around the estimate as dashed lines. With ``trimfill`` the imputed studies are
    open circles and the adjusted estimate a dashed line, the funnel centred on it
    (as metafor's ``funnel(trimfill(fit))``). Egger's and Begg's tests, when given,
    are reported under the plot. Ratio measures: log axis labelled in ratios.
    """
    family = font_family()
    text_kw = {"fontfamily": family, "parse_math": False}
    ratio = fit.is_ratio
    centre = trimfill.fit.estimate if trimfill is not None else fit.estimate
    notes = _notes(fit, trimfill, egger, begg)
    height = BOTTOM + PLOT_H + (0.45 if title else 0.15) + len(notes) * TEXT_LINE
    width = LEFT + PLOT_W + RIGHT
    fig = Figure(figsize=(width, height), dpi=100)
    notes_h = len(notes) * TEXT_LINE
    ax = fig.add_axes((LEFT / width, (BOTTOM + notes_h) / height, PLOT_W / width, PLOT_H / height))

    sei = np.sqrt(fit.vi)
    ordered = tuple(sorted(levels, reverse=True))  # widest region first; narrower cover it
    if contour_enhanced:
        data = funnel_data(fit, ordered, centre=0.0)
        alphas = [1 - lev for lev in ordered]
        ax.axvspan(-1e9, 1e9, color=SIGNIFICANCE_SHADES[-1], zorder=0, label=f"p < {alphas[0]:g}")
        for i, lev in enumerate(ordered):
            last = i == len(ordered) - 1
            ax.fill_betweenx(
                data.se_grid,
                *data.contours[lev],
                facecolor="white" if last else SIGNIFICANCE_SHADES[-2 - i],
                edgecolor="#bdbdbd" if last else "none",  # so the legend shows the white key
                linewidth=0.5,
                zorder=1,
                label=f"p \u2265 {alphas[i]:g}"
                if last
                else f"{alphas[i]:g} \u2264 p < {alphas[i + 1]:g}",
            )
        pseudo = funnel_data(fit, (0.95,), centre=centre).contours[0.95]
        for side, label in zip(pseudo, (_("95% pseudo-CI"), None), strict=True):
            ax.plot(side, data.se_grid, color="black", lw=0.7, ls=":", zorder=2, label=label)
        extent = [*data.contours[ordered[0]], *pseudo]
    else:
        data = funnel_data(fit, ordered, centre=centre)
        for i, lev in enumerate(ordered):
            ax.fill_betweenx(
                data.se_grid,
                *data.contours[lev],
                color=PSEUDO_SHADES[i % len(PSEUDO_SHADES)],
                label=_("%(level)s pseudo-CI") % {"level": f"{lev:.0%}"},
                zorder=1,
            )
        extent = list(data.contours[ordered[0]])
    ax.axvline(fit.estimate, color="black", lw=0.9, zorder=2, label=_("Pooled estimate"))
    ax.scatter(fit.yi, sei, color=STUDY_BLUE, s=20, zorder=4, label=_("Studies"), gid="studies")
    if trimfill is not None:
        ax.axvline(
            trimfill.fit.estimate,
            color=ADJUSTED_RED,
            lw=1.0,
            ls="--",
            zorder=3,
            label=_("Adjusted estimate"),
        )
        if trimfill.k0:
            ax.scatter(
                trimfill.filled_yi,
                np.sqrt(trimfill.filled_vi),
                facecolors="white",
                edgecolors=STUDY_BLUE,
                linewidths=1.0,
                s=20,
                zorder=4,
                label=_("Imputed studies (%(k0)s)") % {"k0": trimfill.k0},
                gid="imputed",
            )
    xs = fit.yi if trimfill is None else np.concatenate([fit.yi, trimfill.filled_yi])
    xs = np.concatenate([xs[np.isfinite(xs)], *(e[-1:] for e in extent)])
    low, high = float(xs.min()), float(xs.max())
    set_effect_axis(ax, low, high, ratio, 8, family)
    ax.set_ylim(data.se_grid[-1], 0)
    ax.tick_params(axis="y", labelsize=8, labelfontfamily=family)
    name = measure_name(fit.measure)
    xlabel = _("%(measure)s (log scale)") % {"measure": name} if ratio else name
    ax.set_xlabel(xlabel, fontsize=9, **text_kw)
    if ratio:
        ylabel = _("Standard error of log %(measure)s") % {"measure": fit.measure}
    else:
        ylabel = _("Standard error")
    ax.set_ylabel(ylabel, fontsize=9, **text_kw)
    ax.legend(
        prop={"family": family, "size": 8},
        loc="upper left",
        bbox_to_anchor=(1.03, 1.0),
        frameon=False,
    )
    for i, line in enumerate(notes):
        fig.text(
            LEFT / width - 0.4 / width,
            (notes_h - (i + 0.5) * TEXT_LINE) / height,
            line,
            fontsize=8,
            va="center",
            **text_kw,
        )
    if title:
        fig.text(
            (LEFT + PLOT_W / 2) / width,
            1 - 0.2 / height,
            title,
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold",
            **text_kw,
        )
    if path is not None:
        save_figure(fig, path)
    return fig


def _notes(
    fit: PooledResult,
    trimfill: TrimFill | None,
    egger: EggerTest | None,
    begg: BeggTest | None,
) -> list[str]:
    notes = []
    if egger is not None:
        notes.append(
            _("Egger's regression test: t = %(t)s, df = %(df)s, %(p)s")
            % {"t": num(egger.t), "df": egger.df, "p": p_text(egger.p_value)}
        )
    if begg is not None:
        kind = _("exact") if begg.exact else _("normal approximation")
        notes.append(
            _("Begg's rank correlation test: Kendall's τ = %(tau)s, %(p)s (%(kind)s)")
            % {"tau": num(begg.tau, 3), "p": p_text(begg.p_value), "kind": kind}
        )
    if trimfill is not None:
        adjusted = trimfill.fit
        ci = interval(adjusted.estimate, adjusted.ci_low, adjusted.ci_high, fit.is_ratio)
        if trimfill.k0:
            # Translators: the side of the funnel is "left" or "right".
            imputed = ngettext(
                "%(k0)s study imputed on the %(side)s",
                "%(k0)s studies imputed on the %(side)s",
                trimfill.k0,
            ) % {"k0": trimfill.k0, "side": side_name(trimfill.side)}
        else:
            imputed = _("no studies imputed")
        notes.append(
            _("Trim-and-fill: %(imputed)s; adjusted estimate %(ci)s")
            % {"imputed": imputed, "ci": ci}
        )
    return notes


def side_name(side: str) -> str:
    """The side of the funnel trim-and-fill imputed studies on, in the active language."""
    names = {"left": _("left"), "right": _("right")}
    return names.get(side, side)
