"""Evident's statistics engine: pure functions on arrays (numpy, scipy, pandas only).

Definitions and defaults follow R's metafor (Viechtbauer 2010); every result
is checked against metafor output pinned in ``tests/fixtures/metafor/``.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Names are imported on first use (PEP 562): importing one submodule, such as the
# conversions extraction uses, must not load scipy's whole stats stack, which
# would add seconds to every management command.
_WHERE = {
    "ConvergenceError": "errors",
    "InputError": "errors",
    "StatsError": "errors",
    "begg_test": "bias",
    "binary": "effect_sizes",
    "ci_difference_to_sd": "conversions",
    "ci_to_sd": "conversions",
    "combine_arms": "conversions",
    "continuous": "effect_sizes",
    "correlation_sensitivity": "designs",
    "egger_test": "bias",
    "fivenum_to_mean_sd": "conversions",
    "funnel_data": "bias",
    "influence": "influence",
    "leave_one_out": "influence",
    "mantel_haenszel": "mantel_haenszel",
    "mixed_designs": "designs",
    "paired": "effect_sizes",
    "peto": "mantel_haenszel",
    "pool": "pooling",
    "pool_effects": "pooling",
    "se_to_sd": "conversions",
    "subgroup_analysis": "subgroups",
    "tau2_interval": "heterogeneity",
    "trim_and_fill": "bias",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(f"{__name__}.{module}", fromlist=[name]), name)
    globals()[name] = value
    return value


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
