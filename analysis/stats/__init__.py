"""Evident's statistics engine: pure functions on arrays (numpy, scipy, pandas only).

Definitions and defaults follow R's metafor (Viechtbauer 2010); every result
is checked against metafor output pinned in ``tests/fixtures/metafor/``.
"""

from .bias import begg_test, egger_test, funnel_data, trim_and_fill
from .conversions import (
    ci_difference_to_sd,
    ci_to_sd,
    combine_arms,
    fivenum_to_mean_sd,
    se_to_sd,
)
from .designs import correlation_sensitivity, mixed_designs
from .effect_sizes import binary, continuous, paired
from .errors import ConvergenceError, InputError, StatsError
from .heterogeneity import tau2_interval
from .influence import influence, leave_one_out
from .mantel_haenszel import mantel_haenszel, peto
from .pooling import pool, pool_effects
from .subgroups import subgroup_analysis

__all__ = [
    "ConvergenceError",
    "InputError",
    "StatsError",
    "begg_test",
    "binary",
    "ci_difference_to_sd",
    "ci_to_sd",
    "combine_arms",
    "continuous",
    "correlation_sensitivity",
    "egger_test",
    "fivenum_to_mean_sd",
    "funnel_data",
    "influence",
    "leave_one_out",
    "mantel_haenszel",
    "mixed_designs",
    "paired",
    "peto",
    "pool",
    "pool_effects",
    "se_to_sd",
    "subgroup_analysis",
    "tau2_interval",
    "trim_and_fill",
]
