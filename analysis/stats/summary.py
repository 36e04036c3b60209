"""One call from a validated study table to the published numbers.

:func:`analyse` runs the effect sizes, the pooled model and the optional
subgroup, bias and leave-one-out analyses, and :func:`to_dict` turns the
result into the JSON document of ``manage.py metaanalyze --format json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from . import effect_sizes
from .bias import begg_test, egger_test, trim_and_fill
from .designs import WITHIN, correlation_sensitivity, mixed_designs
from .errors import StatsError
from .influence import leave_one_out
from .mantel_haenszel import leave_one_out_counts, mantel_haenszel, peto
from .pooling import pool
from .results import (
    RATIO_MEASURES,
    BeggTest,
    CorrelationSensitivity,
    EffectSizes,
    EggerTest,
    LeaveOneOut,
    PooledResult,
    SubgroupAnalysis,
    TrimFill,
)
from .subgroups import subgroup_analysis
from .tabular import StudyTable

IV_METHODS = ("FE", "DL", "REML", "PM", "ML", "HE", "SJ", "EB")
ALL_METHODS = (*IV_METHODS, "MH", "PETO")


@dataclass(frozen=True)
class Analysis:
    """Everything one ``metaanalyze`` run computes."""

    effects: EffectSizes
    fit: PooledResult
    subgroups: SubgroupAnalysis | None = None
    egger: EggerTest | None = None
    begg: BeggTest | None = None
    trimfill: TrimFill | None = None
    leave_one_out: LeaveOneOut | None = None
    sensitivity: CorrelationSensitivity | None = None


def _correlations(
    table: StudyTable, assume_r: float | None
) -> tuple[np.ndarray | None, float | None]:
    """Reported r per study (``nan`` if none) and the r assumed for the others."""
    r = table.columns.get("r")
    if r is not None and table.layout == "paired" and assume_r is None and np.all(r == r[0]):
        # One value in every row of a paired table is a review-wide assumption: pass it as
        # such so that the results state it (and a sensitivity analysis varies it).
        return np.full_like(r, np.nan), float(r[0])
    return r, assume_r


def _effects(
    table: StudyTable, measure: str, r: np.ndarray | None, assume_r: float | None
) -> EffectSizes:
    c = table.columns
    if table.layout == "mixed":
        return mixed_designs(
            measure,
            design=table.extra["design"],
            n_t=c["n_t"],
            mean_t=c["mean_t"],
            sd_t=c["sd_t"],
            n_c=c["n_c"],
            mean_c=c["mean_c"],
            sd_c=c["sd_c"],
            n=c["n"],
            r=r,
            r_assumed=assume_r,
            studies=table.studies,
        )
    if table.layout == "continuous":
        return effect_sizes.continuous(
            measure,
            n1=c["n_t"],
            m1=c["mean_t"],
            sd1=c["sd_t"],
            n2=c["n_c"],
            m2=c["mean_c"],
            sd2=c["sd_c"],
            studies=table.studies,
        )
    if table.layout == "paired":
        return effect_sizes.paired(
            measure,
            n=c["n"],
            m1=c["mean_t"],
            sd1=c["sd_t"],
            m2=c["mean_c"],
            sd2=c["sd_c"],
            r=r,
            r_assumed=assume_r,
            studies=table.studies,
        )
    es = effect_sizes.binary(
        measure,
        events1=c["events_t"],
        n1=c["n_t"],
        events2=c["events_c"],
        n2=c["n_c"],
        studies=table.studies,
    )
    designs = table.extra.get("design")
    if not designs:
        return es
    within = [s for s, d in zip(table.studies, designs, strict=True) if d == WITHIN]
    notes = es.notes
    if within:
        # Cochrane Handbook ch. 23: paired 2x2 tables are rarely reported, so within-person
        # dichotomous data are analysed as if the two sides were parallel arms.
        notes += (
            f"within-person {'study' if len(within) == 1 else 'studies'} "
            f"{', '.join(within)} analysed as parallel arms (events and totals of the two "
            "sides), ignoring the pairing, which usually widens their confidence intervals",
        )
    return replace(es, designs=tuple(designs), notes=notes)


def _fit(table: StudyTable, es: EffectSizes, mask: np.ndarray, method: str, test: str):
    studies = tuple(s for s, m in zip(table.studies, mask, strict=True) if m)
    if method in ("MH", "PETO"):
        c = table.columns
        args = dict(
            events1=c["events_t"][mask],
            n1=c["n_t"][mask],
            events2=c["events_c"][mask],
            n2=c["n_c"][mask],
            studies=studies,
        )
        if method == "MH":
            return mantel_haenszel(es.measure, **args)
        return peto(**args)
    return pool(
        es.yi[mask], es.vi[mask], method=method, test=test, studies=studies, measure=es.measure
    )


def analyse(
    table: StudyTable,
    *,
    measure: str,
    method: str = "REML",
    test: str = "z",
    bias: bool = False,
    loo: bool = False,
    assume_r: float | None = None,
    r_sensitivity: tuple[float, ...] | None = None,
) -> Analysis:
    """Run a full analysis of a validated table (see :mod:`.tabular`).

    ``assume_r`` is the within-person correlation for studies that report
    none; ``r_sensitivity`` repeats the pooled analysis for each of these
    assumed correlations (:func:`.designs.correlation_sensitivity`).
    """
    if method not in ALL_METHODS:
        raise StatsError(f"unknown method '{method}' (choose from {', '.join(ALL_METHODS)})")
    if method in ("MH", "PETO") and table.layout != "binary":
        raise StatsError(f"{method} applies to dichotomous data (RR, OR, RD) only")
    if method == "PETO" and measure != "OR":
        raise StatsError("PETO applies to the odds ratio (--measure OR) only")
    if method in ("MH", "PETO") and test != "z":
        raise StatsError(f"{method} uses the z test only")
    if r_sensitivity is not None and table.layout not in ("paired", "mixed"):
        raise StatsError(
            "--r-sensitivity needs within-person studies (a paired table, or a table "
            "mixing designs for MD or SMD)"
        )
    r, assumed = _correlations(table, assume_r)
    es = _effects(table, measure, r, assumed)
    everything = np.ones(len(table.studies), dtype=bool)
    fit = _fit(table, es, everything, method, test)
    sub = None
    if table.groups is not None:
        groups = np.array(table.groups, dtype=object)
        sub = subgroup_analysis(groups, lambda m: _fit(table, es, m, method, test))
    egger = begg = tf = None
    if bias:
        if method in ("MH", "PETO"):
            iv = pool(es.yi, es.vi, method="FE", studies=es.studies, measure=es.measure)
        else:
            iv = fit
        egger = egger_test(iv.yi, iv.vi)
        begg = begg_test(iv.yi, iv.vi)
        tf = trim_and_fill(iv)
    l1o = None
    if loo and method in ("MH", "PETO"):
        c = table.columns
        l1o = leave_one_out_counts(
            method=method,
            measure=es.measure,
            events1=c["events_t"],
            n1=c["n_t"],
            events2=c["events_c"],
            n2=c["n_c"],
            studies=table.studies,
        )
    elif loo:
        l1o = leave_one_out(fit)
    sens = None
    if r_sensitivity is not None:
        sens = correlation_sensitivity(
            lambda value: _effects(table, measure, r, value),
            r_sensitivity,
            method=method,
            test=test,
        )
    return Analysis(es, fit, sub, egger, begg, tf, l1o, sens)


def _num(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def to_dict(a: Analysis) -> dict[str, Any]:
    """The JSON document of ``metaanalyze --format json`` (keys as issue #6)."""
    f = a.fit
    fe_like = f.method in ("FE", "MH", "PETO")
    out: dict[str, Any] = {
        "k": f.k,
        "measure": a.effects.measure,
        "method": f.method,
        "test": f.test,
        "estimate": _num(f.estimate),
        "se": _num(f.se),
        "ci_low": _num(f.ci_low),
        "ci_high": _num(f.ci_high),
        "p_value": _num(f.p_value),
        "tau2": _num(f.tau2),
        "tau": _num(f.tau),
        "i2": _num(f.i2),
        "h2": _num(f.h2),
        "q": _num(f.q),
        "q_df": f.q_df,
        "q_p": _num(f.q_p),
        "pi_low": None if fe_like else _num(f.pi_low),
        "pi_high": None if fe_like else _num(f.pi_high),
        "studies": _studies(a),
        "notes": [*a.effects.notes, *([f.extra["test_note"]] if "test_note" in f.extra else [])],
        "zero_cell_adjusted": list(a.effects.zero_cell_adjusted),
        "double_zero": list(a.effects.double_zero),
        "r_assumed": a.effects.r_assumed,
    }
    if a.effects.measure in RATIO_MEASURES:
        out["back_transformed"] = {
            key: (None if out[src] is None else math.exp(out[src]))
            for key, src in (
                ("estimate", "estimate"),
                ("ci_low", "ci_low"),
                ("ci_high", "ci_high"),
                ("pi_low", "pi_low"),
                ("pi_high", "pi_high"),
            )
        }
    if a.subgroups is not None:
        out["subgroups"] = {
            g: {
                "k": r.k,
                "estimate": _num(r.estimate),
                "se": _num(r.se),
                "ci_low": _num(r.ci_low),
                "ci_high": _num(r.ci_high),
                "tau2": _num(r.tau2),
                "i2": _num(r.i2),
            }
            for g, r in a.subgroups.groups.items()
        }
        out["q_between"] = _num(a.subgroups.q_between)
        out["q_between_df"] = a.subgroups.q_between_df
        out["q_between_p"] = _num(a.subgroups.q_between_p)
    # analyse() runs the three bias checks together.
    if a.egger is not None and a.begg is not None and a.trimfill is not None:
        out.update(
            egger_t=_num(a.egger.t),
            egger_p=_num(a.egger.p_value),
            egger_df=a.egger.df,
            begg_tau=_num(a.begg.tau),
            begg_p=_num(a.begg.p_value),
            trimfill_k0=a.trimfill.k0,
            trimfill_side=a.trimfill.side,
            trimfill_estimate=_num(a.trimfill.fit.estimate),
            trimfill_tau2=_num(a.trimfill.fit.tau2),
        )
    if a.sensitivity is not None:
        out["r_sensitivity"] = {
            "assumed_for": list(a.sensitivity.assumed),
            "fits": [
                {
                    "r": r,
                    "estimate": _num(s.estimate),
                    "se": _num(s.se),
                    "ci_low": _num(s.ci_low),
                    "ci_high": _num(s.ci_high),
                    "p_value": _num(s.p_value),
                    "tau2": _num(s.tau2),
                    "i2": _num(s.i2),
                }
                for r, s in zip(a.sensitivity.r_values, a.sensitivity.fits, strict=True)
            ],
        }
    if a.leave_one_out is not None:
        lo = a.leave_one_out
        out["leave_one_out"] = [
            {"study": s, "estimate": _num(e), "se": _num(se), "tau2": _num(t), "i2": _num(i)}
            for s, e, se, t, i in zip(lo.studies, lo.estimate, lo.se, lo.tau2, lo.i2, strict=True)
        ]
    return out


def _studies(a: Analysis) -> list[dict]:
    """Per study: effect, variance and weight; with within-person studies also the
    design, the measure computed and the correlation used (reported or assumed)."""
    es = a.effects
    rows = [
        {"study": s, "yi": _num(y), "vi": _num(v), "weight": _num(w)}
        for s, y, v, w in zip(es.studies, es.yi, es.vi, _weights_by_study(a), strict=True)
    ]
    if es.designs and es.r is None:
        for row, design in zip(rows, es.designs, strict=True):
            row["design"] = design
    if es.r is not None:
        for row, design, measure, r, source in zip(
            rows, es.designs, es.study_measures, es.r, es.r_source, strict=True
        ):
            row.update(design=design, measure=measure, r=_num(r), r_source=source)
    return rows


def _weights_by_study(a: Analysis) -> list[float | None]:
    """Weights (percent) in study order; every analysis here fits all studies in order."""
    if len(a.fit.weights) != len(a.effects.studies):
        raise StatsError("internal error: weights do not line up with the studies")
    return list(a.fit.weights)
