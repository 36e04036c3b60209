"""Conversions used during data extraction.

* Median with quartiles and/or range to mean and SD, with the methods that
  metafor's ``conv.fivenum`` recommends for normal data (its ``"rec"`` default):
  mean by Luo et al. (2018), SD by Wan et al. (2014) or, with all five numbers,
  Shi et al. (2020); with metafor's skewness check (Shi et al.), which leaves a
  study unconverted when the summary looks skewed. Metafor 3.8 has no
  ``conv.fivenum``, so these are checked against the papers' formulas and by
  simulation, not against metafor output.
* SE or confidence interval of a mean to SD, and of a difference in means to
  a common SD (Cochrane Handbook, section 6.5.2).
* Combining two arms into one (Cochrane Handbook, Table 6.5.a).

References
----------
Wan, X., Wang, W., Liu, J., & Tong, T. (2014). Estimating the sample mean and
standard deviation from the sample size, median, range and/or interquartile
range. BMC Medical Research Methodology, 14, 135.
Luo, D., Wan, X., Liu, J., & Tong, T. (2018). Optimally estimating the sample
mean from the sample size, median, mid-range, and/or mid-quartile range.
Statistical Methods in Medical Research, 27(6), 1785-1805.
Shi, J., Luo, D., Weng, H., et al. (2020). Optimally estimating the sample
standard deviation from the five-number summary. Research Synthesis Methods,
11(5), 641-654.
Higgins, J. P. T., Li, T., & Deeks, J. J. (2023). Chapter 6: Choosing effect
measures and computing estimates of effect. Cochrane Handbook, version 6.4.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .errors import InputError


@dataclass(frozen=True)
class MeanSD:
    """An estimated mean and SD; ``None`` when not estimable (see ``reason``)."""

    mean: float | None
    sd: float | None
    method: str
    skew_statistic: float | None = None
    skew_critical: float | None = None
    reason: str = ""


def _check_order(values: list[tuple[str, float | None]]) -> None:
    given = [(name, v) for name, v in values if v is not None]
    for (n1, v1), (n2, v2) in pairwise(given):
        if v1 > v2:
            raise InputError(f"'{n1}' ({v1:g}) is larger than '{n2}' ({v2:g})")


def fivenum_to_mean_sd(
    *,
    n: float,
    median: float,
    q1: float | None = None,
    q3: float | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    check_skew: bool = True,
) -> MeanSD:
    """Estimate the mean and SD from a median with quartiles and/or range.

    Three cases, as ``conv.fivenum``: (1) min, median, max; (2) q1, median,
    q3; (3) all five. Studies with ``n < 5`` are not converted. With
    ``check_skew`` a study whose summary fails Shi et al.'s normality check
    is not converted either (``mean``/``sd`` are ``None``, ``reason`` says why).
    """
    _check_order([("min", minimum), ("q1", q1), ("median", median), ("q3", q3), ("max", maximum)])
    if (minimum is None or maximum is None) and (q1 is None or q3 is None):
        raise InputError("give the quartiles (q1, q3), the range (min, max), or both")
    if n < 5:
        return MeanSD(None, None, "", reason="sample size below 5: not converted")
    from scipy import stats  # here, not at the top: loading it takes ~1 s

    xi = 2 * stats.norm.ppf((n - 0.375) / (n + 0.25))
    eta = 2 * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25))
    if minimum is not None and maximum is not None and q1 is not None and q3 is not None:
        tval = max(
            2.65
            * np.log(0.6 * n)
            / np.sqrt(n)
            * abs((minimum + maximum - 2 * median) / (maximum - minimum)),
            abs((q1 + q3 - 2 * median) / (q3 - q1)),
        )
        crit = 3 / np.sqrt(n) - 40 / n**3
        w1 = 2.2 / (2.2 + n**0.75)
        w2 = 0.7 - 0.72 / n**0.55
        mean = w1 * (minimum + maximum) / 2 + w2 * (q1 + q3) / 2 + (1 - w1 - w2) * median
        w = 1 / (1 + 0.07 * n**0.6)
        sd = w * (maximum - minimum) / xi + (1 - w) * (q3 - q1) / eta
        method = "Luo 2018 (mean), Shi 2020 (SD); min, q1, median, q3, max"
    elif minimum is not None and maximum is not None:
        tval = abs((minimum + maximum - 2 * median) / (maximum - minimum))
        crit = 1 / np.log(n + 9) + 2.5 / (n + 1)
        w = 4 / (4 + n**0.75)
        mean = w * (minimum + maximum) / 2 + (1 - w) * median
        sd = (maximum - minimum) / xi
        method = "Luo 2018 (mean), Wan 2014 (SD); median and range"
    else:
        # Only the quartiles: the check above left no other case.
        assert q1 is not None and q3 is not None
        tval = abs((q1 + q3 - 2 * median) / (q3 - q1))
        crit = 2.65 / np.sqrt(n) - 6 / n**2
        w = 0.7 + 0.39 / n
        mean = w * (q1 + q3) / 2 + (1 - w) * median
        sd = (q3 - q1) / eta
        method = "Luo 2018 (mean), Wan 2014 (SD); median and IQR"
    if check_skew and tval >= crit:
        return MeanSD(
            None,
            None,
            method,
            float(tval),
            float(crit),
            reason="summary suggests a skewed distribution: not converted",
        )
    return MeanSD(float(mean), float(sd), method, float(tval), float(crit))


def se_to_sd(se: float, n: float) -> float:
    """SD from the standard error of a mean: ``SE * sqrt(n)`` (Handbook 6.5.2.2)."""
    if se <= 0 or n < 1:
        raise InputError("standard error must be positive and n at least 1")
    return float(se * np.sqrt(n))


def ci_to_sd(
    lower: float, upper: float, n: float, *, level: float = 0.95, small_sample_t: bool = True
) -> float:
    """SD from a confidence interval of a mean (Handbook 6.5.2.2).

    ``SD = sqrt(n) (upper - lower) / (2 c)`` with ``c`` the t quantile on
    ``n - 1`` df (or the normal quantile, 1.96 for 95%, when
    ``small_sample_t`` is false, as the Handbook allows for large samples).
    """
    if upper <= lower:
        raise InputError("upper confidence limit must exceed the lower one")
    q = 1 - (1 - level) / 2
    from scipy import stats  # here, not at the top: loading it takes ~1 s

    c = stats.t.ppf(q, n - 1) if small_sample_t else stats.norm.ppf(q)
    return float(np.sqrt(n) * (upper - lower) / (2 * c))


def ci_difference_to_sd(
    lower: float, upper: float, n1: float, n2: float, *, level: float = 0.95
) -> float:
    """Common SD from a CI of a difference in means (Handbook 6.5.2.3).

    ``SE = (upper - lower) / (2 t_{n1+n2-2})``, ``SD = SE / sqrt(1/n1 + 1/n2)``.
    """
    if upper <= lower:
        raise InputError("upper confidence limit must exceed the lower one")
    from scipy import stats  # here, not at the top: loading it takes ~1 s

    c = stats.t.ppf(1 - (1 - level) / 2, n1 + n2 - 2)
    return float((upper - lower) / (2 * c) / np.sqrt(1 / n1 + 1 / n2))


def combine_arms(
    n1: float, mean1: float, sd1: float, n2: float, mean2: float, sd2: float
) -> tuple[float, float, float]:
    """Combine two groups into one: returns ``(n, mean, sd)`` (Handbook Table 6.5.a)."""
    if n1 < 1 or n2 < 1:
        raise InputError("each group needs at least one participant")
    n = n1 + n2
    mean = (n1 * mean1 + n2 * mean2) / n
    var = (
        (n1 - 1) * sd1**2
        + (n2 - 1) * sd2**2
        + n1 * n2 / n * (mean1**2 + mean2**2 - 2 * mean1 * mean2)
    ) / (n - 1)
    return float(n), float(mean), float(np.sqrt(var))
