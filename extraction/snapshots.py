"""Snapshots: the consensus data of a locked extraction, frozen, hashed and read by the
analysis app. This docstring is the contract with it.

`Snapshot.data` (hashed) is JSON::

    {
      "format": "evident-extraction-snapshot/1",
      "assumed_r": 0.5,            # the review's within-person correlation assumption
      "form": {"version": 3, "fields": [...], "outcomes": [...]},   # the current definition
      "studies": [                 # sorted by label
        {
          "label": "Lee 2019", "design": "within_person", "provenance": "screening",
          "citation": "",
          "reports": [{"title", "year", "journal", "doi", "pmid"}],
          "fields": {"country": "China", ...},          # None: not reported
          "field_versions": {"country": 1, ...},        # the form version of each answer
          "arms": [{"position": 1, "label": "Fat graft side", "n": 30,
                    "role": "intervention"}],           # role: intervention, control, not_used
          "outcomes": [                                 # form order, then time-point order
            {"outcome": "scar_score", "timepoint": "3 months", "type": "continuous",
             "arms": [{"position": 1, "label", "role",
                       "format": "median_iqr",          # as the report gave it
                       "reported": {"n": "30", "median": "2.5", ...},   # as typed
                       "n": 30, "mean": 2.61, "sd": 1.12,   # continuous (None: unconverted)
                       "events": None, "total": None,       # dichotomous: events of total
                       "basis": "final",                    # or "change" (from baseline)
                       "method": "Luo 2018 (mean), Wan 2014 (SD); median and IQR",
                       "unconverted": "",                   # why mean/SD are None
                       "source": "Table 2", "quote": "", "flag": "", "form_version": 2}],
             "paired": {"n": 30, "r": 0.5, "r_source": "assumed",      # paired designs,
                        "difference": {"mean", "sd", "n", "method"} or None}}  # continuous
          ]
        }
      ]
    }

Paired designs (within-person, crossover, before–after) have one group of participants and
two conditions (`arms`); `paired.r` is the study's reported correlation (`r_source`
"reported") or the review's assumption ("assumed"); `paired.difference` is the mean
within-person difference with its SD when the report gives it.

The hash is SHA-256 over `canonical(data)`: UTF-8 JSON with sorted keys, no spaces, every
float written with 12 significant digits, no database ids and no timestamps (those live in
`Snapshot.index` and the row). The same consensus gives the same hash on SQLite and
PostgreSQL, run after run.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from extraction import selectors
from extraction.conversions import COMBINED_METHOD, arms_combined
from extraction.definitions import outcome_of
from extraction.models import PAIRED_DESIGNS, FormVersion, Snapshot
from reviews.models import Review

FORMAT = "evident-extraction-snapshot/1"
DIGITS = 12


def _num(value: Any) -> Any:
    """Floats rounded to 12 significant digits, so the last bits a platform's arithmetic
    varies in never reach the hash; whole numbers stay integers."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} cannot be stored in a snapshot")
        return float(f"{value:.{DIGITS}g}")
    if isinstance(value, dict):
        return {k: _num(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_num(v) for v in value]
    return value


def canonical(data: dict) -> bytes:
    return json.dumps(
        _num(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_of(data: dict) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def snapshot_verify(snapshot: Snapshot) -> bool:
    """Whether the stored data still gives the stored hash."""
    return sha256_of(snapshot.data) == snapshot.sha256


def snapshot_latest(review: Review) -> Snapshot | None:
    return Snapshot.objects.filter(review=review).order_by("-version").first()


def snapshot_build(review: Review, version: FormVersion) -> tuple[dict, dict]:
    """(data, index) from every study's completed consensus. Callers check completeness
    (`locking.lock_blockers`) first."""
    settings = selectors.extraction_settings(review)
    definition = version.definition
    studies: list[dict[str, Any]] = []
    index: dict[str, dict[str, Any]] = {}
    for row in selectors.study_rows(review):
        study = row.study
        consensus = row.consensus
        data = selectors.extraction_data(consensus) if consensus is not None else None
        reports = sorted(
            (_report(r.record) for r in row.reports),
            key=lambda r: (r["year"] or 0, r["title"], r["doi"]),
        )
        entry: dict[str, Any] = {
            "label": study.label,
            "design": study.design,
            "provenance": study.provenance,
            "citation": study.citation,
            "reports": reports,
            "fields": {},
            "field_versions": {},
            "arms": [],
            "outcomes": [],
        }
        if data is not None:
            entry["fields"] = {k: v.value for k, v in sorted(data.fields.items())}
            entry["field_versions"] = {
                k: v.form_version.number for k, v in sorted(data.fields.items())
            }
            entry["arms"] = [
                {"position": a.position, "label": a.label, "n": a.n, "role": a.role}
                for a in data.arms
            ]
            entry["outcomes"] = _outcomes(study.design, data, definition, settings.assumed_r)
        studies.append(entry)
        index[study.label] = {
            "study": study.pk,
            "records": sorted(r.record_id for r in row.reports),
        }
    studies.sort(key=lambda s: s["label"])
    snapshot = {
        "format": FORMAT,
        "assumed_r": settings.assumed_r,
        "form": {"version": version.number, **definition},
        "studies": studies,
    }
    return _num(snapshot), index


def _report(record) -> dict:
    values = selectors.publication(record)
    return {
        k: values.get(k) or ("" if k != "year" else None)
        for k in ("title", "year", "journal", "doi", "pmid")
    }


def _outcomes(design: str, data, definition: dict, assumed_r: float) -> list[dict]:
    order = {o["key"]: i for i, o in enumerate(definition["outcomes"])}
    groups: dict[tuple[str, str], dict] = {}
    for (outcome, timepoint, position), value in data.values.items():
        spec = outcome_of(definition, outcome)
        kind = (
            spec["type"]
            if spec
            else ("dichotomous" if value.format == "events_total" else "continuous")
        )
        group = groups.setdefault(
            (outcome, timepoint),
            {"outcome": outcome, "timepoint": timepoint, "type": kind, "arms": [], "_paired": None},
        )
        if position is None:
            group["_paired"] = value
            continue
        dichotomous = kind == "dichotomous"
        group["arms"].append(
            {
                "position": position,
                "label": value.arm.label,
                "role": value.arm.role,
                "format": value.format,
                "reported": dict(sorted(value.reported.items())),
                "n": None if dichotomous else value.n,
                "mean": value.mean,
                "sd": value.sd,
                "events": value.events if dichotomous else None,
                "total": value.n if dichotomous else None,
                "basis": value.basis,
                "method": value.method,
                "unconverted": value.unconverted,
                "source": value.source,
                "quote": value.quote,
                "flag": value.flag,
                "form_version": value.form_version.number,
            }
        )
    out = []
    for (outcome, timepoint), group in groups.items():
        spec = outcome_of(definition, outcome)
        tp_order = (
            spec["timepoints"].index(timepoint) if spec and timepoint in spec["timepoints"] else 999
        )
        group["arms"].sort(key=lambda a: a["position"])
        paired_row = group.pop("_paired")
        if design in PAIRED_DESIGNS and group["type"] == "continuous":
            group["paired"] = _paired(group["arms"], paired_row, assumed_r)
        out.append(((order.get(outcome, 999), outcome, tp_order, timepoint), group))
    return [group for _, group in sorted(out, key=lambda item: item[0])]


def _paired(arms: list[dict], row, assumed_r: float) -> dict:
    sizes = [a["n"] for a in arms if a["n"] is not None]
    n = row.n if row is not None and row.n is not None else (min(sizes) if sizes else None)
    reported_r = row.r if row is not None else None
    difference = None
    if row is not None and row.mean is not None:
        difference = {"mean": row.mean, "sd": row.sd, "n": row.n, "method": row.method}
    return {
        "n": n,
        "r": reported_r if reported_r is not None else assumed_r,
        "r_source": "reported" if reported_r is not None else "assumed",
        "difference": difference,
    }


# For the analysis app -------------------------------------------------------------------------

LAYOUT_COLUMNS = {
    "continuous": ("study", "n_t", "mean_t", "sd_t", "n_c", "mean_c", "sd_c"),
    "paired": ("study", "n", "mean_t", "sd_t", "mean_c", "sd_c", "r"),
    "binary": ("study", "events_t", "n_t", "events_c", "n_c"),
}


@dataclass
class MetaRows:
    """Rows in one of `metaanalyze`'s CSV layouts, and the studies left out with why."""

    layout: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


def snapshot_layouts(snapshot: Snapshot, outcome: str, timepoint: str) -> list[str]:
    """The layouts in which the outcome at the time point has studies."""
    kinds = set()
    for study in snapshot.data["studies"]:
        for entry in study["outcomes"]:
            if entry["outcome"] == outcome and entry["timepoint"] == timepoint:
                if entry["type"] == "dichotomous":
                    kinds.add("binary")
                else:
                    kinds.add("paired" if "paired" in entry else "continuous")
    return [k for k in ("continuous", "paired", "binary") if k in kinds]


def snapshot_metaanalyze_rows(
    snapshot: Snapshot, outcome: str, timepoint: str, layout: str | None = None
) -> MetaRows:
    """One row per study for `manage.py metaanalyze`: treatment (`_t`) is the arms whose role
    is intervention, control (`_c`) those whose role is control; several arms of one role are
    combined (Cochrane Handbook Table 6.5.a; events and totals add up), so a shared control
    counts once. Paired designs go in the paired layout (with r), the others in the
    two-group one. Studies that cannot be given a row are listed in `skipped` with why."""
    layouts = snapshot_layouts(snapshot, outcome, timepoint)
    if layout is None:
        layout = layouts[0] if layouts else "continuous"
    if layout not in LAYOUT_COLUMNS:
        raise ValueError(f"unknown layout “{layout}” (continuous, paired or binary)")
    result = MetaRows(layout, LAYOUT_COLUMNS[layout])
    for study in snapshot.data["studies"]:
        entry = next(
            (
                e
                for e in study["outcomes"]
                if e["outcome"] == outcome and e["timepoint"] == timepoint
            ),
            None,
        )
        if entry is None:
            continue
        kind = (
            "binary"
            if entry["type"] == "dichotomous"
            else ("paired" if "paired" in entry else "continuous")
        )
        label = study["label"]
        if kind != layout:
            result.skipped.append((label, f"its data belong in the {kind} layout"))
            continue
        arms = [a for a in entry["arms"] if a["format"] != "not_reported"]
        treated = [a for a in arms if a["role"] == "intervention"]
        control = [a for a in arms if a["role"] == "control"]
        if not treated or not control:
            result.skipped.append((label, "needs an intervention arm and a control arm"))
            continue
        if layout == "binary":
            _binary(result, label, treated, control)
        elif layout == "paired":
            _paired_row(result, label, treated, control, entry["paired"])
        else:
            _continuous(result, label, treated, control)
    return result


def _missing(arms: list[dict]) -> str:
    for arm in arms:
        if arm["mean"] is None or arm["sd"] is None or arm["n"] is None:
            return arm["unconverted"] or f"{arm['label']}: no mean and SD"
    return ""


def _combined(result: MetaRows, label: str, arms: list[dict]) -> tuple[float, float, float]:
    if len(arms) == 1:
        return arms[0]["n"], arms[0]["mean"], arms[0]["sd"]
    result.notes.append((label, f"{' + '.join(a['label'] for a in arms)}: {COMBINED_METHOD}"))
    return arms_combined([(a["n"], a["mean"], a["sd"]) for a in arms])


def _continuous(result: MetaRows, label: str, treated: list[dict], control: list[dict]) -> None:
    reason = _missing(treated + control)
    if reason:
        result.skipped.append((label, reason))
        return
    n_t, mean_t, sd_t = _combined(result, label, treated)
    n_c, mean_c, sd_c = _combined(result, label, control)
    result.rows.append(
        {
            "study": label,
            "n_t": n_t,
            "mean_t": mean_t,
            "sd_t": sd_t,
            "n_c": n_c,
            "mean_c": mean_c,
            "sd_c": sd_c,
        }
    )


def _paired_row(result, label, treated, control, paired: dict) -> None:
    if len(treated) != 1 or len(control) != 1:
        result.skipped.append((label, "a paired design compares one condition with one other"))
        return
    reason = _missing(treated + control)
    if reason:
        if paired.get("difference") is not None:
            reason = "only the within-person difference is reported (snapshot: paired.difference)"
        result.skipped.append((label, reason))
        return
    if paired["r_source"] == "assumed":
        result.notes.append((label, f"r = {paired['r']:g} assumed (the review's setting)"))
    t, c = treated[0], control[0]
    result.rows.append(
        {
            "study": label,
            "n": paired["n"],
            "mean_t": t["mean"],
            "sd_t": t["sd"],
            "mean_c": c["mean"],
            "sd_c": c["sd"],
            "r": paired["r"],
        }
    )


def _binary(result: MetaRows, label: str, treated: list[dict], control: list[dict]) -> None:
    if any(a["events"] is None or a["total"] is None for a in treated + control):
        result.skipped.append((label, "events or totals missing"))
        return
    if len(treated) > 1 or len(control) > 1:
        result.notes.append((label, f"arms combined: {COMBINED_METHOD}"))
    result.rows.append(
        {
            "study": label,
            "events_t": sum(a["events"] for a in treated),
            "n_t": sum(a["total"] for a in treated),
            "events_c": sum(a["events"] for a in control),
            "n_c": sum(a["total"] for a in control),
        }
    )
