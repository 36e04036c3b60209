"""Q-profile confidence intervals for tau^2, tau, I^2 and H^2 (``confint.rma.uni``).

References
----------
Viechtbauer, W. (2007). Confidence intervals for the amount of heterogeneity
in meta-analysis. Statistics in Medicine, 26(1), 37-52.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats
from scipy.optimize import brentq

from .errors import StatsError
from .results import PooledResult, Tau2Interval


def generalized_q(y: np.ndarray, v: np.ndarray, tau2: ArrayLike) -> np.ndarray:
    """Generalised Q statistic ``sum w (y - mu_w)^2`` with ``w = 1/(v + tau2)``.

    Vectorised over ``tau2``; decreasing in ``tau2``.
    """
    t = np.atleast_1d(np.asarray(tau2, dtype=float))[:, None]
    w = 1.0 / (v[None, :] + t)
    mu = np.sum(w * y, axis=1, keepdims=True) / np.sum(w, axis=1, keepdims=True)
    return np.sum(w * (y - mu) ** 2, axis=1)


def tau2_interval(fit: PooledResult, *, tol: float = 1e-12, maxiter: int = 1000) -> Tau2Interval:
    """Q-profile CI for tau^2 (and tau, I^2, H^2 derived from it) of a random-effects fit.

    The bounds solve ``Q(tau2) = chi2_{k-1}(1 - alpha/2)`` and ``chi2_{k-1}(alpha/2)``
    by bracketing on ``[0, max(100, 10 tau2)]``, widened tenfold as needed where
    metafor would stop at that edge; a bound still outside is reported at the
    edge with ``*_bounded`` set.
    ``I2`` and ``H2`` bounds use the model's typical variance ``vt``.
    """
    if fit.method == "FE":
        raise StatsError("no heterogeneity interval for a common-effect model")
    if fit.k < 2:
        raise StatsError("a heterogeneity interval needs at least two studies")
    y, v = fit.yi, fit.vi
    df = fit.k - 1
    alpha = 1 - fit.level
    crit_u = stats.chi2.isf(alpha / 2, df)
    crit_l = stats.chi2.ppf(alpha / 2, df)
    lo_edge, hi_edge = 0.0, max(100.0, 10 * fit.tau2)
    # metafor stops at this edge (and warns); we widen it so that data on any scale
    # get their bound. Within metafor's range the results are the same.
    for _ in range(60):
        if generalized_q(y, v, hi_edge)[0] <= crit_l:
            break
        hi_edge *= 10
    q_min, q_max = generalized_q(y, v, [lo_edge, hi_edge])

    def root(target: float) -> float:
        return brentq(
            lambda t: generalized_q(y, v, t)[0] - target,
            lo_edge,
            hi_edge,
            xtol=tol * float(np.mean(v)),
            rtol=4 * np.finfo(float).eps,
            maxiter=maxiter,
        )

    lower_bounded = upper_bounded = False
    if q_min < crit_l:
        lb = ub = lo_edge
    else:
        if q_max > crit_l:
            ub, upper_bounded = hi_edge, True
        else:
            ub = root(crit_l)
    if q_max > crit_u:
        lb = ub = hi_edge
        lower_bounded = upper_bounded = True
    elif q_min < crit_u:
        lb = lo_edge
    else:
        lb = root(crit_u)
    vt = fit.vt
    tau2 = (fit.tau2, lb, ub)

    def each(f: Callable[[float], float]) -> tuple[float, float, float]:
        return f(tau2[0]), f(tau2[1]), f(tau2[2])

    return Tau2Interval(
        tau2=tau2,
        tau=each(lambda t: float(np.sqrt(t))),
        i2=each(lambda t: float(100 * t / (vt + t))),
        h2=each(lambda t: float(t / vt + 1)),
        lower_bounded=lower_bounded,
        upper_bounded=upper_bounded,
    )
