"""Forest and funnel plots from :mod:`analysis.stats` results (matplotlib, Agg).

The figures are built with ``matplotlib.figure.Figure`` directly (no pyplot
state), so they are safe to draw in a web worker. The file type follows the
suffix: ``.svg`` or ``.png``.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from analysis.stats.bias import funnel_data
from analysis.stats.results import PooledResult, SubgroupAnalysis

Z95 = 1.959963984540054
DPI = 300
METHOD_LABEL = {
    "FE": "Common effect (IV)",
    "MH": "Common effect (MH)",
    "PETO": "Common effect (Peto)",
}


def _fmt(x: float) -> str:
    return "NA" if x is None or not math.isfinite(x) else f"{x:.2f}"


def _p(p: float) -> str:
    if p is None or not math.isfinite(p):
        return "p = NA"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _diamond(ax, centre: float, low: float, high: float, y: float, colour: str) -> None:
    ax.add_patch(
        Polygon(
            [(low, y), (centre, y + 0.3), (high, y), (centre, y - 0.3)],
            closed=True,
            facecolor=colour,
            edgecolor=colour,
        )
    )


def forest_plot(
    fit: PooledResult,
    path: str | Path | None = None,
    *,
    subgroups: SubgroupAnalysis | None = None,
    favours: tuple[str, str] = ("Favours treatment", "Favours control"),
    title: str | None = None,
) -> Figure:
    """Draw a forest plot; save it to ``path`` when given and return the figure.

    Rows show each study's effect with its 95% CI and weight (marker area
    proportional to the weight), then the pooled diamond with the prediction
    interval as a line, and, with ``subgroups``, a diamond per subgroup and the
    test for subgroup differences. Ratio measures are drawn on a log axis with
    exponentiated labels.
    """
    ratio = fit.is_ratio
    tr = np.exp if ratio else (lambda x: x)
    rows: list[tuple] = []  # (kind, label, est, lo, hi, weight)
    if subgroups is None:
        order = [(None, list(zip(fit.studies, fit.yi, fit.vi, fit.weights, strict=True)))]
    else:
        order = []
        for g, r in subgroups.groups.items():
            order.append((g, list(zip(r.studies, r.yi, r.vi, r.weights, strict=True)), r))
    for block in order:
        g, studies = block[0], block[1]
        if g is not None:
            rows.append(("header", str(g), None, None, None, None))
        for s, y, v, w in studies:
            if not np.isfinite(y):
                continue
            half = Z95 * math.sqrt(v)
            rows.append(("study", s, y, y - half, y + half, w))
        if g is not None:
            r = block[2]
            label = f"Subtotal (k = {r.k}; I\u00b2 = {r.i2:.0f}%)"
            rows.append(("subtotal", label, r.estimate, r.ci_low, r.ci_high, None))
            rows.append(("gap", "", None, None, None, None))
    method = METHOD_LABEL.get(fit.method, f"Random effects ({fit.method})")
    rows.append(("total", f"Total: {method}", fit.estimate, fit.ci_low, fit.ci_high, 100.0))
    if fit.pi_low is not None and fit.method not in METHOD_LABEL:
        rows.append(("pi", "Prediction interval", fit.estimate, fit.pi_low, fit.pi_high, None))
    n = len(rows)
    height = 0.28 * n + 1.9  # inches: rows plus fixed room for header, axis and footer
    bottom, top = 1.2 / height, 0.35 / height
    fig = Figure(figsize=(9.0, height), dpi=100)
    ax = fig.add_axes((0.36, bottom, 0.34, 1 - bottom - top))
    ax.set_ylim(-0.5, n + 0.2)
    los = [r[3] for r in rows if r[3] is not None and np.isfinite(r[3])]
    his = [r[4] for r in rows if r[4] is not None and np.isfinite(r[4])]
    xmin, xmax = min([*los, 0.0]), max([*his, 0.0])
    pad = 0.05 * (xmax - xmin or 1.0)
    ax.set_xlim(xmin - pad, xmax + pad)
    wmax = np.nanmax([r[5] for r in rows if r[0] == "study" and r[5] is not None] or [1.0])
    for i, (kind, label, est, lo, hi, w) in enumerate(rows):
        y = n - 1 - i
        weight_txt = f"{w:.1f}%" if (w is not None and np.isfinite(w)) else ""
        bold = kind in ("header", "total")
        ax.annotate(
            label,
            xy=(0, y),
            xycoords=("figure fraction", "data"),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            fontweight="bold" if bold else "normal",
        )
        if est is not None:
            ci = f"{_fmt(tr(est))} [{_fmt(tr(lo))}, {_fmt(tr(hi))}]"
            if kind == "pi":
                ci = f"[{_fmt(tr(lo))}, {_fmt(tr(hi))}]"
            ax.annotate(
                ci, xy=(0.72, y), xycoords=("figure fraction", "data"), va="center", fontsize=8
            )
            ax.annotate(
                weight_txt,
                xy=(0.97, y),
                xycoords=("figure fraction", "data"),
                va="center",
                ha="right",
                fontsize=8,
            )
        if kind == "study":
            ax.plot([lo, hi], [y, y], color="black", lw=0.8)
            size = 20 + 80 * ((w if w is not None and np.isfinite(w) else wmax) / wmax)
            ax.scatter([est], [y], marker="s", s=size, color="#1f4e79", zorder=3)
        elif kind in ("subtotal", "total"):
            _diamond(ax, est, lo, hi, y, "#1f4e79" if kind == "total" else "#5b8fc7")
        elif kind == "pi":
            ax.plot([lo, hi], [y, y], color="#b22222", lw=2)
    ax.axvline(0.0, color="grey", lw=0.8)
    ax.axvline(fit.estimate, color="#1f4e79", lw=0.6, ls="--")
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    if ratio:
        nice = np.array([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100])
        ticks = np.log(nice[(np.log(nice) >= xmin - pad) & (np.log(nice) <= xmax + pad)])
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{math.exp(t):g}" for t in ticks], fontsize=8)
        ax.set_xlim(xmin - pad, xmax + pad)
        ax.set_xlabel(f"{fit.measure} (log scale)", fontsize=9)
    else:
        ax.tick_params(axis="x", labelsize=8)
        ax.set_xlabel(fit.measure, fontsize=9)
    header_y = n - 0.2
    for x, text, ha in (
        (8 / 72 / fig.get_figwidth(), "Study", "left"),
        (0.72, "Effect [95% CI]", "left"),
        (0.97, "Weight" if subgroups is None else "Weight in subgroup", "right"),
    ):
        ax.annotate(
            text,
            xy=(x, header_y),
            xycoords=("figure fraction", "data"),
            ha=ha,
            va="bottom",
            fontsize=8,
            fontweight="bold",
        )
    ax.annotate(
        f"\u2190 {favours[0]}",
        xy=(0.0, 0),
        xycoords=("data", "axes fraction"),
        xytext=(-4, -40),
        textcoords="offset points",
        ha="right",
        fontsize=8,
    )
    ax.annotate(
        f"{favours[1]} \u2192",
        xy=(0.0, 0),
        xycoords=("data", "axes fraction"),
        xytext=(4, -40),
        textcoords="offset points",
        ha="left",
        fontsize=8,
    )
    foot = (
        f"Heterogeneity: \u03c4\u00b2 = {fit.tau2:.3f}; Q = {fit.q:.2f}, df = {fit.q_df} "
        f"({_p(fit.q_p)}); I\u00b2 = {fit.i2:.0f}%.  "
        f"Overall effect: {'t' if fit.test == 'knha' else 'z'} = {fit.stat:.2f} "
        f"({_p(fit.p_value)})"
    )
    if subgroups is not None:
        foot += (
            f"\nTest for subgroup differences: Q = {subgroups.q_between:.2f}, "
            f"df = {subgroups.q_between_df} ({_p(subgroups.q_between_p)})"
        )
    fig.text(0.02, 0.01, foot, fontsize=7, va="bottom")
    if title:
        fig.suptitle(title, fontsize=10)
    if path is not None:
        _save(fig, path)
    return fig


def funnel_plot(
    fit: PooledResult,
    path: str | Path | None = None,
    *,
    levels: tuple[float, ...] = (0.90, 0.95, 0.99),
) -> Figure:
    """Funnel plot: effect against standard error (inverted axis) with pseudo-CI contours."""
    data = funnel_data(fit, levels)
    fig = Figure(figsize=(7.5, 5.0), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    shades = ["#f0f0f0", "#d9d9d9", "#bdbdbd", "#969696"]
    for i, lev in enumerate(sorted(levels, reverse=True)):
        lo, hi = data.contours[lev]
        ax.fill_betweenx(
            data.se_grid,
            lo,
            hi,
            color=shades[i % len(shades)],
            label=f"{lev:.0%} pseudo-CI",
            zorder=1,
        )
    ax.axvline(data.centre, color="black", lw=0.8, zorder=2)
    ax.scatter(data.yi, data.sei, color="#1f4e79", s=18, zorder=3, label="Studies")
    ax.set_ylim(data.se_grid.max(), 0)
    ax.set_ylabel("Standard error")
    ax.set_xlabel(f"log {fit.measure}" if fit.is_ratio else fit.measure)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    if path is not None:
        _save(fig, path)
    return fig


def _save(fig: Figure, path: str | Path) -> None:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise ValueError(f"plot file must end in .svg or .png: {path}")
    fig.savefig(path, format=suffix[1:], dpi=DPI if suffix == ".png" else None, bbox_inches="tight")
