"""Per-study effect sizes and sampling variances, as metafor's ``escalc``.

Argument names follow metafor: arm 1 is the treatment (``_t``) arm, arm 2 the
control (``_c``) arm. Defaults match ``escalc`` (``vtype="LS"``, ``add=1/2``,
``to="only0"``, ``drop00=FALSE``).

References
----------
Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size
and related estimators. Journal of Educational Statistics, 6(2), 107-128.
Becker, B. J. (1988). Synthesizing standardized mean-change measures. British
Journal of Mathematical and Statistical Psychology, 41(2), 257-278.
Bonett, D. G. (2008). Confidence intervals for standardized linear contrasts
of means. Psychological Methods, 13(2), 99-109.
Gibbons, R. D., Hedeker, D. R., & Davis, J. M. (1993). Estimation of effect
size from a series of experiments involving paired comparisons. Journal of
Educational Statistics, 18(3), 271-279.
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor
package. Journal of Statistical Software, 36(3), 1-48.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln

from .errors import InputError
from .results import EffectSizes

CONTINUOUS = ("MD", "SMD")
PAIRED = ("MC", "SMCC", "SMCR", "SMCRH")
BINARY = ("RR", "OR", "RD", "PETO")


def _labels(studies: Sequence[str] | None, k: int) -> tuple[str, ...]:
    if studies is None:
        return tuple(f"Study {i + 1}" for i in range(k))
    labels = tuple(str(s) for s in studies)
    if len(labels) != k:
        raise InputError(f"{len(labels)} study labels given for {k} studies")
    return labels


def _arrays(labels: tuple[str, ...], **columns: object) -> dict[str, np.ndarray]:
    out = {}
    k = len(labels)
    for name, values in columns.items():
        arr = np.asarray(values, dtype=float)
        if arr.ndim == 0:
            arr = np.full(k, float(arr))
        if arr.shape != (k,):
            raise InputError(f"column '{name}' has {arr.size} values for {k} studies")
        bad = np.flatnonzero(np.isnan(arr))
        if bad.size:
            raise InputError(f"study '{labels[bad[0]]}', column '{name}': missing value")
        out[name] = arr
    return out


def _require(cond: np.ndarray, labels: tuple[str, ...], column: str, message: str) -> None:
    bad = np.flatnonzero(~cond)
    if bad.size:
        raise InputError(f"study '{labels[bad[0]]}', column '{column}': {message}")


def hedges_correction(m: np.ndarray) -> np.ndarray:
    """Exact small-sample correction factor c(m) of Hedges (1981).

    ``c(m) = Gamma(m/2) / (sqrt(m/2) * Gamma((m-1)/2))``; metafor's ``.cmicalc``.
    """
    m = np.asarray(m, dtype=float)
    return np.exp(gammaln(m / 2) - 0.5 * np.log(m / 2) - gammaln((m - 1) / 2))


def continuous(
    measure: str,
    *,
    n1: ArrayLike,
    m1: ArrayLike,
    sd1: ArrayLike,
    n2: ArrayLike,
    m2: ArrayLike,
    sd2: ArrayLike,
    studies: Sequence[str] | None = None,
    variant: str = "metafor",
) -> EffectSizes:
    """Mean difference (``MD``) or standardized mean difference (``SMD``).

    Parameters
    ----------
    measure : {"MD", "SMD"}
    n1, m1, sd1, n2, m2, sd2 : array_like
        Group sizes, means and standard deviations of arms 1 and 2.
    studies : sequence of str, optional
        Study labels used in error messages and results.
    variant : {"metafor", "revman5"}
        ``"metafor"`` (default): Hedges' g with the exact correction and the
        large-sample variance ``1/n1 + 1/n2 + g^2 / (2 (n1 + n2))``
        (``escalc(vtype="LS")``). ``"revman5"``: RevMan 5's approximate
        correction ``1 - 3 / (4N - 9)`` and variance
        ``1/n1 + 1/n2 + g^2 / (2 (N - 3.94))`` (Deeks & Higgins, RevMan 5
        statistical algorithms, 2010).

    Returns
    -------
    EffectSizes
    """
    if measure not in CONTINUOUS:
        raise InputError(f"unknown continuous measure '{measure}'")
    if variant not in ("metafor", "revman5"):
        raise InputError(f"unknown SMD variant '{variant}'")
    k = len(np.atleast_1d(np.asarray(n1)))
    labels = _labels(studies, k)
    a = _arrays(labels, n_t=n1, mean_t=m1, sd_t=sd1, n_c=n2, mean_c=m2, sd_c=sd2)
    for col in ("n_t", "n_c"):
        _require(a[col] > 1, labels, col, "group size must be greater than 1")
    for col in ("sd_t", "sd_c"):
        _require(a[col] > 0, labels, col, "standard deviation must be greater than 0")
    n1a, n2a = a["n_t"], a["n_c"]
    diff = a["mean_t"] - a["mean_c"]
    if measure == "MD":
        yi = diff
        vi = a["sd_t"] ** 2 / n1a + a["sd_c"] ** 2 / n2a
    else:
        m = n1a + n2a - 2
        sdp = np.sqrt(((n1a - 1) * a["sd_t"] ** 2 + (n2a - 1) * a["sd_c"] ** 2) / m)
        d = diff / sdp
        ntot = n1a + n2a
        if variant == "metafor":
            yi = hedges_correction(m) * d
            vi = 1 / n1a + 1 / n2a + yi**2 / (2 * ntot)
        else:
            yi = d * (1 - 3 / (4 * ntot - 9))
            vi = 1 / n1a + 1 / n2a + yi**2 / (2 * (ntot - 3.94))
    return EffectSizes(measure=measure, yi=yi, vi=vi, studies=labels)


def paired(
    measure: str,
    *,
    n: ArrayLike,
    m1: ArrayLike,
    sd1: ArrayLike,
    m2: ArrayLike,
    sd2: ArrayLike,
    r: ArrayLike | None,
    studies: Sequence[str] | None = None,
    r_assumed: float | None = None,
) -> EffectSizes:
    """Within-person designs: ``MC``, ``SMCC``, ``SMCR`` and ``SMCRH``.

    The correlation ``r`` between the two measurements is never guessed. Give
    it per study (``nan`` where a study reports none) with ``r_assumed`` for
    the studies without one, or as one scalar, which is an assumption for
    every study. The result records per study the ``r`` used and whether it
    was ``"reported"`` or ``"assumed"``, and states the assumption in its notes.

    ``MC``: ``m1 - m2`` with variance ``(sd1^2 + sd2^2 - 2 r sd1 sd2) / n``.
    ``SMCC``: change-score standardization, ``c(n-1) (m1 - m2) / sd_diff`` with
    variance ``1/n + g^2 / (2n)`` (Gibbons et al. 1993).
    ``SMCR``: raw-score standardization by ``sd1``, ``c(n-1) (m1 - m2) / sd1``
    with variance ``2 (1 - r) / n + g^2 / (2n)`` (Becker 1988).
    ``SMCRH``: as ``SMCR`` without assuming equal variances on the two sides,
    variance ``sd_diff^2 / (sd1^2 (n-1)) + g^2 / (2 (n-1))`` (Bonett 2008,
    eq. 13, with the corrected ``g`` plugged in, as metafor >= 4.5-8; earlier
    metafor versions multiplied this variance by ``c(n-1)^2``).

    ``c(m)`` is Hedges' exact correction; it needs ``n >= 3``. ``sd_diff^2 =
    sd1^2 + sd2^2 - 2 r sd1 sd2``. Variances are metafor's defaults
    (``vtype="LS"``).
    """
    if measure not in PAIRED:
        raise InputError(f"unknown paired measure '{measure}'")
    k = len(np.atleast_1d(np.asarray(n)))
    labels = _labels(studies, k)
    if r is not None and np.ndim(r) == 0:
        # One value for every study is a review-wide assumption, not a report.
        one_r = float(np.asarray(r, dtype=float))
        if r_assumed is not None and one_r != r_assumed:
            raise InputError(f"two assumed correlations given: r = {r:g} and {r_assumed:g}")
        r_assumed, r = one_r, None
    if r_assumed is not None and not -1 <= r_assumed <= 1:
        raise InputError(f"assumed correlation r = {r_assumed:g} must be between -1 and 1")
    reported = np.full(k, np.nan) if r is None else np.asarray(r, dtype=float)
    if reported.shape != (k,):
        raise InputError(f"column 'r' has {reported.size} values for {k} studies")
    missing = np.isnan(reported)
    if missing.any() and r_assumed is None:
        raise InputError(
            f"study '{labels[np.flatnonzero(missing)[0]]}', column 'r': {measure} needs the "
            "within-person correlation r: give it per study or assume one value"
        )
    r_used = np.where(missing, np.nan if r_assumed is None else r_assumed, reported)
    a = _arrays(labels, n=n, mean_t=m1, sd_t=sd1, mean_c=m2, sd_c=sd2, r=r_used)
    _require(a["n"] > 1, labels, "n", "sample size must be greater than 1")
    if measure != "MC":
        # c(n - 1) is undefined for n = 2 (metafor returns NA).
        _require(a["n"] > 2, labels, "n", f"{measure} needs a sample size of at least 3")
    for col in ("sd_t", "sd_c"):
        _require(a[col] > 0, labels, col, "standard deviation must be greater than 0")
    _require(np.abs(a["r"]) <= 1, labels, "r", "correlation must be between -1 and 1")
    na, rr = a["n"], a["r"]
    s1, s2 = a["sd_t"], a["sd_c"]
    diff = a["mean_t"] - a["mean_c"]
    var_diff = s1**2 + s2**2 - 2 * rr * s1 * s2
    if measure == "MC":
        yi, vi = diff, var_diff / na
    elif measure == "SMCC":
        _require(var_diff > 0, labels, "r", "standard deviation of the differences is 0")
        yi = hedges_correction(na - 1) * diff / np.sqrt(var_diff)
        vi = 1 / na + yi**2 / (2 * na)
    elif measure == "SMCR":
        yi = hedges_correction(na - 1) * diff / s1
        vi = 2 * (1 - rr) / na + yi**2 / (2 * na)
    else:
        yi = hedges_correction(na - 1) * diff / s1
        vi = var_diff / (s1**2 * (na - 1)) + yi**2 / (2 * (na - 1))
    notes: tuple[str, ...] = ()
    if missing.all():
        notes = (f"within-person correlation r = {r_assumed:g} assumed for every study",)
    elif missing.any():
        names = ", ".join(s for s, m in zip(labels, missing, strict=True) if m)
        notes = (f"within-person correlation r = {r_assumed:g} assumed for {names} (not reported)",)
    return EffectSizes(
        measure=measure,
        yi=yi,
        vi=vi,
        studies=labels,
        r_assumed=r_assumed if missing.any() else None,
        notes=notes,
        designs=("within",) * k,
        study_measures=(measure,) * k,
        r=r_used,
        r_source=tuple("assumed" if m else "reported" for m in missing),
    )


def binary_cells(
    *,
    events1: ArrayLike,
    n1: ArrayLike,
    events2: ArrayLike,
    n2: ArrayLike,
    studies: Sequence[str] | None = None,
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate arm-level counts and return labels and 2x2 cells a, b, c, d."""
    k = len(np.atleast_1d(np.asarray(n1)))
    labels = _labels(studies, k)
    x = _arrays(labels, events_t=events1, n_t=n1, events_c=events2, n_c=n2)
    for col in x:
        _require(x[col] == np.round(x[col]), labels, col, "must be a whole number")
    for ev, nn in (("events_t", "n_t"), ("events_c", "n_c")):
        _require(x[nn] > 1, labels, nn, "group size must be greater than 1")
        _require(x[ev] >= 0, labels, ev, "events must not be negative")
        _require(x[ev] <= x[nn], labels, ev, f"events exceed the group size {nn}")
    a, c = x["events_t"], x["events_c"]
    return labels, a, x["n_t"] - a, c, x["n_c"] - c


def binary(
    measure: str,
    *,
    events1: ArrayLike,
    n1: ArrayLike,
    events2: ArrayLike,
    n2: ArrayLike,
    studies: Sequence[str] | None = None,
    add: float = 0.5,
    drop_double_zero: bool = False,
) -> EffectSizes:
    """Risk ratio, odds ratio (log scale), risk difference or Peto log OR.

    Zero cells are handled as ``escalc``'s defaults: ``add`` (1/2) is added to
    all four cells of a study with any zero cell (``to="only0"``). Double-zero
    studies (no events, or all events, in both arms) are kept unless
    ``drop_double_zero``; either way they are listed in the result.

    ``RR``: ``log(p1/p2)``, variance ``1/a - 1/n1 + 1/c - 1/n2``.
    ``OR``: ``log(a d / (b c))``, variance ``1/a + 1/b + 1/c + 1/d``.
    ``RD``: ``p1 - p2``, variance ``p1 (1-p1)/n1 + p2 (1-p2)/n2``.
    ``PETO``: ``(a - E) / V``, variance ``1/V`` (Yusuf et al. 1985).
    """
    if measure not in BINARY:
        raise InputError(f"unknown dichotomous measure '{measure}'")
    labels, a, b, c, d = binary_cells(
        events1=events1, n1=n1, events2=events2, n2=n2, studies=studies
    )
    double_zero = ((a == 0) & (c == 0)) | ((b == 0) & (d == 0))
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    keep = ~double_zero if drop_double_zero else np.ones_like(zero)
    adjusted = zero & keep & (add != 0)
    a, b, c, d = (x + np.where(adjusted, add, 0.0) for x in (a, b, c, d))
    n1a, n2a = a + b, c + d
    p1, p2 = a / n1a, c / n2a
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "RR":
            yi = np.log(p1) - np.log(p2)
            vi = 1 / a - 1 / n1a + 1 / c - 1 / n2a
        elif measure == "OR":
            yi = np.log(p1 / (1 - p1)) - np.log(p2 / (1 - p2))
            vi = 1 / a + 1 / b + 1 / c + 1 / d
        elif measure == "RD":
            yi = p1 - p2
            vi = p1 * (1 - p1) / n1a + p2 * (1 - p2) / n2a
        else:
            nt = n1a + n2a
            xt, yt = a + c, b + d
            e = xt * n1a / nt
            v = xt * yt * (n1a / nt) * (n2a / nt) / (nt - 1)
            yi = (a - e) / v
            vi = 1 / v
    yi = np.where(keep, yi, np.nan)
    vi = np.where(keep, vi, np.nan)
    notes = []
    if adjusted.any():
        notes.append(
            f"{add:g} added to every cell of {int(adjusted.sum())} studies with a zero cell"
        )
    if double_zero.any():
        verb = "dropped" if drop_double_zero else "kept"
        notes.append(f"{int(double_zero.sum())} double-zero studies {verb}")
    return EffectSizes(
        measure=measure,
        yi=yi,
        vi=vi,
        studies=labels,
        zero_cell_adjusted=tuple(s for s, f in zip(labels, adjusted, strict=True) if f),
        double_zero=tuple(s for s, f in zip(labels, double_zero, strict=True) if f),
        dropped=tuple(
            s for s, f in zip(labels, double_zero, strict=True) if f and drop_double_zero
        ),
        notes=tuple(notes),
    )
