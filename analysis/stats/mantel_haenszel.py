"""Common-effect Mantel-Haenszel (RR, OR, RD) and Peto odds ratio pooling.

Matches metafor's ``rma.mh`` and ``rma.peto`` defaults: the pooled estimate
uses the observed counts (no continuity correction); the Q test uses the
per-study ``escalc`` effect sizes with 1/2 added to studies with a zero cell
and double-zero studies left out (``add = c(1/2, 0)``, ``drop00 = c(TRUE, FALSE)``).

References
----------
Mantel, N., & Haenszel, W. (1959). Statistical aspects of the analysis of data
from retrospective studies of disease. JNCI, 22(4), 719-748.
Robins, J., Breslow, N., & Greenland, S. (1986). Estimators of the
Mantel-Haenszel variance consistent in both sparse data and large-strata
limiting models. Biometrics, 42(2), 311-323.  (variance of the MH log OR)
Greenland, S., & Robins, J. M. (1985). Estimation of a common effect parameter
from sparse follow-up data. Biometrics, 41(1), 55-68.  (variance of MH log RR)
Sato, T., Greenland, S., & Robins, J. M. (1989). On the variance estimator for
the Mantel-Haenszel risk difference. Biometrics, 45(4), 1323-1324.
Yusuf, S., Peto, R., Lewis, J., Collins, R., & Sleight, P. (1985). Beta
blockade during and after myocardial infarction. Progress in Cardiovascular
Diseases, 27(5), 335-371.  (Peto)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from .effect_sizes import binary, binary_cells
from .errors import StatsError
from .results import LeaveOneOut, PooledResult


def _q_stats(q: float, k_yi: int) -> tuple[float, int, float, float, float]:
    if k_yi > 1:
        i2 = max(0.0, 100 * (q - (k_yi - 1)) / q) if q > 0 else 0.0
        return q, k_yi - 1, float(stats.chi2.sf(q, k_yi - 1)), i2, q / (k_yi - 1)
    return 0.0, 0, 1.0, 0.0, 1.0


def _result(method, measure, beta, se, es, weights, q, k_yi, level) -> PooledResult:
    crit = float(stats.norm.isf((1 - level) / 2))
    z = beta / se
    q, q_df, q_p, i2, h2 = _q_stats(q, k_yi)
    return PooledResult(
        measure=measure,
        method=method,
        test="z",
        k=len(es.studies),
        estimate=float(beta),
        se=float(se),
        stat=float(z),
        p_value=float(2 * stats.norm.sf(abs(z))),
        ci_low=float(beta - crit * se),
        ci_high=float(beta + crit * se),
        df=None,
        tau2=0.0,
        tau=0.0,
        i2=float(i2),
        h2=float(h2),
        q=float(q),
        q_df=q_df,
        q_p=q_p,
        vt=np.nan,
        pi_low=None,
        pi_high=None,
        yi=es.yi,
        vi=es.vi,
        weights=100 * weights / weights.sum(),
        studies=es.studies,
        level=level,
        extra={"double_zero": es.double_zero, "zero_cell_adjusted": es.zero_cell_adjusted},
    )


def mantel_haenszel(
    measure: str,
    *,
    events1: ArrayLike,
    n1: ArrayLike,
    events2: ArrayLike,
    n2: ArrayLike,
    studies: Sequence[str] | None = None,
    level: float = 0.95,
) -> PooledResult:
    """Mantel-Haenszel common-effect estimate of a RR, OR (log scale) or RD.

    ``yi``/``vi`` in the result are the ``escalc`` values used for the Q test
    (double-zero studies are ``nan`` there, and excluded from Q's df);
    ``weights`` are the MH weights in percent.
    """
    if measure not in ("RR", "OR", "RD"):
        raise StatsError(f"Mantel-Haenszel applies to RR, OR and RD, not {measure}")
    labels, a, b, c, d = binary_cells(
        events1=events1, n1=n1, events2=events2, n2=n2, studies=studies
    )
    es = binary(
        measure, events1=a, n1=a + b, events2=c, n2=c + d, studies=labels, drop_double_zero=True
    )
    n1a, n2a = a + b, c + d
    nt = n1a + n2a
    if measure == "OR":
        r_i, s_i = a * d / nt, b * c / nt
        r, s = r_i.sum(), s_i.sum()
        if r == 0 or s == 0:
            raise StatsError(
                "Mantel-Haenszel odds ratio cannot be estimated (no informative studies)"
            )
        pp, qq = (a + d) / nt, (b + c) / nt
        beta = np.log(r / s)
        se = np.sqrt(
            0.5
            * (
                np.sum(pp * r_i) / r**2
                + np.sum(pp * s_i + qq * r_i) / (r * s)
                + np.sum(qq * s_i) / s**2
            )
        )
        weights = b * c / nt
    elif measure == "RR":
        r, s = np.sum(a * n2a / nt), np.sum(c * n1a / nt)
        if a.sum() == 0 or c.sum() == 0:
            raise StatsError(
                "Mantel-Haenszel risk ratio cannot be estimated (no events in one arm)"
            )
        beta = np.log(r / s)
        se = np.sqrt(np.sum(n1a / nt * n2a / nt * (a + c) - a / nt * c) / (r * s))
        weights = c * n1a / nt
    else:
        denom = np.sum(n1a * n2a / nt)
        beta = np.sum(a * n2a / nt - c * n1a / nt) / denom
        se = np.sqrt(
            (
                beta
                * np.sum(
                    c * (n1a / nt) ** 2
                    - a * (n2a / nt) ** 2
                    + (n1a / nt) * (n2a / nt) * (n2a - n1a) / 2
                )
                + np.sum(a * (n2a - c) / nt + c * (n1a - a) / nt) / 2
            )
            / denom**2
        )
        weights = n1a * n2a / nt
    keep = ~np.isnan(es.yi)
    q = max(0.0, float(np.sum((es.yi[keep] - beta) ** 2 / es.vi[keep])))
    return _result("MH", measure, beta, se, es, weights, q, int(keep.sum()), level)


def peto(
    *,
    events1: ArrayLike,
    n1: ArrayLike,
    events2: ArrayLike,
    n2: ArrayLike,
    studies: Sequence[str] | None = None,
    level: float = 0.95,
) -> PooledResult:
    """Peto's one-step common-effect log odds ratio (metafor's ``rma.peto``).

    ``beta = sum(O - E) / sum(V)``, ``se = 1 / sqrt(sum V)``, and
    ``Q = sum (O - E)^2 / V - (sum (O - E))^2 / sum V`` over studies with
    ``V > 0``.
    """
    labels, a, b, c, d = binary_cells(
        events1=events1, n1=n1, events2=events2, n2=n2, studies=studies
    )
    es = binary(
        "PETO", events1=a, n1=a + b, events2=c, n2=c + d, studies=labels, drop_double_zero=True
    )
    n1a, n2a = a + b, c + d
    nt = n1a + n2a
    xt, yt = a + c, b + d
    e = xt * n1a / nt
    v = xt * yt * (n1a / nt) * (n2a / nt) / (nt - 1)
    if v.sum() == 0:
        raise StatsError("Peto odds ratio cannot be estimated (no study has events and non-events)")
    oe = a - e
    beta = oe.sum() / v.sum()
    se = 1 / np.sqrt(v.sum())
    pos = v > 0
    q = max(0.0, float(np.sum(oe[pos] ** 2 / v[pos]) - oe.sum() ** 2 / v[pos].sum()))
    k_yi = int(np.sum(~np.isnan(es.yi)))
    if pos.sum() <= 1:
        k_yi = 1
    return _result("PETO", "OR", beta, se, es, v, q, k_yi, level)


def leave_one_out_counts(
    *,
    method: str,
    measure: str,
    events1: ArrayLike,
    n1: ArrayLike,
    events2: ArrayLike,
    n2: ArrayLike,
    studies: Sequence[str],
    level: float = 0.95,
) -> LeaveOneOut:
    """``leave1out`` of a Mantel-Haenszel or Peto fit: refit with each study left out.

    These estimators are closed-form sums over the studies' 2x2 tables, so k refits of
    k - 1 tables each cost O(k^2) arithmetic, which is negligible for real reviews.
    """
    arrays = [np.asarray(x, dtype=float) for x in (events1, n1, events2, n2)]
    fits = []
    for i in range(len(studies)):
        keep = np.arange(len(studies)) != i
        args = dict(
            events1=arrays[0][keep],
            n1=arrays[1][keep],
            events2=arrays[2][keep],
            n2=arrays[3][keep],
            studies=[s for s, k in zip(studies, keep, strict=True) if k],
            level=level,
        )
        fits.append(mantel_haenszel(measure, **args) if method == "MH" else peto(**args))

    def col(attr: str) -> np.ndarray:
        return np.array([getattr(f, attr) for f in fits], dtype=float)

    return LeaveOneOut(
        studies=tuple(studies),
        estimate=col("estimate"),
        se=col("se"),
        stat=col("stat"),
        p_value=col("p_value"),
        ci_low=col("ci_low"),
        ci_high=col("ci_high"),
        q=col("q"),
        q_p=col("q_p"),
        tau2=np.zeros(len(fits)),
        i2=col("i2"),
        h2=col("h2"),
    )
