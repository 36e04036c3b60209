"""Leave-one-out analysis and case-deletion influence diagnostics.

Equivalent to metafor's ``leave1out.rma.uni`` and ``influence.rma.uni`` for
intercept-only models, but all k deletions are solved together: the
tau^2 estimators are iterated as vectors, with the per-deletion sums from
:mod:`.loo_sums`, so the work grows linearly in k.

References
----------
Viechtbauer, W., & Cheung, M. W.-L. (2010). Outlier and influence diagnostics
for meta-analysis. Research Synthesis Methods, 1(2), 112-125.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .errors import ConvergenceError
from .loo_sums import Sums, full_a1, loo_sums
from .pooling import critical_value, pool
from .results import Influence, LeaveOneOut, PooledResult
from .tau2 import MAXITER, THRESHOLD

EPS = np.finfo(float).eps


def _fe_loo(y: np.ndarray, v: np.ndarray) -> Sums:
    return loo_sums(y, v, np.zeros_like(y))


def _rss(s: Sums) -> np.ndarray:
    return s.c1 - s.b1**2 / s.a1


def _he_loo(y: np.ndarray, v: np.ndarray) -> np.ndarray:
    k = y.size
    m = k - 1
    sy, syy, sv = y.sum() - y, (y * y).sum() - y * y, v.sum() - v
    rss = syy - sy**2 / m
    return (rss - sv * (1 - 1 / m)) / (m - 1)


def _vector_pm(y, v, target, threshold, maxiter, labels) -> np.ndarray:
    k = y.size
    t = np.zeros(k)
    s = loo_sums(y, v, t)
    active = _rss(s) - target > 0
    lo = np.zeros(k)
    hi = np.full(k, np.inf)
    for _ in range(maxiter):
        if not active.any():
            return t
        s = loo_sums(y, v, t)
        mu = s.b1 / s.a1
        f = _rss(s) - target
        deriv = -(s.c2 - 2 * mu * s.b2 + mu**2 * s.a2)
        lo = np.where(active & (f > 0), t, lo)
        hi = np.where(active & (f < 0), t, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            new = t - f / deriv
        bad = ~np.isfinite(new) | (new <= lo) | (new >= hi)
        new = np.where(bad, np.where(np.isfinite(hi), (lo + hi) / 2, 2 * t + 1), new)
        done = active & (np.abs(new - t) <= threshold * np.maximum(np.mean(v), t))
        t = np.where(active, new, t)
        active &= ~done
    i = int(np.flatnonzero(active)[0])
    raise ConvergenceError(f"PM estimator did not converge with study '{labels[i]}' left out")


def _loglik(s: Sums, m: int, reml: bool) -> np.ndarray:
    ll = -0.5 * (m - 1 if reml else m) * np.log(2 * np.pi) - 0.5 * s.logs - 0.5 * _rss(s)
    if reml:
        ll -= 0.5 * np.log(s.a1)
    return ll


def loo_tau2(
    y: np.ndarray,
    v: np.ndarray,
    method: str,
    labels: tuple[str, ...],
    threshold: float = THRESHOLD,
    maxiter: int = MAXITER,
) -> np.ndarray:
    """tau^2 of every leave-one-out fit (intercept-only model, k >= 3)."""
    k = y.size
    m = k - 1  # studies in each fit
    if method == "FE":
        return np.zeros(k)
    if method == "DL":
        s = _fe_loo(y, v)
        return np.maximum(0.0, (_rss(s) - (m - 1)) / (s.a1 - s.a2 / s.a1))
    if method == "HE":
        return np.maximum(0.0, _he_loo(y, v))
    if method == "SJ":
        sy, syy = y.sum() - y, (y * y).sum() - y * y
        tau0 = syy / m - (sy / m) ** 2
        tau0 = np.maximum(tau0, 0.0)
        rss = _rss(loo_sums(y, v, tau0))
        return np.maximum(0.0, np.where(tau0 == 0, 0.0, tau0 * rss / (m - 1)))
    if method == "PM":
        return _vector_pm(y, v, m - 1, threshold, maxiter, labels)
    t = np.maximum(0.0, _he_loo(y, v))
    active = np.ones(k, dtype=bool)
    for _ in range(maxiter):
        s = loo_sums(y, v, t)
        mu = s.b1 / s.a1
        ypp = s.c2 - 2 * mu * s.b2 + mu**2 * s.a2
        if method == "ML":
            adj = (ypp - s.a1) / s.a2
        elif method == "REML":
            tr_p = s.a1 - s.a2 / s.a1
            tr_pp = s.a2 - 2 * s.a3 / s.a1 + (s.a2 / s.a1) ** 2
            adj = (ypp - tr_p) / tr_pp
        else:  # EB
            adj = (_rss(s) * m / (m - 1) - m) / s.a1
        adj = np.where(np.isnan(adj) | ~active, 0.0, adj)
        for _ in range(200):
            neg = t + adj < 0
            if not neg.any():
                break
            adj = np.where(neg, adj / 2, adj)
        new = t + adj
        active &= np.abs(new - t) > threshold * np.maximum(np.mean(v), new)
        t = new
        if not active.any():
            break
    else:
        i = int(np.flatnonzero(active)[0])
        raise ConvergenceError(
            f"{method} estimator did not converge with study '{labels[i]}' left out"
        )
    if method in ("ML", "REML"):
        reml = method == "REML"
        zero = np.zeros(k)
        ll0 = _loglik(loo_sums(y, v, zero), m, reml)
        ll = _loglik(loo_sums(y, v, t), m, reml)
        t = np.where((ll0 - ll > threshold) & (t > threshold), 0.0, t)
    return np.maximum(t, 0.0)


def _loo_core(fit: PooledResult, threshold: float, maxiter: int) -> dict[str, np.ndarray]:
    if fit.method in ("MH", "PETO"):
        raise ValueError("leave-one-out for MH and Peto models is not implemented")
    y0, v = fit.yi, fit.vi
    k = y0.size
    if k < 3:
        raise ValueError("leave-one-out needs at least two studies (influence: three)")
    shift = float(np.mean(y0))  # centring keeps the sums well conditioned
    y = y0 - shift
    m = k - 1
    tau2 = loo_tau2(y, v, fit.method, fit.studies, threshold, maxiter)
    s = loo_sums(y, v, tau2)
    mu = s.b1 / s.a1
    var = 1.0 / s.a1
    s2w = np.ones(k)
    if fit.test == "knha":
        rss = _rss(s)
        s2w = np.where(rss <= EPS, 0.0, rss / (m - 1))
        var = var * s2w
    fe = _fe_loo(y, v)
    q = np.maximum(0.0, _rss(fe))
    vt = (m - 1) / (fe.a1 - fe.a2 / fe.a1)
    if fit.method == "FE":
        with np.errstate(divide="ignore", invalid="ignore"):
            i2 = np.where(q > 0, np.maximum(0.0, 100 * (q - (m - 1)) / q), 0.0)
        h2 = q / (m - 1)
    else:
        i2 = 100 * tau2 / (vt + tau2)
        h2 = tau2 / vt + 1
    return {
        "mu": mu + shift,
        "var": var,
        "tau2": tau2,
        "s2w": s2w,
        "q": q,
        "i2": i2,
        "h2": h2,
    }


def leave_one_out(
    fit: PooledResult, *, threshold: float = THRESHOLD, maxiter: int = MAXITER
) -> LeaveOneOut:
    """Refit the model of ``fit`` with each study left out (``leave1out``).

    Same method, test and level as ``fit``; tau^2 re-estimated in each fit.
    With two studies each fit is the other study alone (refitted directly).
    """
    if fit.k == 2 and fit.method not in ("MH", "PETO"):
        return _leave_one_out_of_two(fit)
    core = _loo_core(fit, threshold, maxiter)
    k = fit.k
    df = k - 2 if fit.test == "knha" else None
    crit = critical_value(fit.test, df, fit.level)
    se = np.sqrt(core["var"])
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = core["mu"] / se
    if fit.test == "knha":
        pval = 2 * stats.t.sf(np.abs(stat), df)
    else:
        pval = 2 * stats.norm.sf(np.abs(stat))
    return LeaveOneOut(
        studies=fit.studies,
        estimate=core["mu"],
        se=se,
        stat=stat,
        p_value=pval,
        ci_low=core["mu"] - crit * se,
        ci_high=core["mu"] + crit * se,
        q=core["q"],
        q_p=stats.chi2.sf(core["q"], k - 2),
        tau2=core["tau2"],
        i2=core["i2"],
        h2=core["h2"],
    )


def _leave_one_out_of_two(fit: PooledResult) -> LeaveOneOut:
    fits = [
        pool(fit.yi[[j]], fit.vi[[j]], method=fit.method, test=fit.test, level=fit.level)
        for j in (1, 0)
    ]

    def col(attr: str) -> np.ndarray:
        return np.array([getattr(f, attr) for f in fits], dtype=float)

    return LeaveOneOut(
        studies=fit.studies,
        estimate=col("estimate"),
        se=col("se"),
        stat=col("stat"),
        p_value=col("p_value"),
        ci_low=col("ci_low"),
        ci_high=col("ci_high"),
        q=col("q"),
        q_p=col("q_p"),
        tau2=col("tau2"),
        i2=col("i2"),
        h2=col("h2"),
    )


def influence(
    fit: PooledResult, *, threshold: float = THRESHOLD, maxiter: int = MAXITER
) -> Influence:
    """Case-deletion diagnostics of Viechtbauer & Cheung (2010) (``influence``).

    Externally standardized residuals, DFFITS, Cook's distance, covariance
    ratio, leave-one-out tau^2 and Q, hat values, weights (percent), DFBETAS,
    and metafor's flag for influential studies (|DFFITS| > 3 sqrt(1/(k-1)),
    Cook's distance above the chi^2_1 median, hat > 3/k, or |DFBETAS| > 1).
    """
    core = _loo_core(fit, threshold, maxiter)
    y, v, k = fit.yi, fit.vi, fit.k
    w = 1.0 / (v + fit.tau2)
    hat = w / w.sum()
    vb_full = fit.se**2
    tau2_del, s2w_del = core["tau2"], core["s2w"]
    resid = y - core["mu"]
    resid = np.where(np.abs(resid) < 100 * EPS, 0.0, resid)
    rstudent = resid / np.sqrt(v * s2w_del + core["var"] + tau2_del * s2w_del)
    dfb = fit.estimate - core["mu"]
    with np.errstate(divide="ignore", invalid="ignore"):
        dffits = dfb / np.sqrt(s2w_del * hat * (tau2_del + v))
        vb_del_full = 1.0 / full_a1(v, tau2_del)
        dfbetas = dfb / np.sqrt(s2w_del * vb_del_full)
        cook = dfb**2 / vb_full
        cov_r = core["var"] / vb_full
    influential = (
        (np.abs(dffits) > 3 * np.sqrt(1 / (k - 1)))
        | (stats.chi2.cdf(cook, 1) > 0.5)
        | (hat > 3 / k)
        | (np.abs(dfbetas) > 1)
    )
    return Influence(
        studies=fit.studies,
        rstudent=rstudent,
        dffits=dffits,
        cook_d=cook,
        cov_r=cov_r,
        tau2_del=tau2_del,
        qe_del=core["q"],
        hat=hat,
        weight=100 * hat,
        dfbetas=dfbetas,
        influential=influential,
    )
