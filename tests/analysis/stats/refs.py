"""Load the metafor reference fixtures (tests/fixtures/metafor/*.json).

Tolerance used throughout the metafor comparison tests:
``|ours - metafor| <= 1e-6 * max(1, |metafor|)``, i.e. absolute 1e-6 for values
of magnitude up to 1 and relative 1e-6 above. metafor's values were produced
with ``control=list(threshold=t, maxiter=1000, tol=t)``, ``t = 1e-12 * min(1,
mean(vi))``, so both sides are converged well inside that tolerance (the largest
deviation seen is below 1e-10 absolute; set EVIDENT_DEVIATIONS=FILE to log them).
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "metafor"
TOL = 1e-6


@cache
def cases() -> tuple[dict, ...]:
    return tuple(json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json")))


def arr(values) -> np.ndarray:
    """JSON list (or a scalar, as jsonlite writes length-1 vectors) to floats; null -> nan."""
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if values is None:
        return np.array([np.nan])
    if isinstance(values, dict):  # jsonlite writes NULL as {}
        return np.array([])
    items = list(values) if isinstance(values, (list, tuple)) else [values]
    return np.array([np.nan if v is None else v for v in items], dtype=float)


def assert_close(ours, ref, what: str = "") -> None:
    """Compare within TOL; ``nan`` in the reference must be ``nan`` (or None) in ours."""
    mine = arr(ours.tolist() if isinstance(ours, np.ndarray) else ours)
    want = arr(ref)
    assert mine.shape == want.shape, f"{what}: shape {mine.shape} != {want.shape}"
    both_nan = np.isnan(mine) & np.isnan(want)
    assert not np.any(np.isnan(want) != np.isnan(mine)), f"{what}: missing values differ"
    diff = np.abs(np.where(both_nan, 0, mine - want))
    limit = TOL * np.maximum(1.0, np.abs(np.where(both_nan, 0, want)))
    _record(what, diff, want)
    worst = int(np.argmax(diff - limit))
    assert np.all(diff <= limit), (
        f"{what}: ours {mine[worst]!r} vs metafor {want[worst]!r} (index {worst})"
    )


def measure_records(kind: str | None = None):
    """(case, measure record) pairs, as pytest params with readable ids."""
    import pytest

    out = []
    for case in cases():
        if kind is not None and case["kind"] != kind:
            continue
        for rec in case["measures"]:
            out.append(pytest.param(case, rec, id=f"{case['id']}-{rec['measure']}"))
    return out


def fit_params():
    """One param per metafor rma() call: (yi, vi, fit record)."""
    import pytest

    out = []
    for case in cases():
        for rec in case["measures"]:
            y, v = finite_yi_vi(rec)
            for fit in rec["fits"]:
                ident = f"{case['id']}-{rec['measure']}-{fit['method']}-{fit['test']}"
                out.append(pytest.param(y, v, fit, id=ident))
    return out


def extra_params(name: str):
    """One param per stored leave1out/influence/confint/trimfill result."""
    import pytest

    out = []
    for case in cases():
        for rec in case["measures"]:
            y, v = finite_yi_vi(rec)
            for item in rec["extras"].get(name, []):
                method, test = fit_args(item["fit_call"])
                ident = f"{case['id']}-{rec['measure']}-{method}-{test}"
                out.append(pytest.param(y, v, method, test, item, id=ident))
    return out


def finite_yi_vi(rec: dict) -> tuple[np.ndarray, np.ndarray]:
    """escalc yi/vi without rows metafor omitted (missing input)."""
    y, v = arr(rec["escalc"]["yi"]), arr(rec["escalc"]["vi"])
    keep = ~np.isnan(y)
    return y[keep], v[keep]


def fit_args(call: str) -> tuple[str, str]:
    m = re.search(r'method="(\w+)", test="(\w+)"', call)
    assert m, call
    return m.group(1), m.group(2)


def _record(what: str, diff: np.ndarray, want: np.ndarray) -> None:
    """With EVIDENT_DEVIATIONS=FILE set, append the largest deviation per comparison."""
    path = os.environ.get("EVIDENT_DEVIATIONS")
    if not path or diff.size == 0:
        return
    rel = diff / np.maximum(1.0, np.abs(np.nan_to_num(want)))
    with open(path, "a") as fh:
        fh.write(json.dumps({"what": what, "abs": float(diff.max()), "scaled": float(rel.max())}))
        fh.write("\n")
