"""Subgroup analysis by separate fits, with the test for subgroup differences.

Each subgroup gets its own model (own tau^2); the test for subgroup
differences is a common-effect Q test across the subgroup estimates and their
standard errors, with ``groups - 1`` degrees of freedom, as RevMan and
metafor's separate-fits recipe (``rma(estimates, sei=ses, method="FE")``).

References
----------
Borenstein, M., & Higgins, J. P. T. (2013). Meta-analysis and subgroups.
Prevention Science, 14(2), 134-143.
Deeks, J. J., Higgins, J. P. T., & Altman, D. G. (2023). Chapter 10: Analysing
data and undertaking meta-analyses, section 10.11.3. Cochrane Handbook.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from .errors import InputError, StatsError
from .pooling import heterogeneity
from .results import PooledResult, SubgroupAnalysis


def subgroup_analysis(
    groups: Iterable[object],
    fit: Callable[[np.ndarray], PooledResult],
) -> SubgroupAnalysis:
    """Fit each subgroup separately and test for subgroup differences.

    Parameters
    ----------
    groups : iterable
        Subgroup value of every study, in study order; missing values are an
        error.
    fit : callable
        Given a boolean mask over studies, returns the fitted
        :class:`PooledResult` for those studies (any method: inverse variance,
        MH or Peto).

    Returns
    -------
    SubgroupAnalysis
        Groups in order of first appearance.
    """
    labels = []
    for i, g in enumerate(groups):
        if g is None or (isinstance(g, float) and np.isnan(g)) or str(g).strip() == "":
            raise InputError(f"study {i + 1}: missing subgroup value")
        labels.append(str(g))
    arr = np.array(labels, dtype=object)
    order = list(dict.fromkeys(labels))
    results = {g: fit(arr == g) for g in order}
    est = np.array([r.estimate for r in results.values()])
    var = np.array([r.se**2 for r in results.values()])
    for g, r in results.items():
        if not (np.isfinite(r.estimate) and np.isfinite(r.se) and r.se > 0):
            raise StatsError(
                f"subgroup '{g}' (k = {r.k}) has a zero or undefined standard error, so the "
                "test for subgroup differences cannot weight it"
            )
    if len(order) > 1:
        q, df, p, _ = heterogeneity(est, var)
    else:
        q, df, p = 0.0, 0, 1.0
    return SubgroupAnalysis(groups=results, q_between=q, q_between_df=df, q_between_p=p)
