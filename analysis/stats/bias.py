"""Small-study effects: Egger's test, Begg's test, trim-and-fill, funnel data.

References
----------
Egger, M., Davey Smith, G., Schneider, M., & Minder, C. (1997). Bias in
meta-analysis detected by a simple, graphical test. BMJ, 315(7109), 629-634.
Begg, C. B., & Mazumdar, M. (1994). Operating characteristics of a rank
correlation test for publication bias. Biometrics, 50(4), 1088-1101.
Duval, S., & Tweedie, R. (2000). Trim and fill: A simple funnel-plot-based
method of testing and adjusting for publication bias in meta-analysis.
Biometrics, 56(2), 455-463.
Peters, J. L., et al. (2008). Contour-enhanced meta-analysis funnel plots help
distinguish publication bias from other causes of asymmetry. Journal of
Clinical Epidemiology, 61(10), 991-996.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .errors import ConvergenceError, StatsError
from .pooling import check_yi_vi, pool
from .results import BeggTest, EggerTest, FunnelData, PooledResult, TrimFill
from .tau2 import estimate_tau2

EXACT_MAX_K = 500  # Kendall's exact null distribution: about 0.2 s here, minutes at 5,000


def egger_test(yi: np.ndarray, vi: np.ndarray, level: float = 0.95) -> EggerTest:
    """Classic Egger regression test (metafor ``regtest(model="lm", predictor="sei")``).

    Weighted least squares of ``yi`` on ``sei`` with weights ``1/vi`` and a
    free residual variance; the t test of the ``sei`` coefficient (df = k - 2)
    equals Egger's test of the intercept of the standardized regression. The
    returned ``intercept`` is the limit estimate as ``sei -> 0``.
    """
    y, v, _ = check_yi_vi(yi, vi, None)
    k = y.size
    if k < 3:
        raise StatsError("Egger's test needs at least three studies")
    X = np.column_stack([np.ones(k), np.sqrt(v)])
    w = 1.0 / v
    xtwx_inv = np.linalg.inv(X.T @ (X * w[:, None]))
    beta = xtwx_inv @ (X.T @ (w * y))
    resid = y - X @ beta
    df = k - 2
    sigma2 = np.sum(w * resid**2) / df
    se = np.sqrt(np.diag(xtwx_inv) * sigma2)
    t = beta[1] / se[1]
    crit = stats.t.isf((1 - level) / 2, df)
    return EggerTest(
        t=float(t),
        p_value=float(2 * stats.t.sf(abs(t), df)),
        df=df,
        intercept=float(beta[0]),
        intercept_ci=(float(beta[0] - crit * se[0]), float(beta[0] + crit * se[0])),
    )


def begg_test(yi: np.ndarray, vi: np.ndarray) -> BeggTest:
    """Begg and Mazumdar's rank correlation test (metafor ``ranktest``).

    Kendall's tau between the standardized deviates
    ``(yi - mu_FE) / sqrt(vi - 1/sum(1/vi))`` and ``vi``; exact p-value when
    there are no ties (as ``cor.test(exact=TRUE)``), otherwise the normal
    approximation with the tie-corrected variance. Above ``EXACT_MAX_K``
    studies the exact distribution costs minutes (metafor's too), so the normal
    approximation is used there and ``exact`` is reported as false.
    """
    y, v, _ = check_yi_vi(yi, vi, None)
    if y.size < 3:
        raise StatsError("Begg's test needs at least three studies")
    w = 1.0 / v
    theta = np.sum(w * y) / w.sum()
    ystar = (y - theta) / np.sqrt(v - 1.0 / w.sum())
    ties = np.unique(ystar).size < y.size or np.unique(v).size < v.size
    exact = not ties and y.size <= EXACT_MAX_K
    method = "exact" if exact else "asymptotic"
    res = stats.kendalltau(ystar, v, method=method)
    return BeggTest(tau=float(res.statistic), p_value=float(res.pvalue), exact=exact)


def _ranks_first(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(x.size)
    ranks[order] = np.arange(1, x.size + 1)
    return ranks


def trim_and_fill(fit: PooledResult, *, side: str | None = None, maxiter: int = 100) -> TrimFill:
    """Duval and Tweedie's trim-and-fill with the L0 estimator (metafor ``trimfill``).

    The side to fill is chosen as metafor does when not given: the sign of the
    slope of ``sqrt(vi)`` in a meta-regression with the model's tau^2 method
    (negative slope: fill on the right). The trimmed fits use the model's
    method; the final fit on the filled data uses that method with a z test.
    """
    if fit.method in ("MH", "PETO"):
        raise StatsError("trim-and-fill needs an inverse-variance model")
    yi, vi, k = fit.yi, fit.vi, fit.k
    if k < 3:
        raise StatsError("trim-and-fill needs at least three studies")
    method = fit.method
    if side is None:
        X = np.column_stack([np.ones(k), np.sqrt(vi)])
        tau2, _ = estimate_tau2(yi, vi, X, method)
        w = 1.0 / (vi + tau2)
        coef = np.linalg.solve(X.T @ (X * w[:, None]), X.T @ (w * yi))
        side = "right" if coef[1] < 0 else "left"
    if side not in ("left", "right"):
        raise StatsError("side must be 'left' or 'right'")
    y = -yi if side == "right" else yi.copy()
    order = np.argsort(y, kind="stable")
    y, v = y[order], vi[order]
    k0, k0_prev, it = 0, -1, 0
    beta = np.nan
    se_k0 = np.nan
    while k0 != k0_prev:
        k0_prev = k0
        it += 1
        if it > maxiter:
            raise ConvergenceError("trim-and-fill did not converge")
        beta = pool(y[: k - k0], v[: k - k0], method=method).estimate
        yc = y - beta
        signed = np.sign(yc) * _ranks_first(np.abs(yc))
        sr = signed[signed > 0].sum()
        k0_raw = (4 * sr - k * (k + 1)) / (2 * k - 1)
        var_sr = (
            k * (k + 1) * (2 * k + 1)
            + 10 * k0_raw**3
            + 27 * k0_raw**2
            + 17 * k0_raw
            - 18 * k * k0_raw**2
            - 18 * k * k0_raw
            + 6 * k**2 * k0_raw
        ) / 24
        se_k0 = max(0.0, 4 * np.sqrt(var_sr) / (2 * k - 1))
        k0 = int(max(0, np.round(k0_raw)))
    if k0 > 0:
        mirrored = 2 * beta - y[k - k0 :]
        if side == "right":
            mirrored = -mirrored
        fy, fv = mirrored, v[k - k0 :]
    else:
        fy, fv = np.array([]), np.array([])
    all_y = np.concatenate([yi, fy])
    all_v = np.concatenate([vi, fv])
    studies = fit.studies + tuple(f"Filled {i + 1}" for i in range(k0))
    filled = pool(all_y, all_v, method=method, studies=studies, measure=fit.measure)
    return TrimFill(k0=k0, side=side, se_k0=float(se_k0), filled_yi=fy, filled_vi=fv, fit=filled)


def funnel_data(
    fit: PooledResult,
    levels: tuple[float, ...] = (0.90, 0.95, 0.99),
    points: int = 100,
    *,
    centre: float | None = None,
) -> FunnelData:
    """Points and pseudo-confidence contours ``centre +- z * se`` for a funnel plot.

    The centre is the pooled estimate unless given: ``centre=0`` gives the contours
    of statistical significance of a contour-enhanced funnel plot (Peters et al.
    2008). Contours are given for each level on a standard-error grid from 0 to the
    largest study's standard error.
    """
    centre = fit.estimate if centre is None else float(centre)
    sei = np.sqrt(fit.vi)
    grid = np.linspace(0.0, float(np.nanmax(sei)) * 1.05, points)
    contours = {}
    for lev in levels:
        z = stats.norm.isf((1 - lev) / 2)
        contours[lev] = (centre - z * grid, centre + z * grid)
    return FunnelData(
        yi=fit.yi,
        sei=sei,
        centre=centre,
        se_grid=grid,
        contours=contours,
        studies=fit.studies,
    )
