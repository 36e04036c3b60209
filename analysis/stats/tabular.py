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

from .errors import InputError

LAYOUTS: dict[str, tuple[str, ...]] = {
    "continuous": ("study", "n_t", "mean_t", "sd_t", "n_c", "mean_c", "sd_c"),
    "paired": ("study", "n", "mean_t", "sd_t", "mean_c", "sd_c", "r"),
    "binary": ("study", "events_t", "n_t", "events_c", "n_c"),
}
MEASURE_LAYOUT = {
    "MD": "continuous",
    "SMD": "continuous",
    "MC": "paired",
    "SMCC": "paired",
    "SMCR": "paired",
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


def validate(df: pd.DataFrame, measure: str, *, subgroup: str | None = None) -> StudyTable:
    """Check a table for ``measure`` and return its numeric columns.

    Checks, in row order: required columns present; study names present;
    numbers parse; counts are whole numbers; group sizes > 1; SDs > 0;
    0 <= events <= group size; -1 <= r <= 1; subgroup value present.
    """
    if measure not in MEASURE_LAYOUT:
        known = ", ".join(MEASURE_LAYOUT)
        raise InputError(f"unknown measure '{measure}' (choose from {known})")
    layout = MEASURE_LAYOUT[measure]
    needed = LAYOUTS[layout]
    missing = [c for c in needed if c not in df.columns]
    if subgroup is not None and subgroup not in df.columns:
        missing.append(subgroup)
    if missing:
        raise InputError(
            f"missing column '{missing[0]}' (a {layout} table needs: {', '.join(needed)})"
        )
    if len(df) == 0:
        raise InputError("the table has no rows")
    numeric = [c for c in needed if c != "study"]
    values = {c: np.empty(len(df)) for c in numeric}
    studies = []
    groups = []
    for i, rec in enumerate(df.to_dict("records")):
        row = i + 1
        study = str(rec["study"]).strip()
        if not study:
            raise InputError(f"row {row}, column 'study': missing study name")
        studies.append(study)
        where = _where(row, study)
        for col in numeric:
            text = str(rec[col]).strip()
            if text == "" or text.upper() in ("NA", "NAN"):
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
                raise InputError(
                    f"{where}, column '{col}': group size must be greater than 1 (got {text})"
                )
            if col in SD_COLUMNS and x <= 0:
                raise InputError(
                    f"{where}, column '{col}': standard deviation must be greater than 0 "
                    f"(got {text})"
                )
            if col == "r" and not -1 <= x <= 1:
                raise InputError(
                    f"{where}, column 'r': correlation must be between -1 and 1 (got {text})"
                )
            if col in ("events_t", "events_c") and x < 0:
                raise InputError(
                    f"{where}, column '{col}': events must not be negative (got {text})"
                )
            values[col][i] = x
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
    )
