"""Outcome data as papers report them, turned into the numbers an analysis uses.

The one module of `extraction` that calls the statistics library (`analysis.stats`, pure
functions with no Django import): the layers contract in pyproject.toml lets this adapter,
and nothing else in `extraction`, import it. Each conversion names its method, so the value,
the way it was obtained and its reference are shown side by side and in every export.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from analysis.stats.conversions import (
    ci_to_sd,
    combine_arms,
    fivenum_to_mean_sd,
    se_to_sd,
)
from analysis.stats.errors import InputError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# format: (label, the numbers it takes, in the order a report's table gives them)
CONTINUOUS_FORMATS: dict[str, tuple[StrOrPromise, tuple[str, ...]]] = {
    "mean_sd": (_("Mean, SD"), ("n", "mean", "sd")),
    "mean_se": (_("Mean, SE"), ("n", "mean", "se")),
    "mean_ci": (_("Mean, 95% CI"), ("n", "mean", "ci_low", "ci_high")),
    "median_iqr": (_("Median, IQR"), ("n", "median", "q1", "q3")),
    "median_range": (_("Median, range"), ("n", "median", "min", "max")),
    "median_iqr_range": (_("Median, IQR, range"), ("n", "median", "q1", "q3", "min", "max")),
    "change_sd": (_("Change from baseline, SD"), ("n", "mean", "sd")),
    "not_reported": (_("Not reported"), ()),
}
DICHOTOMOUS_FORMATS: dict[str, tuple[StrOrPromise, tuple[str, ...]]] = {
    "events_total": (_("Events / total"), ("events", "n")),
    "not_reported": (_("Not reported"), ()),
}
# The arm-less row of a paired design: the within-person correlation and, when reported, the
# mean within-person difference with its SD or SE. Every number is optional.
PAIRED_FORMAT = "paired"
PAIRED_INPUTS = ("n", "r", "diff_mean", "diff_sd", "diff_se")

LABELS = {
    "n": "n",
    "mean": _("Mean"),
    "sd": "SD",
    "se": "SE",
    "ci_low": _("95% CI lower"),
    "ci_high": _("95% CI upper"),
    "median": _("Median"),
    "q1": "Q1",
    "q3": "Q3",
    "min": _("Min"),
    "max": _("Max"),
    "events": _("Events"),
    "r": "r",
    "diff_mean": _("Mean difference"),
    "diff_sd": _("SD of difference"),
    "diff_se": _("SE of difference"),
}
WHOLE = frozenset({"n", "events"})
ALL_INPUTS = tuple(LABELS)

REPORTED = "as reported"
# Stored with each value (data, in English); pages translate them when they show them.
SE_METHOD = gettext_noop("SD = SE × √n (Cochrane Handbook 6.5.2.2)")
CI_METHOD = gettext_noop("SD from the 95% CI, t on n − 1 df (Cochrane Handbook 6.5.2.2)")
COMBINED_METHOD = gettext_noop("arms combined (Cochrane Handbook Table 6.5.a)")


def formats_for(outcome_type: str) -> dict[str, tuple[StrOrPromise, tuple[str, ...]]]:
    return DICHOTOMOUS_FORMATS if outcome_type == "dichotomous" else CONTINUOUS_FORMATS


@dataclass(frozen=True)
class Analysable:
    """The numbers an analysis uses, and how they were obtained. `mean`/`sd` are None when a
    summary is left unconverted (`unconverted` says why)."""

    n: int | None = None
    mean: float | None = None
    sd: float | None = None
    events: int | None = None
    r: float | None = None
    basis: str = "final"
    method: str = ""
    unconverted: str = ""


class ConversionError(ValueError):
    """The numbers cannot be converted; the message names the number at fault."""


def analysable(fmt: str, x: dict[str, float]) -> Analysable:
    """Convert one arm's complete numbers (`x`, every input of `fmt` present)."""
    n = int(x["n"]) if "n" in x else None
    try:
        if fmt in ("mean_sd", "change_sd"):
            basis = "change" if fmt == "change_sd" else "final"
            return Analysable(n=n, mean=x["mean"], sd=x["sd"], basis=basis, method=REPORTED)
        if fmt == "mean_se":
            return Analysable(n=n, mean=x["mean"], sd=se_to_sd(x["se"], x["n"]), method=SE_METHOD)
        if fmt == "mean_ci":
            if n is not None and n < 2:
                raise ConversionError(_("n: a confidence interval needs n of at least 2"))
            sd = ci_to_sd(x["ci_low"], x["ci_high"], x["n"])
            return Analysable(n=n, mean=x["mean"], sd=sd, method=CI_METHOD)
        if fmt.startswith("median_"):
            est = fivenum_to_mean_sd(
                n=x["n"],
                median=x["median"],
                q1=x.get("q1"),
                q3=x.get("q3"),
                minimum=x.get("min"),
                maximum=x.get("max"),
            )
            return Analysable(
                n=n, mean=est.mean, sd=est.sd, method=est.method, unconverted=est.reason
            )
        if fmt == "events_total":
            return Analysable(n=n, events=int(x["events"]), method=REPORTED)
        if fmt == PAIRED_FORMAT:
            return _paired(n, x)
    except InputError as exc:
        raise ConversionError(str(exc)) from None
    return Analysable()  # not reported


def _paired(n: int | None, x: dict[str, float]) -> Analysable:
    sd, method = x.get("diff_sd"), REPORTED
    if sd is None and "diff_se" in x and n is not None:
        sd, method = se_to_sd(x["diff_se"], n), SE_METHOD
    return Analysable(
        n=n,
        mean=x.get("diff_mean"),
        sd=sd if x.get("diff_mean") is not None else None,
        r=x.get("r"),
        method=method if x.get("diff_mean") is not None else "",
    )


def arms_combined(groups: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(n, mean, sd) of several arms taken as one (Cochrane Handbook Table 6.5.a, applied
    pairwise: the formula is associative)."""
    n, mean, sd = groups[0]
    for n2, mean2, sd2 in groups[1:]:
        n, mean, sd = combine_arms(n, mean, sd, n2, mean2, sd2)
    return n, mean, sd
