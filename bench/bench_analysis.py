"""Speed of the analysis runs: a review of 20 outcomes x 50 studies, every analysis.

Usage::

    python bench/bench_analysis.py [--outcomes 20] [--studies 50] [--workers 1 2]

Data: SYNTHETIC, made here with a fixed seed (no real study): a snapshot in the format of
`extraction.snapshots` with 50 parallel-group studies, each reporting 20 outcomes (10
continuous, analysed as SMD; 10 dichotomous, analysed as RR), a study field `region` with
three values for the subgroup analysis. Continuous arms: n ~ U{20..200}, SD ~ U(0.8, 1.6),
control mean 0, treated mean ~ N(-0.3, 0.2); dichotomous: control risk ~ U(0.1, 0.4), log RR ~
N(-0.2, 0.2).

Each plan runs what a run's job runs (`analysis.jobs.analysis_job` minus the database): the
engine (REML, subgroups, Egger, Begg, trim-and-fill, leave-one-out, the other model) and
every plot (forest, subgroup forest, funnel, leave-one-out) as SVG (PNGs are drawn on
request), then the canonical JSON. "1 worker" runs the 20 plans one after another in one
process; "2 workers" shares them between two processes (as two Celery worker processes
would). Printed: wall-clock time and CPU time (with 2 workers, including each worker
process's start-up). The database writes and the broker are not included.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def _setup() -> None:
    import django

    django.setup()


def synthetic_snapshot(outcomes: int, studies: int, seed: int = 20261205) -> dict:
    rng = np.random.default_rng(seed)
    regions = ("north", "south", "east")
    data = {"format": "evident-extraction-snapshot/1", "assumed_r": 0.5, "studies": []}
    for s in range(studies):
        entry = {
            "label": f"Synthetic {s + 1:02d}",
            "design": "parallel",
            "fields": {"region": regions[s % 3]},
            "arms": [],
            "outcomes": [],
        }
        for o in range(outcomes):
            n_t, n_c = (int(x) for x in rng.integers(20, 201, size=2))
            arm = {"format": "", "unconverted": ""}
            if o % 2 == 0:
                sd_t, sd_c = rng.uniform(0.8, 1.6, size=2)
                arms = [
                    {
                        **arm,
                        "label": "T",
                        "role": "intervention",
                        "format": "mean_sd",
                        "n": n_t,
                        "mean": float(rng.normal(-0.3, 0.2)),
                        "sd": float(sd_t),
                        "events": None,
                        "total": None,
                    },
                    {
                        **arm,
                        "label": "C",
                        "role": "control",
                        "format": "mean_sd",
                        "n": n_c,
                        "mean": 0.0,
                        "sd": float(sd_c),
                        "events": None,
                        "total": None,
                    },
                ]
                kind = "continuous"
            else:
                risk = rng.uniform(0.1, 0.4)
                rr = float(np.exp(rng.normal(-0.2, 0.2)))
                arms = [
                    {
                        **arm,
                        "label": "T",
                        "role": "intervention",
                        "format": "events_total",
                        "n": None,
                        "mean": None,
                        "sd": None,
                        "events": int(rng.binomial(n_t, min(0.95, risk * rr))),
                        "total": n_t,
                    },
                    {
                        **arm,
                        "label": "C",
                        "role": "control",
                        "format": "events_total",
                        "n": None,
                        "mean": None,
                        "sd": None,
                        "events": int(rng.binomial(n_c, risk)),
                        "total": n_c,
                    },
                ]
                kind = "dichotomous"
            entry["outcomes"].append(
                {"outcome": f"outcome_{o + 1:02d}", "timepoint": "", "type": kind, "arms": arms}
            )
        data["studies"].append(entry)
    return data


def _spec(o: int) -> dict:
    return {
        "outcome": f"outcome_{o + 1:02d}",
        "timepoint": "",
        "name": "bench",
        "measure": "SMD" if o % 2 == 0 else "RR",
        "method": "REML",
        "test": "z",
        "study_filter": {},
        "subgroup": "field:region",
        "leave_one_out": True,
        "exclude_high_rob": False,
        "compare_models": True,
        "r_values": [],
        "small_study": True,
    }


_SNAPSHOT = None


def _run_one(args: tuple[dict, int]) -> tuple[int, int]:
    """One plan as the job runs it (without the database): engine, plots, canonical JSON."""
    global _SNAPSHOT
    data, o = args
    if _SNAPSHOT is None:
        _setup()
        from extraction.models import Snapshot
        from extraction.snapshots import sha256_of

        _SNAPSHOT = Snapshot(data=data, index={}, sha256=sha256_of(data), version=1)
    from analysis import engine, figures

    results, analysis = engine.run_analysis(_SNAPSHOT, _spec(o), {})
    plots = figures.draw_all(analysis, results)
    text = engine.results_json(results)
    return len(text), len(plots)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench(outcomes: int, studies: int, workers: int) -> tuple[float, float]:
    """(wall-clock, CPU) seconds. CPU time (this process and its finished workers) does not
    grow with other work on a shared machine as wall-clock time does."""
    data = synthetic_snapshot(outcomes, studies)
    jobs = [(data, o) for o in range(outcomes)]
    cpu, start = _cpu(), time.perf_counter()
    if workers == 1:
        done = [_run_one(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = list(pool.map(_run_one, jobs))
    elapsed = time.perf_counter() - start
    assert all(plots == 4 for _, plots in done), done
    return elapsed, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outcomes", type=int, default=20)
    parser.add_argument("--studies", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    opts = parser.parse_args()
    _setup()
    print(
        f"Synthetic review: {opts.outcomes} outcomes x {opts.studies} studies, every analysis "
        "and every plot"
    )
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print("| workers | wall-clock time | CPU time |\n|---:|---:|---:|")
    for workers in opts.workers:
        wall, cpu = bench(opts.outcomes, opts.studies, workers)
        print(f"| {workers} | {wall:.1f} s | {cpu:.1f} s |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
