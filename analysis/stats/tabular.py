"""Reading and validating study tables (CSV or DataFrame) for analysis.

Every problem is reported as one line naming the row and the column, e.g.
``row 3 (study 'Hart 1977'), column 'n_t': 'twelve' is not a number``.
Rows are counted from 1 at the first data row (the header is not counted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from .designs import PARALLEL, WITHIN
from .errors import InputError

LAYOUTS: dict[str, tuple[str, ...]] = {
    "continuous": ("study", "n_t", "mean_t", "sd_t", "n_c", "mean_c", "sd_c"),
    "paired": ("study", "n", "mean_t", "sd_t", "mean_c", "sd_c", "r"),
    "binary": ("study", "events_t", "n_t", "events_c", "n_c"),
    # Parallel rows fill n_t and n_c, within-person rows n and r (see validate).
    "mixed": ("study", "mean_t", "sd_t", "mean_c", "sd_c"),
}
MIXED_NUMERIC = ("n_t", "n_c", "n", "mean_t", "sd_t", "mean_c", "sd_c", "r")
MIXED_ROW = {
    PARALLEL: ("n_t", "mean_t", "sd_t", "n_c", "mean_c", "sd_c"),
    WITHIN: ("n", "mean_t", "sd_t", "mean_c", "sd_c", "r"),
}
MEASURE_LAYOUT = {
    "MD": "continuous",
    "SMD": "continuous",
    "MC": "paired",
    "SMCC": "paired",
    "SMCR": "paired",
    "SMCRH": "paired",
    "RR": "binary",
    "OR": "binary",
    "RD": "binary",
}
COUNT_COLUMNS = {"n_t", "n_c", "n", "events_t", "events_c"}
SIZE_COLUMNS = {"n_t", "n_c", "n"}
SD_COLUMNS = {"sd_t", "sd_c"}


@dataclass(frozen=True)
class StudyTable:
    """A validated table: numeric columns as float arrays, in row order."""

    layout: str
    studies: tuple[str, ...]
    columns: dict[str, np.ndarray]
    groups: tuple[str, ...] | None = None
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)


def read_table(source: str | Path | IO[str]) -> pd.DataFrame:
    """Read a CSV as text (numbers are checked by :func:`validate`)."""
    try:
        df = pd.read_csv(
            source, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig"
        )
    except FileNotFoundError as exc:
        raise InputError(f"file not found: {source}") from exc
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable file"
        raise InputError(f"cannot read CSV: {first}") from exc
    df.columns = [str(c).strip() for c in df.columns]
    return df


def _where(row: int, study: str) -> str:
    return f"row {row}" + (f" (study '{study}')" if study else "")


def _blank(text: str) -> bool:
    return text == "" or text.upper() in ("NA", "NAN")


def _number(text: str, col: str, where: str) -> float:
    """One cell as a number, with the checks its column needs."""
    if _blank(text):
        raise InputError(f"{where}, column '{col}': missing value")
    try:
        x = float(text)
    except ValueError:
        raise InputError(f"{where}, column '{col}': '{text}' is not a number") from None
    if not np.isfinite(x):
        raise InputError(f"{where}, column '{col}': '{text}' is not a finite number")
    if col in COUNT_COLUMNS and x != round(x):
        raise InputError(f"{where}, column '{col}': {text} is not a whole number")
    if col in SIZE_COLUMNS and x <= 1:
        raise InputError(f"{where}, column '{col}': group size must be greater than 1 (got {text})")
    if col in SD_COLUMNS and x <= 0:
        raise InputError(
            f"{where}, column '{col}': standard deviation must be greater than 0 (got {text})"
        )
    if col == "r" and not -1 <= x <= 1:
        raise InputError(f"{where}, column 'r': correlation must be between -1 and 1 (got {text})")
    if col in ("events_t", "events_c") and x < 0:
        raise InputError(f"{where}, column '{col}': events must not be negative (got {text})")
    return x


def _correlation(text: str, where: str, assume_r: float | None) -> float:
    """A within-person r: blank means not reported, allowed only with an assumed r."""
    if _blank(text):
        if assume_r is None:
            raise InputError(
                f"{where}, column 'r': missing value: give the within-person correlation, "
                "or assume one with --assume-r"
            )
        return np.nan
    return _number(text, "r", where)


def _design(rec: dict, where: str, has_design: bool) -> str:
    """A row's design: the 'design' column, or else which sample sizes it fills."""
    if has_design:
        text = str(rec["design"]).strip()
        if text.lower() not in (PARALLEL, WITHIN):
            raise InputError(
                f"{where}, column 'design': '{text}' is neither '{PARALLEL}' nor '{WITHIN}'"
            )
        return text.lower()
    arms = any(not _blank(str(rec.get(c, "")).strip()) for c in ("n_t", "n_c"))
    people = not _blank(str(rec.get("n", "")).strip())
    if arms and people:
        raise InputError(
            f"{where}: fill either n (within-person) or n_t and n_c (parallel), not both"
        )
    if not (arms or people):
        raise InputError(
            f"{where}: no sample size: fill n (within-person) or n_t and n_c (parallel)"
        )
    return PARALLEL if arms else WITHIN


def _mixed_row(rec: dict, where: str, design: str, assume_r: float | None) -> dict[str, float]:
    """The numbers of one row of a mixed table (``nan`` where its design has none)."""
    foreign = {
        PARALLEL: {
            "n": "a parallel study's sizes go in n_t and n_c (leave n blank)",
            "r": "a parallel study has no within-person correlation (leave it blank)",
        },
        WITHIN: {
            "n_t": "a within-person study's size goes in n (leave n_t and n_c blank)",
            "n_c": "a within-person study's size goes in n (leave n_t and n_c blank)",
        },
    }[design]
    for col, message in foreign.items():
        if not _blank(str(rec.get(col, "")).strip()):
            raise InputError(f"{where}, column '{col}': {message}")
    out = dict.fromkeys(MIXED_NUMERIC, np.nan)
    for col in MIXED_ROW[design]:
        if col not in rec and not (col == "r" and assume_r is not None):
            needed = ", ".join(MIXED_ROW[design])
            raise InputError(f"missing column '{col}' ({design} rows need: {needed})")
        text = str(rec.get(col, "")).strip()
        out[col] = _correlation(text, where, assume_r) if col == "r" else _number(text, col, where)
    return out


def validate(
    df: pd.DataFrame,
    measure: str,
    *,
    subgroup: str | None = None,
    assume_r: float | None = None,
) -> StudyTable:
    """Check a table for ``measure`` and return its numeric columns.

    Checks, in row order: required columns present; study names present;
    numbers parse; counts are whole numbers; group sizes > 1; SDs > 0;
    0 <= events <= group size; -1 <= r <= 1; subgroup value present.

    For ``MD`` and ``SMD`` a table with a ``design`` or an ``n`` column mixes
    designs (layout ``"mixed"``): each row is ``parallel`` (``n_t``, ``n_c``)
    or ``within`` (``n``, ``r``), from its ``design`` cell or else from which
    sample sizes it fills. A blank ``r`` of a within-person row (or of a
    paired table) is allowed only when ``assume_r`` is given, and is ``nan``.
    A dichotomous table may name each row's design too (``extra["design"]``).
    """
    if measure not in MEASURE_LAYOUT:
        known = ", ".join(MEASURE_LAYOUT)
        raise InputError(f"unknown measure '{measure}' (choose from {known})")
    layout = MEASURE_LAYOUT[measure]
    if layout == "continuous" and ("design" in df.columns or "n" in df.columns):
        layout = "mixed"
    if layout == "paired" and "design" in df.columns:
        raise InputError(
            f"--measure {measure} is for within-person studies only; a table that mixes "
            "designs takes --measure MD or SMD"
        )
    needed = LAYOUTS[layout]
    missing = [c for c in needed if c not in df.columns and not (c == "r" and assume_r is not None)]
    if subgroup is not None and subgroup not in df.columns:
        missing.append(subgroup)
    if missing:
        raise InputError(
            f"missing column '{missing[0]}' (a {layout} table needs: {', '.join(needed)})"
        )
    if len(df) == 0:
        raise InputError("the table has no rows")
    numeric = MIXED_NUMERIC if layout == "mixed" else [c for c in needed if c != "study"]
    values = {c: np.empty(len(df)) for c in numeric}
    studies = []
    groups = []
    designs = []
    for i, rec in enumerate(df.to_dict("records")):
        row = i + 1
        study = str(rec["study"]).strip()
        if not study:
            raise InputError(f"row {row}, column 'study': missing study name")
        studies.append(study)
        where = _where(row, study)
        if layout == "mixed":
            design = _design(rec, where, "design" in df.columns)
            designs.append(design)
            for col, x in _mixed_row(rec, where, design, assume_r).items():
                values[col][i] = x
        else:
            if layout == "binary" and "design" in df.columns:
                designs.append(_design(rec, where, True))
            for col in numeric:
                text = str(rec.get(col, "")).strip()
                if col == "r":
                    values[col][i] = _correlation(text, where, assume_r)
                else:
                    values[col][i] = _number(text, col, where)
        for ev, n in (("events_t", "n_t"), ("events_c", "n_c")):
            if ev in values and values[ev][i] > values[n][i]:
                raise InputError(
                    f"{where}, column '{ev}': {values[ev][i]:g} events exceed the "
                    f"group size {n} = {values[n][i]:g}"
                )
        if subgroup is not None:
            g = str(rec[subgroup]).strip()
            if g == "":
                raise InputError(f"{where}, column '{subgroup}': missing subgroup value")
            groups.append(g)
    return StudyTable(
        layout=layout,
        studies=tuple(studies),
        columns=values,
        groups=tuple(groups) if subgroup is not None else None,
        extra={"design": tuple(designs)} if designs else {},
    )
