"""Inverse-variance pooling: common-effect and random-effects (``rma.uni``).

References
----------
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor
package. Journal of Statistical Software, 36(3), 1-48.
Hartung, J., & Knapp, G. (2001). A refined method for the meta-analysis of
controlled clinical trials with binary outcome. Statistics in Medicine,
20(24), 3875-3889.  (knha)
Sidik, K., & Jonkman, J. N. (2002). A simple confidence interval for
meta-analysis. Statistics in Medicine, 21(21), 3153-3159.  (knha)
Higgins, J. P. T., & Thompson, S. G. (2002). Quantifying heterogeneity in a
meta-analysis. Statistics in Medicine, 21(11), 1539-1558.  (I^2, H^2)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from .errors import InputError, StatsError
from .results import EffectSizes, PooledResult
from .tau2 import MAXITER, METHODS, THRESHOLD, estimate_tau2, wls_moments

TESTS = ("z", "knha")


def check_yi_vi(
    yi: ArrayLike, vi: ArrayLike, studies: Sequence[str] | None
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Validate effect sizes and variances; errors name the study."""
    y = np.atleast_1d(np.asarray(yi, dtype=float))
    v = np.atleast_1d(np.asarray(vi, dtype=float))
    labels = (
        tuple(str(s) for s in studies)
        if studies is not None
        else tuple(f"Study {i + 1}" for i in range(y.size))
    )
    if not (y.shape == v.shape == (len(labels),)):
        raise InputError("yi, vi and study labels must have the same length")
    if y.size == 0:
        raise InputError("no studies to pool")
    for name, arr in (("yi", y), ("vi", v)):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            raise InputError(
                f"study '{labels[bad[0]]}', column '{name}': missing or infinite value"
            )
    bad = np.flatnonzero(v <= 0)
    if bad.size:
        raise InputError(
            f"study '{labels[bad[0]]}', column 'vi': sampling variance must be positive "
            f"(got {v[bad[0]]:g})"
        )
    return y, v, labels


def critical_value(test: str, df: float | None, level: float = 0.95) -> float:
    alpha = 1 - level
    if test == "knha":
        return float(stats.t.isf(alpha / 2, df)) if df and df > 0 else np.nan
    return float(stats.norm.isf(alpha / 2))


def heterogeneity(y: np.ndarray, v: np.ndarray, X: np.ndarray | None = None):
    """Cochran's Q with df and p, and metafor's typical variance ``vt``.

    ``vt = (k - p) / tr(P)`` with common-effect weights (Higgins & Thompson
    2002, generalised as in metafor).
    Returns ``(q, df, p, vt)``; for ``k == p`` returns ``(0, 0, 1, 0)``.
    """
    k = y.size
    if X is None:
        X = np.ones((k, 1))
    p = X.shape[1]
    if k <= p:
        return 0.0, 0, 1.0, 0.0
    mom = wls_moments(y, v, X, 0.0)
    q = max(0.0, mom.rss)
    return q, k - p, float(stats.chi2.sf(q, k - p)), (k - p) / mom.tr_p


def pool(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    method: str = "REML",
    test: str = "z",
    studies: Sequence[str] | None = None,
    measure: str = "GEN",
    level: float = 0.95,
    threshold: float = THRESHOLD,
    maxiter: int = MAXITER,
) -> PooledResult:
    """Pool effect sizes with inverse-variance weights (metafor's ``rma.uni``).

    Parameters
    ----------
    yi, vi : array_like
        Effect sizes and positive sampling variances.
    method : {"FE", "DL", "HE", "SJ", "PM", "ML", "REML", "EB"}
        ``"FE"`` is the common-effect model; the others estimate tau^2.
    test : {"z", "knha"}
        Wald z, or Hartung-Knapp-Sidik-Jonkman: t with k - 1 df and the
        variance scaled by ``sum w (y - mu)^2 / (k - 1)`` (not truncated at 1,
        as metafor).
    level : float
        Confidence level of the CI and prediction interval.

    Returns
    -------
    PooledResult
        Heterogeneity as metafor: Q with common-effect weights; for random
        effects ``I2 = 100 tau2 / (vt + tau2)``, ``H2 = tau2 / vt + 1``; for
        ``FE`` ``I2 = max(0, 100 (Q - df) / Q)``, ``H2 = Q / df``. Prediction
        interval as ``predict()``: ``mu +- crit sqrt(se^2 + tau2)``.
    """
    if method not in METHODS:
        raise StatsError(f"unknown method '{method}' (choose from {', '.join(METHODS)})")
    if test not in TESTS:
        raise StatsError(f"unknown test '{test}' (choose z or knha)")
    y, v, labels = check_yi_vi(yi, vi, studies)
    k = y.size
    notes = {}
    if k == 1 and test == "knha":
        # As metafor: a t test with 0 df is undefined, so a single study gets the z test.
        test = "z"
        notes["test_note"] = "k = 1: Knapp-Hartung needs two or more studies; z test used"
    tau2, its = estimate_tau2(y, v, method=method, threshold=threshold, maxiter=maxiter)
    w = 1.0 / (v + tau2)
    sw = w.sum()
    mu = float(np.sum(w * y) / sw)
    var = 1.0 / sw
    df = None
    s2w = 1.0
    if test == "knha":
        df = k - 1
        rss = float(np.sum(w * (y - mu) ** 2))
        # metafor: s2w = 0 when the weighted residual sum of squares is ~0
        s2w = 0.0 if rss <= np.finfo(float).eps else rss / (k - 1)
        var *= s2w
    se = float(np.sqrt(var))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.float64(mu) / np.float64(se)
    if df is not None:  # the Knapp-Hartung t test
        pval = float(2 * stats.t.sf(abs(stat), df)) if df > 0 else np.nan
    else:
        pval = float(2 * stats.norm.sf(abs(stat)))
    crit = critical_value(test, df, level)
    q, q_df, q_p, vt = heterogeneity(y, v)
    if k == 1:
        i2, h2 = 0.0, 1.0
    elif method == "FE":
        i2 = max(0.0, 100 * (q - q_df) / q) if q > 0 else 0.0
        h2 = q / q_df
    else:
        i2 = 100 * tau2 / (vt + tau2)
        h2 = tau2 / vt + 1
    pi_low = pi_high = None
    if method != "FE":
        half = crit * np.sqrt(var + tau2)
        pi_low, pi_high = mu - half, mu + half
    return PooledResult(
        measure=measure,
        method=method,
        test=test,
        k=k,
        estimate=mu,
        se=se,
        stat=float(stat),
        p_value=pval,
        ci_low=mu - crit * se,
        ci_high=mu + crit * se,
        df=df,
        tau2=tau2,
        tau=float(np.sqrt(tau2)),
        i2=float(i2),
        h2=float(h2),
        q=q,
        q_df=q_df,
        q_p=q_p,
        vt=vt,
        pi_low=pi_low,
        pi_high=pi_high,
        yi=y,
        vi=v,
        weights=100 * w / sw,
        studies=labels,
        s2w=s2w,
        iterations=its,
        level=level,
        extra=notes,
    )


def pool_effects(es: EffectSizes, **kwargs) -> PooledResult:
    """Pool an :class:`EffectSizes` object, leaving out dropped studies."""
    keep = ~np.isnan(es.yi)
    studies = tuple(s for s, f in zip(es.studies, keep, strict=True) if f)
    return pool(es.yi[keep], es.vi[keep], studies=studies, measure=es.measure, **kwargs)
