"""From a locked snapshot and a plan to the run's results: the study table of the plan's
outcome (the same rows `manage.py metaanalyze` reads), the engine's analysis
(`analysis.stats.summary.analyse`), the sensitivity analyses, and the results as canonical
JSON (sorted keys, every float with 12 significant digits), so the same plan on the same
snapshot gives byte-identical JSON on any machine and database."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from analysis.stats.errors import StatsError
from analysis.stats.summary import Analysis, analyse, to_dict
from analysis.stats.tabular import MEASURE_LAYOUT, validate
from extraction.models import Snapshot
from extraction.snapshots import MetaRows, canonical, snapshot_metaanalyze_rows

ENGINE_VERSION = f"evident 0.1.0 (numpy {np.__version__}, scipy {scipy.__version__})"
RANDOM_DEFAULT = "REML"
COMMON = ("FE", "MH", "PETO")
HIGH_ROB = ("high", "serious", "critical", "poor")
BIAS_MIN_K = 10  # Egger and Begg have too little power below ten studies (Handbook 13.3.5.4)
# The results keep these words in English (they are data, the same bytes in every language);
# marked so pages can write them in the reader's language (`{% translate %}` of the value).
NOT_GIVEN = gettext_noop("not reported")


def ASSUMED_NOTE(r: Any) -> str:
    return f"r = {r:g} assumed (the review's setting)" if isinstance(r, int | float) else ""


Progress = Callable[[int], None]


@dataclass
class OutcomeTable:
    """The plan's studies as one table for the engine, and what was left out."""

    frame: pd.DataFrame
    arm_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    study_ids: dict[str, int | None] = field(default_factory=dict)
    # The review's within-person correlation, for paired studies that report none (their
    # r is left blank, so the engine states it as assumed and can vary it).
    assume_r: float | None = None


def _study_entries(snapshot: Snapshot) -> dict[str, dict]:
    return {s["label"]: s for s in snapshot.data["studies"]}


def _kept(study: dict, study_filter: Mapping[str, list]) -> bool:
    for key, values in study_filter.items():
        if str(study["fields"].get(key)) not in {str(v) for v in values}:
            return False
    return True


def _group(study: dict, subgroup: str, rob: str | None) -> str:
    if subgroup == "design":
        return study["design"] or NOT_GIVEN
    if subgroup == "rob":
        return rob or gettext_noop("not assessed")
    value = study["fields"].get(subgroup.removeprefix("field:"))
    return NOT_GIVEN if value in (None, "") else str(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def outcome_table(
    snapshot: Snapshot, spec: Mapping[str, Any], judgements: Mapping[str, str]
) -> OutcomeTable:
    """The rows of the plan's outcome at its time point, in the layout its measure needs.

    MD and SMD take parallel and paired designs together (Cochrane Handbook ch. 23): paired
    rows become the ``within`` rows of a mixed table, with their correlation. Dichotomous
    rows of paired designs are analysed as parallel arms (the engine states it)."""
    layout = MEASURE_LAYOUT[spec["measure"]]
    parts: list[tuple[str, MetaRows]] = []
    if layout == "binary":
        parts.append(("parallel", _rows(snapshot, spec, "binary")))
    else:
        parts.append(("parallel", _rows(snapshot, spec, "continuous")))
        parts.append(("within", _rows(snapshot, spec, "paired")))
    entries = _study_entries(snapshot)
    index = snapshot.index or {}
    table = OutcomeTable(frame=pd.DataFrame())
    records = []
    skipped_labels: set[str] = set()
    for _design, part in parts:
        skipped_labels.update(label for label, _why in part.skipped)
    for design, part in parts:
        for label, why in part.skipped:
            # A study skipped by one layout because it belongs in the other is not skipped.
            if "belong in the" in why and any(
                label == row["study"] for _design, p in parts for row in p.rows
            ):
                continue
            table.skipped.append({"study": label, "reason": why})
        table.notes.extend({"study": s, "note": n} for s, n in part.notes)
        for row in part.rows:
            study = entries[row["study"]]
            if not _kept(study, spec["study_filter"]):
                table.skipped.append(
                    {"study": row["study"], "reason": gettext_noop("left out by the filter")}
                )
                continue
            paired = design == "within" or study["design"] in ("within_person", "crossover")
            record = {k: _text(v) for k, v in row.items()}
            if design == "within" and (row["study"], ASSUMED_NOTE(row.get("r"))) in part.notes:
                record["r"] = ""
                table.assume_r = float(row["r"])
            if layout != "binary":
                record["design"] = design
            elif paired:
                record["design"] = "within"
            if spec["subgroup"]:
                record["subgroup"] = _group(study, spec["subgroup"], judgements.get(row["study"]))
            records.append(record)
            table.arm_data[row["study"]] = {k: v for k, v in row.items() if k != "study"}
            table.study_ids[row["study"]] = index.get(row["study"], {}).get("study")
    records.sort(key=lambda r: r["study"])
    frame = pd.DataFrame.from_records(records).fillna("")
    if layout == "binary" and "design" in frame.columns:
        frame["design"] = frame["design"].replace("", "parallel")
    if layout != "binary" and not (frame.get("design", pd.Series()) == "within").any():
        frame = frame.drop(columns=["design"], errors="ignore")
    table.frame = frame
    table.skipped.sort(key=lambda s: (s["study"], s["reason"]))
    table.notes.sort(key=lambda s: (s["study"], s["note"]))
    return table


def _rows(snapshot: Snapshot, spec: Mapping[str, Any], layout: str) -> MetaRows:
    return snapshot_metaanalyze_rows(snapshot, spec["outcome"], spec["timepoint"], layout)


def _table(frame: pd.DataFrame, spec: Mapping[str, Any], assume_r: float | None):
    if frame.empty:
        raise StatsError("no study has data for this outcome at this time point")
    return validate(
        frame,
        spec["measure"],
        subgroup="subgroup" if spec["subgroup"] else None,
        assume_r=assume_r,
    )


def _analyse(
    table, spec: Mapping[str, Any], *, method: str, full: bool, k: int, assume_r: float | None
) -> Analysis:
    layout = table.layout
    # Only an assumed correlation can be varied; reported ones stay as reported.
    varied = layout in ("paired", "mixed") and assume_r is not None
    r_values = tuple(spec["r_values"]) if varied else ()
    return analyse(
        table,
        measure=spec["measure"],
        method=method,
        test="z" if method in ("MH", "PETO") else spec["test"],
        bias=full and spec["small_study"] and k >= BIAS_MIN_K,
        loo=full and spec["leave_one_out"] and k >= 2,
        assume_r=assume_r,
        r_sensitivity=(r_values or None) if full else None,
    )


def _brief(a: Analysis) -> dict[str, Any]:
    d = to_dict(a)
    return {key: d[key] for key in ("k", "method", "estimate", "ci_low", "ci_high", "p_value")} | {
        "tau2": d["tau2"],
        "i2": d["i2"],
    }


def run_analysis(
    snapshot: Snapshot,
    spec: Mapping[str, Any],
    judgements: Mapping[str, str],
    progress: Progress = lambda percent: None,
) -> tuple[dict[str, Any], Analysis]:
    """The results document of a run, and the engine's analysis (for the plots).

    ``judgements``: overall risk-of-bias judgement per study label (may be empty).
    """
    found = outcome_table(snapshot, spec, judgements)
    table = _table(found.frame, spec, found.assume_r)
    k = len(table.studies)
    progress(20)
    main = _analyse(table, spec, method=spec["method"], full=True, k=k, assume_r=found.assume_r)
    progress(60)
    out = to_dict(main)
    if main.leave_one_out is not None:
        lo = main.leave_one_out
        for row, low, high in zip(out["leave_one_out"], lo.ci_low, lo.ci_high, strict=True):
            row.update(ci_low=_num(low), ci_high=_num(high))
    sensitivity: dict[str, Any] = {}
    if spec["compare_models"]:
        other = RANDOM_DEFAULT if spec["method"] in COMMON else "FE"
        sensitivity["other_model"] = _brief(
            _analyse(table, spec, method=other, full=False, k=k, assume_r=found.assume_r)
        )
    if spec["exclude_high_rob"]:
        sensitivity["excluding_high_rob"] = _without_high_rob(found, spec, judgements)
    if spec["r_values"] and main.sensitivity is None:
        sensitivity["correlations"] = {"varied": [], "note": _unvaried_note(table.layout)}
    progress(75)
    arms = found.arm_data
    participants = sum(
        int(a.get("n_t", 0) + a.get("n_c", 0)) if "n_t" in a else int(a.get("n", 0))
        for label, a in arms.items()
        if label in table.studies
    )
    out.update(
        outcome=spec["outcome"],
        timepoint=spec["timepoint"],
        plan=dict(spec),
        snapshot_sha256=snapshot.sha256,
        engine_version=ENGINE_VERSION,
        participants=participants,
        arm_data={label: arms[label] for label in table.studies},
        skipped=found.skipped,
        data_notes=found.notes,
        rob={label: judgements.get(label) for label in table.studies},
        sensitivity=sensitivity,
        small_study_tests_run=main.egger is not None,
    )
    # The stored line is in English whatever language is active (the results are the same
    # bytes for the same plan and snapshot); pages write it in the reader's language.
    with translation.override(None):
        out["plain_language"] = plain_language(out, participants)
    return out, main


def _unvaried_note(layout: str) -> str:
    # The plan asked for other correlations but none was assumed, so the results must
    # not look as if the estimate had survived a sensitivity analysis it never had.
    if layout in ("paired", "mixed"):
        return gettext_noop(
            "nothing was varied: every within-person study reports its own correlation, "
            "and reported correlations are used as reported"
        )
    return gettext_noop("nothing was varied: no study in this analysis is a within-person study")


def _without_high_rob(
    found: OutcomeTable, spec: Mapping[str, Any], judgements: Mapping[str, str]
) -> dict[str, Any]:
    high = [s for s in found.frame["study"] if judgements.get(s) in HIGH_ROB]
    if not judgements:
        return {"excluded": [], "note": gettext_noop("no risk-of-bias judgements yet")}
    kept = found.frame[~found.frame["study"].isin(high)]
    if len(kept) < 1:
        return {"excluded": high, "note": gettext_noop("every study is at high risk of bias")}
    brief = _brief(
        _analyse(
            _table(kept, spec, found.assume_r),
            spec,
            method=spec["method"],
            full=False,
            k=0,
            assume_r=found.assume_r,
        )
    )
    return {"excluded": high, **brief}


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if not math.isfinite(x) else x


def fmt(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "NA"
    return f"{x:.{digits}f}".replace("-", "\u2212")


def plain_language(out: Mapping[str, Any], participants: int) -> str:
    """One line for the paper: "SMD −1.25, 95% CI −1.80 to −0.70; 18 studies, 500
    participants; I² = 65%" (ratios back-transformed), in the active language."""
    shown = out.get("back_transformed") or out
    k = out["k"]
    values = {
        "measure": out["measure"],
        "estimate": fmt(shown["estimate"]),
        "low": fmt(shown["ci_low"]),
        "high": fmt(shown["ci_high"]),
        "k": k,
        "participants": participants,
    }
    line = (
        # Translators: the one-line result of a meta-analysis, e.g. "RR 0.49, 95% CI
        # 0.34 to 0.70; 13 studies, 357347 participants".
        ngettext(
            "%(measure)s %(estimate)s, 95%% CI %(low)s to %(high)s; %(k)s study, "
            "%(participants)s participants",
            "%(measure)s %(estimate)s, 95%% CI %(low)s to %(high)s; %(k)s studies, "
            "%(participants)s participants",
            k,
        )
        % values
    )
    if out.get("i2") is not None and k > 1:
        line += _("; I² = %(i2)s%%") % {"i2": f"{out['i2']:.0f}"}
    return line


def results_json(results: Mapping[str, Any]) -> str:
    """Canonical JSON text of a run's results (the snapshot's rules: sorted keys, 12
    significant digits, no NaN)."""
    return canonical(dict(results)).decode("utf-8")
