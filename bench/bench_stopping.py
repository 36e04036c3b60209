"""Does the stopping criterion keep its promise? The share of runs whose recall at the stop met
the target, with an exact binomial interval, and where the stop fell.

Usage (from the repository root, by hand; pytest never runs this)::

    python manage.py simulatescreening bench/data/screening/synergy_Cohen_2006_Triptans.csv \\
        --seeds 200 --json > /tmp/triptans.json          # and the same for Kitchenham_2010
    python bench/bench_stopping.py /tmp/triptans.json /tmp/kitchenham.json --random-runs 1000

Prioritised rows: the runs of `manage.py simulatescreening` (the app's default model and
retraining schedule, one prior per seed; `screening.simulation`), read from its JSON. Random
rows: `--random-runs` random orders of the same labels (seed 0), tested as the app tests a
stage in random order, by the random-sampling test over the records screened
(`screening.simulation.random_runs`). The test is checked every N/200 records in both.

Columns: runs whose recall at the stop reached the target, as a share with its exact
(Clopper-Pearson) 95% interval; records screened at the stop and the recall there (median and
range; a run that never stopped screened everything); records needed for a true 95% recall
(the first point where 95% of the includes, rounded up, were found).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
from scipy.stats import binomtest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening import simulation

DATA = Path(__file__).resolve().parent / "data" / "screening"


def labels_of(name: str) -> np.ndarray:
    with (DATA / f"synergy_{name}.csv").open(encoding="utf-8", newline="") as handle:
        return np.array([int(r["label_included"]) for r in csv.DictReader(handle)])


def spread(values: list[float], fmt: str) -> str:
    return f"{np.median(values):{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


def row(name: str, order: str, n: int, runs: list[dict], target: float) -> str:
    met = sum(r["target_met"] for r in runs)
    ci = binomtest(met, len(runs)).proportion_ci(confidence_level=0.95, method="exact")
    stops = [r["stop_at"] or n for r in runs]
    return (
        f"| {name} | {order} | {len(runs)} | {met}/{len(runs)} = {met / len(runs):.1%} "
        f"({ci.low:.1%}-{ci.high:.1%}) | {spread(stops, ',.0f')} "
        f"| {spread([r['recall_at_stop'] for r in runs], '.3f')} "
        f"| {spread([r['n95'] for r in runs], ',.0f')} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path, nargs="+", help="simulatescreening --json output")
    parser.add_argument("--random-runs", type=int, default=1000)
    args = parser.parse_args()
    lines = [
        "| set | order | runs | target met (exact 95% CI) | screened at the stop, median "
        "(range) | recall at the stop | screened for a true 95% |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for path in args.runs:
        result = json.loads(path.read_text(encoding="utf-8"))
        target, n = result["target"], result["records"]
        name = next(s for s in ("Cohen_2006_Triptans", "Kitchenham_2010") if s in path.name)
        y = labels_of(name)
        assert len(y) == n and int(y.sum()) == result["includes"], path
        label = f"{n:,} / {result['includes']}"
        lines.append(row(f"{name} ({label})", result["model"], n, result["runs"], target))
        randoms = simulation.random_runs(
            y,
            runs=args.random_runs,
            seed=0,
            target=target,
            confidence=result["confidence"],
            check_every=result["stopping_checked_every"],
        )
        as_dicts = [r.__dict__ for r in randoms]
        lines.append(row(f"{name} ({label})", "random", n, as_dicts, target))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
