"""Between-study variance (tau^2) estimators, as metafor's ``rma.uni``.

All estimators work for a design matrix ``X`` (k x p, p small) so that the
same code serves intercept-only models and the one-moderator fits used by
trim-and-fill; the k x k hat matrices that metafor builds are never formed,
so one fit costs O(k p^2).

References
----------
DerSimonian, R., & Laird, N. (1986). Meta-analysis in clinical trials.
Controlled Clinical Trials, 7(3), 177-188.  (DL)
Hedges, L. V., & Olkin, I. (1985). Statistical methods for meta-analysis.  (HE)
Sidik, K., & Jonkman, J. N. (2005). Simple heterogeneity variance estimation
for meta-analysis. JRSS C, 54(2), 367-384.  (SJ)
Paule, R. C., & Mandel, J. (1982). Consensus values and weighting factors.
J. Res. Natl. Bur. Stand., 87(5), 377-385.  (PM)
Morris, C. N. (1983). Parametric empirical Bayes inference. JASA, 78(381),
47-55.  (EB)
Viechtbauer, W. (2005). Bias and efficiency of meta-analytic variance
estimators in the random-effects model. JEBS, 30(3), 261-293.  (ML, REML)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .errors import ConvergenceError, StatsError

METHODS = ("FE", "DL", "HE", "SJ", "PM", "ML", "REML", "EB")
THRESHOLD = 1e-12
MAXITER = 1000


@dataclass(frozen=True)
class Moments:
    """Weighted least-squares quantities of ``P = W - W X (X'WX)^-1 X'W``."""

    beta: np.ndarray
    xwx_inv: np.ndarray
    rss: float  # y'Py
    tr_p: float
    ypp_y: float  # y'PPy
    tr_pp: float
    sum_w: float


def wls_moments(y: np.ndarray, v: np.ndarray, X: np.ndarray, tau2: float, full: bool = True):
    """Return :class:`Moments` for weights ``1 / (v + tau2)``."""
    w = 1.0 / (v + tau2)
    xw = X * w[:, None]
    inv = np.linalg.inv(X.T @ xw)
    beta = inv @ (xw.T @ y)
    resid = y - X @ beta
    rss = float(np.sum(w * resid**2))
    if not full:
        return Moments(beta, inv, rss, np.nan, np.nan, np.nan, float(w.sum()))
    b2 = inv @ (xw.T @ xw)  # (X'WX)^-1 X'W^2 X
    b3 = inv @ (xw.T @ (xw * w[:, None]))
    tr_p = float(w.sum() - np.trace(b2))
    tr_pp = float(np.sum(w**2) - 2 * np.trace(b3) + np.trace(b2 @ b2))
    ypp_y = float(np.sum((w * resid) ** 2))
    return Moments(beta, inv, rss, tr_p, ypp_y, tr_pp, float(w.sum()))


def _loglik(y: np.ndarray, v: np.ndarray, X: np.ndarray, tau2: float, reml: bool) -> float:
    k, p = X.shape
    mom = wls_moments(y, v, X, tau2, full=False)
    ll = -0.5 * (k - p if reml else k) * np.log(2 * np.pi) - 0.5 * np.sum(np.log(v + tau2))
    if reml:
        ll -= 0.5 * np.linalg.slogdet(np.linalg.inv(mom.xwx_inv))[1]
    return float(ll - 0.5 * mom.rss)


def _he(y: np.ndarray, v: np.ndarray, X: np.ndarray) -> float:
    k, p = X.shape
    inv = np.linalg.inv(X.T @ X)
    resid = y - X @ (inv @ (X.T @ y))
    tr_pv = float(v.sum() - np.trace(inv @ (X.T @ (X * v[:, None]))))
    return (float(resid @ resid) - tr_pv) / (k - p)


def _pm(y: np.ndarray, v: np.ndarray, X: np.ndarray, tol: float) -> float:
    k, p = X.shape
    target = k - p

    def f(t: float) -> float:
        return wls_moments(y, v, X, t, full=False).rss - target

    if f(0.0) < 0:
        return 0.0
    # metafor searches [0, max(100, 10 mad(y)^2)] and stops if the root lies
    # beyond; we widen the bracket instead, which gives the same root when
    # metafor finds one.
    mad = 1.4826 * np.median(np.abs(y - np.median(y)))
    upper = max(100.0, 10 * mad**2)
    for _ in range(60):
        if f(upper) <= 0:
            break
        upper *= 10
    else:
        raise ConvergenceError("Paule-Mandel estimator: no root for tau^2 found")
    xtol = tol * float(np.mean(v))  # scale-aware, as the Fisher scoring criterion
    return brentq(f, 0.0, upper, xtol=xtol, rtol=4 * np.finfo(float).eps, maxiter=MAXITER)


def _fisher_scoring(
    y: np.ndarray, v: np.ndarray, X: np.ndarray, method: str, threshold: float, maxiter: int
) -> tuple[float, int]:
    k, p = X.shape
    tau2 = max(0.0, _he(y, v, X))
    for it in range(1, maxiter + 1):
        mom = wls_moments(y, v, X, tau2, full=method != "EB")
        w = 1.0 / (v + tau2)
        if method == "ML":
            adj = (mom.ypp_y - w.sum()) / np.sum(w**2)
        elif method == "REML":
            adj = (mom.ypp_y - mom.tr_p) / mom.tr_pp
        else:  # EB
            adj = (mom.rss * k / (k - p) - k) / w.sum()
        if np.isnan(adj):
            adj = 0.0
        while tau2 + adj < 0:
            adj /= 2
        old, tau2 = tau2, tau2 + adj
        if abs(tau2 - old) <= threshold * max(tau2, float(np.mean(v))):
            return tau2, it
    raise ConvergenceError(f"{method} estimator of tau^2 did not converge in {maxiter} iterations")


def estimate_tau2(
    y: np.ndarray,
    v: np.ndarray,
    X: np.ndarray | None = None,
    method: str = "REML",
    *,
    threshold: float = THRESHOLD,
    maxiter: int = MAXITER,
) -> tuple[float, int]:
    """Estimate tau^2 with one of metafor's estimators.

    Parameters
    ----------
    y, v : ndarray
        Effect sizes and sampling variances (all ``v > 0``).
    X : ndarray, optional
        Design matrix; intercept only when omitted.
    method : {"FE", "DL", "HE", "SJ", "PM", "ML", "REML", "EB"}
    threshold, maxiter : float, int
        Convergence: iterative estimators stop when the change in tau^2 is at
        most ``threshold`` times ``max(tau2, mean(v))``: metafor's absolute
        criterion made relative to the scale of the data, so that effect sizes in
        any unit converge equally tightly; failing that within ``maxiter`` raises
        :class:`ConvergenceError` rather than returning a number.

    Returns
    -------
    tau2 : float
        Estimate, truncated at 0 as metafor does.
    iterations : int
    """
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    k = y.size
    if X is None:
        X = np.ones((k, 1))
    p = X.shape[1]
    if method not in METHODS:
        raise StatsError(f"unknown tau^2 estimator '{method}'")
    if method == "FE" or k <= p:
        return 0.0, 0
    its = 0
    if method == "DL":
        mom = wls_moments(y, v, X, 0.0)
        tau2 = (mom.rss - (k - p)) / mom.tr_p
    elif method == "HE":
        tau2 = _he(y, v, X)
    elif method == "SJ":
        tau0 = float(np.var(y))  # var(y) * (k - 1) / k
        tau2 = 0.0 if tau0 == 0 else tau0 * wls_moments(y, v, X, tau0, full=False).rss / (k - p)
    elif method == "PM":
        tau2 = _pm(y, v, X, tol=threshold)
    else:
        tau2, its = _fisher_scoring(y, v, X, method, threshold, maxiter)
        if method in ("ML", "REML") and tau2 > threshold:
            # metafor's ll0check: fall back to 0 if the likelihood is higher there.
            reml = method == "REML"
            if _loglik(y, v, X, 0.0, reml) - _loglik(y, v, X, tau2, reml) > threshold:
                tau2 = 0.0
    return max(0.0, float(tau2)), its
