"""Small frozen result objects returned by the statistics engine.

Arrays inside the dataclasses are numpy arrays in input (study) order. Ratio
measures (RR, OR, PETO) are held on the log scale throughout; see
:func:`back_transform` for the exponentiated values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RATIO_MEASURES = frozenset({"RR", "OR", "PETO"})


@dataclass(frozen=True)
class EffectSizes:
    """Per-study effect sizes and sampling variances (metafor's ``escalc``).

    Attributes
    ----------
    measure : str
        Outcome measure code (``"MD"``, ``"SMD"``, ``"RR"``, ...).
    yi, vi : ndarray
        Effect sizes (log scale for ratio measures) and sampling variances.
        Studies dropped as double-zero hold ``nan``.
    studies : tuple of str
        Study labels in input order.
    zero_cell_adjusted : tuple of str
        Studies to whose 2x2 cells 1/2 was added because a cell was zero.
    double_zero : tuple of str
        Studies with no events (or only events) in both arms.
    dropped : tuple of str
        Double-zero studies left out because the caller asked for it.
    r_assumed : float or None
        Within-person correlation assumed for the studies that report none, if
        any study needed it.
    notes : tuple of str
        Plain-language notes for the report (e.g. the correlation assumed).
    designs : tuple of str
        Per study ``"parallel"`` or ``"within"``; empty for parallel-only data.
    study_measures : tuple of str
        Per study the measure computed (``"MC"`` beside ``"MD"``, ``"SMCRH"``
        beside ``"SMD"`` in mixed designs); empty for parallel-only data.
    r : ndarray or None
        Per study the within-person correlation used (``nan`` for parallel
        studies); ``None`` when no study is within-person.
    r_source : tuple of (str or None)
        Per study ``"reported"``, ``"assumed"``, or ``None`` (parallel).
    """

    measure: str
    yi: np.ndarray
    vi: np.ndarray
    studies: tuple[str, ...]
    zero_cell_adjusted: tuple[str, ...] = ()
    double_zero: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    r_assumed: float | None = None
    notes: tuple[str, ...] = ()
    designs: tuple[str, ...] = ()
    study_measures: tuple[str, ...] = ()
    r: np.ndarray | None = None
    r_source: tuple[str | None, ...] = ()

    @property
    def k(self) -> int:
        return int(np.sum(~np.isnan(self.yi)))


@dataclass(frozen=True)
class PooledResult:
    """One pooled estimate with its heterogeneity statistics (``rma.uni``).

    ``weights`` are in percent, in study order. ``pi_low``/``pi_high`` are the
    prediction interval of metafor's ``predict()``; ``None`` for common-effect
    models. ``q``/``q_df``/``q_p`` is Cochran's Q test; ``i2`` is in percent.
    """

    measure: str
    method: str
    test: str
    k: int
    estimate: float
    se: float
    stat: float
    p_value: float
    ci_low: float
    ci_high: float
    df: float | None
    tau2: float
    tau: float
    i2: float
    h2: float
    q: float
    q_df: int
    q_p: float
    vt: float
    pi_low: float | None
    pi_high: float | None
    yi: np.ndarray
    vi: np.ndarray
    weights: np.ndarray
    studies: tuple[str, ...]
    s2w: float = 1.0
    iterations: int = 0
    level: float = 0.95
    extra: dict = field(default_factory=dict)

    @property
    def is_ratio(self) -> bool:
        return self.measure in RATIO_MEASURES


@dataclass(frozen=True)
class Tau2Interval:
    """Q-profile confidence interval for tau^2, tau, I^2 and H^2 (``confint``)."""

    tau2: tuple[float, float, float]
    tau: tuple[float, float, float]
    i2: tuple[float, float, float]
    h2: tuple[float, float, float]
    lower_bounded: bool = False
    upper_bounded: bool = False


@dataclass(frozen=True)
class LeaveOneOut:
    """Fits with each study left out in turn (``leave1out``), input order."""

    studies: tuple[str, ...]
    estimate: np.ndarray
    se: np.ndarray
    stat: np.ndarray
    p_value: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    q: np.ndarray
    q_p: np.ndarray
    tau2: np.ndarray
    i2: np.ndarray
    h2: np.ndarray


@dataclass(frozen=True)
class Influence:
    """Case-deletion diagnostics (``influence.rma.uni``), input order."""

    studies: tuple[str, ...]
    rstudent: np.ndarray
    dffits: np.ndarray
    cook_d: np.ndarray
    cov_r: np.ndarray
    tau2_del: np.ndarray
    qe_del: np.ndarray
    hat: np.ndarray
    weight: np.ndarray
    dfbetas: np.ndarray
    influential: np.ndarray


@dataclass(frozen=True)
class EggerTest:
    """Classic Egger regression test (``regtest(model="lm", predictor="sei")``)."""

    t: float
    p_value: float
    df: int
    intercept: float
    intercept_ci: tuple[float, float]


@dataclass(frozen=True)
class BeggTest:
    """Begg and Mazumdar rank correlation test (``ranktest``)."""

    tau: float
    p_value: float
    exact: bool


@dataclass(frozen=True)
class TrimFill:
    """Duval and Tweedie trim-and-fill (``trimfill``, estimator L0)."""

    k0: int
    side: str
    se_k0: float
    filled_yi: np.ndarray
    filled_vi: np.ndarray
    fit: PooledResult


@dataclass(frozen=True)
class SubgroupAnalysis:
    """Separate fits per subgroup and the test for subgroup differences."""

    groups: dict[str, PooledResult]
    q_between: float
    q_between_df: int
    q_between_p: float


@dataclass(frozen=True)
class FunnelData:
    """Points and pseudo-confidence contours for a funnel plot."""

    yi: np.ndarray
    sei: np.ndarray
    centre: float
    se_grid: np.ndarray
    contours: dict[float, tuple[np.ndarray, np.ndarray]]
    studies: tuple[str, ...]


def back_transform(value: float | None) -> float | None:
    """Exponentiate a log-scale value (``None`` and ``nan`` pass through)."""
    if value is None:
        return None
    return float(np.exp(value))


@dataclass(frozen=True)
class CorrelationSensitivity:
    """The same pooled analysis for each assumed within-person correlation.

    ``assumed`` names the studies whose ``r`` was varied (those that report
    none); ``effects`` and ``fits`` are in the order of ``r_values``.
    """

    r_values: tuple[float, ...]
    assumed: tuple[str, ...]
    effects: tuple[EffectSizes, ...]
    fits: tuple[PooledResult, ...]
