"""Number formats, measure names and the effect axis shared by the analysis plots."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from analysis.stats.results import PooledResult

from .i18n import _, gettext_noop

# The plots' text is in the active language (a run's job activates its starter's).
MEASURE_NAMES = {
    "RR": gettext_noop("Risk ratio"),
    "OR": gettext_noop("Odds ratio"),
    "PETO": gettext_noop("Peto odds ratio"),
    "RD": gettext_noop("Risk difference"),
    "MD": gettext_noop("Mean difference"),
    "SMD": gettext_noop("Std. mean difference"),
    "MC": gettext_noop("Mean change"),
    "SMCC": gettext_noop("Std. mean change"),
    "GEN": gettext_noop("Effect size"),
}
METHOD_LABEL = {
    "FE": gettext_noop("Common effect (IV)"),
    "MH": gettext_noop("Common effect (MH)"),
    "PETO": gettext_noop("Common effect (Peto)"),
}
MINUS = "\u2212"


def num(x: float | None, digits: int = 2) -> str:
    """A number for a label: a true minus sign, "NA" for a missing value."""
    if x is None or not math.isfinite(x):
        return "NA"
    return f"{x:.{digits}f}".replace("-", MINUS)


def p_text(p: float | None) -> str:
    if p is None or not math.isfinite(p):
        return "p = NA"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def percent(x: float | None) -> str:
    return "NA" if x is None or not math.isfinite(x) else f"{x:.0f}%"


def measure_name(measure: str) -> str:
    return _(MEASURE_NAMES[measure]) if measure in MEASURE_NAMES else measure


def method_label(fit: PooledResult) -> str:
    if fit.method in METHOD_LABEL:
        return _(METHOD_LABEL[fit.method])
    return _("Random effects (%(method)s)") % {"method": fit.method}


def is_random(fit: PooledResult) -> bool:
    return fit.method not in METHOD_LABEL


def z_crit(level: float) -> float:
    return float(stats.norm.isf((1 - level) / 2))


def level_text(level: float) -> str:
    return _("%(level)s%% CI") % {"level": f"{level * 100:g}"}


def interval(est: float, lo: float, hi: float, ratio: bool) -> str:
    """ "est [lo, hi]" on the reporting scale (exponentiated for ratio measures)."""
    tr = math.exp if ratio else float
    if not all(math.isfinite(v) for v in (est, lo, hi)):
        return "NA"
    return f"{num(tr(est))} [{num(tr(lo))}, {num(tr(hi))}]"


def heterogeneity_text(fit: PooledResult) -> str:
    return _("Heterogeneity: τ² = %(tau2)s; Q = %(q)s, df = %(df)s (%(p)s); I² = %(i2)s") % {
        "tau2": num(fit.tau2, 3),
        "q": num(fit.q),
        "df": fit.q_df,
        "p": p_text(fit.q_p),
        "i2": percent(fit.i2),
    }


def overall_effect_text(fit: PooledResult) -> str:
    stat = f"t({num(fit.df, 0)})" if fit.test == "knha" else "z"
    return _("Test for overall effect: %(stat)s = %(value)s (%(p)s)") % {
        "stat": stat,
        "value": num(fit.stat),
        "p": p_text(fit.p_value),
    }


def ratio_ticks(low: float, high: float) -> np.ndarray:
    """Log-scale tick positions at round ratios (1, 2, 5 times a power of ten) in
    ``[low, high]``; the 1-2-5 series is thinned to powers of ten (and 0.5, 2) when it
    would crowd the axis."""
    decades = range(math.floor(low / math.log(10)) - 1, math.ceil(high / math.log(10)) + 2)
    for mantissas in ((1, 2, 5), (1, 5), (1,)):
        nice = np.array([m * 10.0**d for d in decades for m in mantissas])
        ticks = np.log(nice)
        ticks = ticks[(ticks >= low - 1e-9) & (ticks <= high + 1e-9)]
        if ticks.size <= 7:
            return ticks
    return ticks


def ratio_label(value: float) -> str:
    return f"{math.exp(value):g}"


def set_effect_axis(ax, low: float, high: float, ratio: bool, fontsize: float, family) -> None:
    """The x axis of an effect panel: data limits padded by 5%; ratio measures, held on
    the log scale, get round ratios as tick labels."""
    pad = 0.05 * ((high - low) or 1.0)
    low, high = low - pad, high + pad
    ax.set_xlim(low, high)
    if ratio:
        ticks = ratio_ticks(low, high)
        ax.set_xticks(ticks, [ratio_label(t) for t in ticks])
    ax.tick_params(axis="x", labelsize=fontsize, labelfontfamily=family, length=3, pad=2)
