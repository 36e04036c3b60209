"""Parallel and within-person studies pooled together on one scale.

The Cochrane Handbook (Higgins et al., ch. 23) combines parallel-group and
within-person (split-body, cross-over analysed as paired) trials in one
meta-analysis: a parallel trial contributes its mean difference (``MD``) or
standardized mean difference (``SMD``, Hedges' g) and a within-person trial
the mean change (``MC``) or the raw-score standardized mean change
(``SMCRH``, Bonett 2008), which is on the scale of a parallel SMD because it
is standardized by a raw-score SD rather than the SD of the differences.
Within-person variances need the correlation ``r`` between the two sides;
studies that do not report it get an assumed value, stated in the result,
and :func:`correlation_sensitivity` repeats the analysis over a range of it.

References
----------
Higgins, J. P. T., Eldridge, S., & Li, T. (2023). Chapter 23: Including
variants on randomized trials. In Cochrane Handbook for Systematic Reviews of
Interventions, version 6.4.
Bonett, D. G. (2008). Confidence intervals for standardized linear contrasts
of means. Psychological Methods, 13(2), 99-109.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .effect_sizes import _labels, continuous, paired
from .errors import InputError
from .pooling import pool_effects
from .results import CorrelationSensitivity, EffectSizes

PARALLEL = "parallel"
WITHIN = "within"
WITHIN_MEASURE = {"MD": "MC", "SMD": "SMCRH"}


def _column(name: str, values: ArrayLike | None, k: int) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        arr = np.full(k, float(arr))
    if arr.shape != (k,):
        raise InputError(f"column '{name}' has {arr.size} values for {k} studies")
    return arr


def _count(k: int, what: str) -> str:
    return f"{k} {what} {'study' if k == 1 else 'studies'}"


def mixed_designs(
    measure: str,
    *,
    design: Sequence[str],
    n_t: ArrayLike,
    mean_t: ArrayLike,
    sd_t: ArrayLike,
    n_c: ArrayLike,
    mean_c: ArrayLike,
    sd_c: ArrayLike,
    n: ArrayLike,
    r: ArrayLike | None,
    r_assumed: float | None = None,
    studies: Sequence[str] | None = None,
) -> EffectSizes:
    """Effect sizes of parallel and within-person studies on one scale.

    Parameters
    ----------
    measure : {"MD", "SMD"}
        The common scale. Parallel studies give ``MD`` or ``SMD`` (Hedges' g,
        metafor's ``escalc("SMD")``); within-person studies ``MC`` or
        ``SMCRH`` (``escalc("SMCRH")``, standardized by ``sd_t``, the SD of
        side 1), each as :func:`.effect_sizes.continuous` and
        :func:`.effect_sizes.paired` compute them.
    design : sequence of {"parallel", "within"}
        One per study.
    n_t, n_c : array_like
        Arm sizes of parallel studies (ignored, may be ``nan``, for others).
    mean_t, sd_t, mean_c, sd_c : array_like
        Arm means and SDs of parallel studies; for within-person studies the
        means and SDs of the two sides (side 1 treated, side 2 control).
    n, r : array_like
        Number of people and the within-person correlation of within-person
        studies (``nan`` for parallel studies, and for ``r`` not reported;
        ``r`` is ``None`` when no study reports one).
    r_assumed : float, optional
        Correlation used for within-person studies that report none. Without
        it such a study is an error: the correlation is never guessed.

    Returns
    -------
    EffectSizes
        ``measure`` is the common scale; ``designs``, ``study_measures``,
        ``r`` (``nan`` for parallel studies) and ``r_source`` (``"reported"``,
        ``"assumed"`` or ``None``) hold per study what was done, and ``notes``
        state it.
    """
    if measure not in WITHIN_MEASURE:
        raise InputError(f"mixed designs pool MD (with MC) or SMD (with SMCRH), not '{measure}'")
    labels = _labels(studies, len(design))
    k = len(labels)
    kinds = tuple(str(d) for d in design)
    for label, kind in zip(labels, kinds, strict=True):
        if kind not in (PARALLEL, WITHIN):
            raise InputError(
                f"study '{label}', column 'design': '{kind}' is neither '{PARALLEL}' nor '{WITHIN}'"
            )
    cols = {
        name: _column(name, values, k)
        for name, values in dict(
            n_t=n_t, mean_t=mean_t, sd_t=sd_t, n_c=n_c, mean_c=mean_c, sd_c=sd_c, n=n, r=r
        ).items()
    }
    par = np.array([kind == PARALLEL for kind in kinds])
    within = ~par
    wmeasure = WITHIN_MEASURE[measure]
    yi, vi, r_used = np.full(k, np.nan), np.full(k, np.nan), np.full(k, np.nan)
    r_source: list[str | None] = [None] * k
    if par.any():
        es = continuous(
            measure,
            n1=cols["n_t"][par],
            m1=cols["mean_t"][par],
            sd1=cols["sd_t"][par],
            n2=cols["n_c"][par],
            m2=cols["mean_c"][par],
            sd2=cols["sd_c"][par],
            studies=[s for s, p in zip(labels, par, strict=True) if p],
        )
        yi[par], vi[par] = es.yi, es.vi
    assumed: list[str] = []
    if within.any():
        es = paired(
            wmeasure,
            n=cols["n"][within],
            m1=cols["mean_t"][within],
            sd1=cols["sd_t"][within],
            m2=cols["mean_c"][within],
            sd2=cols["sd_c"][within],
            r=cols["r"][within],
            r_assumed=r_assumed,
            studies=[s for s, w in zip(labels, within, strict=True) if w],
        )
        yi[within], vi[within], r_used[within] = es.yi, es.vi, es.r
        for i, source in zip(np.flatnonzero(within), es.r_source, strict=True):
            r_source[i] = source
            if source == "assumed":
                assumed.append(labels[i])
    notes = [
        f"{_count(int(within.sum()), 'within-person')} ({wmeasure}) pooled with "
        f"{_count(int(par.sum()), 'parallel')} ({measure}) on one {measure} scale"
    ]
    if measure == "SMD" and within.any():
        notes.append("SMCRH standardizes each within-person study by the SD of side 1 (sd_t)")
    if assumed:
        notes.append(
            f"within-person correlation r = {r_assumed:g} assumed for {', '.join(assumed)} "
            "(not reported)"
        )
    return EffectSizes(
        measure=measure,
        yi=yi,
        vi=vi,
        studies=labels,
        r_assumed=r_assumed if assumed else None,
        notes=tuple(notes),
        designs=kinds,
        study_measures=tuple(wmeasure if w else measure for w in within),
        r=r_used,
        r_source=tuple(r_source),
    )


def correlation_sensitivity(
    effects_for: Callable[[float], EffectSizes],
    r_values: Sequence[float],
    *,
    method: str = "REML",
    test: str = "z",
    level: float = 0.95,
) -> CorrelationSensitivity:
    """Repeat a pooled analysis for each assumed within-person correlation.

    Parameters
    ----------
    effects_for : callable
        Builds the effect sizes with a given assumed ``r`` (e.g.
        ``lambda r: mixed_designs(..., r_assumed=r)``); studies that report
        their own ``r`` keep it.
    r_values : sequence of float
        Assumed correlations to try, e.g. ``(0.2, 0.5, 0.8)``.
    method, test, level
        As :func:`.pooling.pool`.
    """
    values = tuple(float(x) for x in r_values)
    if not values:
        raise InputError("no correlations given for the sensitivity analysis")
    for x in values:
        if not -1 <= x <= 1:
            raise InputError(f"assumed correlation r = {x:g} must be between -1 and 1")
    effects = tuple(effects_for(x) for x in values)
    first = effects[0]
    assumed = tuple(
        s for s, source in zip(first.studies, first.r_source, strict=True) if source == "assumed"
    )
    if not assumed:
        raise InputError("no correlation to vary: every within-person study reports r")
    fits = tuple(pool_effects(es, method=method, test=test, level=level) for es in effects)
    return CorrelationSensitivity(r_values=values, assumed=assumed, effects=effects, fits=fits)
