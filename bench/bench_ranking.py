"""Prioritised screening (`screening.ranking`): how much screening it saves, and its cost.

Usage (from the repository root, by hand; pytest never runs this)::

    python bench/bench_ranking.py                 # both sets, 10 prior seeds, 100,000 scale
    python bench/bench_ranking.py --seeds 3 --scale 20000 --no-write

Data: ``bench/data/screening/`` (SYNERGY sets; provenance in its SOURCES.md), with the real
final labels (``label_included``). A record's text is what the app ranks: title, abstract and
keywords.

Simulation: ``screening.simulation`` (the code behind ``manage.py simulatescreening``; its
docstring says how a run goes), the app's own ranking and retraining schedule from one include
and one exclude drawn by seed.

Metrics, per run: records screened to find 95% (rounded up) and 100% of the includes; WSS@95 =
(N - screened to 95%) / N - 0.05 (Cohen et al. 2006, JAMIA 13:206); recall after screening
10%, 25% and 50% of the records; where the stopping criterion (``screening.stopping``) first
said stop and the recall there. Prioritised rows are the mean over the prior seeds (range of
WSS@95 in brackets); "random" is the mean over 100 random permutations, the expected outcome
of screening in an import order that says nothing about relevance.

Models (``--models``): ``screening.ranking.CLASSIFIERS`` on the app's features
(``screening.ranking.features``). With ``--asreview [VERSION]``, ASReview LAB itself (PyPI
``asreview``, its default AI configuration) runs on the same CSVs from the same priors, in a
throwaway virtual environment (``--asreview-venv``, made with pip when missing: the only
network use, before any run) through ``bench/reference_asreview.py``; it reads title and
abstract, as ASReview does, and retrains after every record.

Scale (``--scale N``): N synthetic texts (each the first half of one real record's text and
the second half of another's, drawn from both sets with a fixed seed) with 300 labelled (30
included), in a fresh child process: seconds (wall clock, and the process's CPU
time, which a busy shared machine inflates less) for the features, for training and scoring,
and the process's peak resident memory (``ru_maxrss``).

Writes its tables into the "## Screening prioritisation" section of ``bench/RESULTS.md`` (up to
the hand-written "### " notes there) unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from results import write_section  # bench/results.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screening import ranking, simulation  # noqa: E402

DATA = ROOT / "bench" / "data" / "screening"
SECTION = "## Screening prioritisation"
SETS = {
    "Cohen_2006_Triptans": "synergy_Cohen_2006_Triptans.csv",
    "Kitchenham_2010": "synergy_Kitchenham_2010.csv",
}
RANDOM_RUNS = 100
SCALE_LABELLED, SCALE_INCLUDED = 300, 30
# Recall target and confidence of the stopping columns.
TARGET = 0.95
ASREVIEW_VERSION = "3.0.8"


def load(name: str) -> tuple[list[str], np.ndarray]:
    with (DATA / SETS[name]).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [" ".join([r["title"], r["abstract"], r.get("keywords", "")]) for r in rows]
    return texts, np.array([int(r["label_included"]) for r in rows])


def asreview_python(venv: Path, version: str) -> Path:
    """The interpreter of a throwaway virtual environment with ASReview LAB `version`, made
    (pip, from PyPI) when missing; the project's own environment never gets it."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = [str(python), "-c", "import asreview; print(asreview.__version__)"]
    found = subprocess.run(check, capture_output=True, text=True)
    if found.returncode or found.stdout.strip() != version:
        pip = [str(python), "-m", "pip", "install", "-q", f"asreview=={version}"]
        subprocess.run(pip, check=True)
    return python


def asreview_runs(python: Path, name: str, y: np.ndarray, seeds: int) -> tuple[str, list]:
    """ASReview's screening orders from the same priors as ours (`bench/reference_asreview.py`
    in its own interpreter), padded with the excludes it never had to screen."""
    priors = []
    for seed in range(seeds):
        shuffle, prior = simulation.shuffled_prior(y, seed)
        priors.append([int(shuffle[i]) for i in prior])
    command = [str(python), str(ROOT / "bench" / "reference_asreview.py"), str(DATA / SETS[name])]
    done = subprocess.run([*command, json.dumps(priors)], check=True, capture_output=True)
    found = json.loads(done.stdout)
    runs = [np.array(r + [0] * (len(y) - len(r))) for r in found["runs"]]
    return f"ASReview LAB {found['version']} ({found['model']}, its default)", runs


def outcomes(orders: list[np.ndarray], every: int) -> list[simulation.Run]:
    return [
        simulation.outcome(o, seed=k, target=TARGET, confidence=TARGET, check_every=every)
        for k, o in enumerate(orders)
    ]


def row(name: str, y: np.ndarray, label: str, runs: list[simulation.Run]) -> str:
    m = simulation.summary(runs)
    low, high = min(r.wss95 for r in runs), max(r.wss95 for r in runs)
    spread = f" ({low:.3f}-{high:.3f})" if len(runs) > 1 else ""
    stop = "never" if m["stop_at"] is None else f"{m['stop_at']:,.0f}"
    return (
        f"| {name} | {len(y):,} / {int(y.sum())} | {label} | {m['n95']:,.1f} "
        f"| {m['n100']:,.1f} | {m['wss95']:.3f}{spread} | {m['recall_10']:.3f} "
        f"| {m['recall_25']:.3f} | {m['recall_50']:.3f} | {stop} | {m['recall_at_stop']:.3f} "
        f"| {m['runs_stopped']}/{len(runs)} | {m['share_target_met']:.0%} |"
    )


def accuracy(seeds: int, models: list[str], asreview: Path | None) -> str:
    lines = [
        "| set | records / includes | order | screened to 95% | screened to 100% | WSS@95 "
        "(range) | recall at 10% | at 25% | at 50% | stopped after | recall there "
        "| runs stopped | target met |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in SETS:
        texts, y = load(name)
        every = max(1, len(y) // 200)
        started = time.perf_counter()
        # Random order: the app's random-sampling test over the records screened (issue #17).
        randoms = simulation.random_runs(
            y, runs=RANDOM_RUNS, seed=0, target=TARGET, confidence=TARGET, check_every=every
        )
        lines.append(row(name, y, f"random ({RANDOM_RUNS} runs)", randoms))
        matrix = ranking.features(texts)
        for model in models:
            orders = [
                simulation.replay(matrix, y, classifier=model, seed=seed) for seed in range(seeds)
            ]
            lines.append(row(name, y, f"**{model}**", outcomes(orders, every)))
            print(lines[-1], file=sys.stderr)
        if asreview is not None:
            label, orders = asreview_runs(asreview, name, y, seeds)
            lines.append(row(name, y, label, outcomes(orders, every)))
            print(lines[-1], file=sys.stderr)
        print(f"{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return "\n".join(lines)


def synthetic(size: int) -> tuple[list[str], list[int | None]]:
    rows = []
    for name in SETS:
        texts, y = load(name)
        rows += list(zip(texts, y, strict=True))
    rng = np.random.default_rng(2026)
    first, second = rng.integers(len(rows), size=size), rng.integers(len(rows), size=size)
    texts = []
    for a, b in zip(first, second, strict=True):
        head, tail = rows[a][0], rows[b][0]
        texts.append(head[: len(head) // 2] + " " + tail[len(tail) // 2 :])
    source_labels = np.array([rows[a][1] for a in first])
    included = rng.choice(np.flatnonzero(source_labels == 1), SCALE_INCLUDED, replace=False)
    excluded = rng.choice(
        np.flatnonzero(source_labels == 0), SCALE_LABELLED - SCALE_INCLUDED, replace=False
    )
    labels: list[int | None] = [None] * size
    for i in included:
        labels[i] = 1
    for i in excluded:
        labels[i] = 0
    return texts, labels


def scale_child(size: int, classifier: str) -> dict:
    texts, labels = synthetic(size)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter(), time.process_time()
    matrix = ranking.features(texts)
    featured = time.perf_counter(), time.process_time()
    ranking.scores(matrix, labels, classifier=classifier)
    done = time.perf_counter(), time.process_time()
    return {
        "features_s": featured[0] - started[0],
        "features_cpu": featured[1] - started[1],
        "scores_s": done[0] - featured[0],
        "scores_cpu": done[1] - featured[1],
        "terms": matrix.shape[1],
        "texts_mb": before,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def scale(size: int, models: list[str]) -> str:
    lines = [
        "| texts | classifier | terms | features, wall (CPU) | train + score, wall (CPU) "
        "| peak RSS (of which texts + interpreter) |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for classifier in models:
        command = [sys.executable, __file__, "--child", str(size), classifier]
        result = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
        lines.append(
            f"| {size:,} | {classifier} | {result['terms']:,} "
            f"| {result['features_s']:.1f} s ({result['features_cpu']:.1f} s) "
            f"| {result['scores_s']:.1f} s ({result['scores_cpu']:.1f} s) "
            f"| {result['peak_mb']:,.0f} MB ({result['texts_mb']:,.0f} MB) |"
        )
        print(lines[-1], file=sys.stderr)
    return "\n".join(lines)


def machine() -> str:
    load_average = os.getloadavg()[0]
    return (
        f"{os.cpu_count()} cores, {platform.machine()}, CPython {platform.python_version()}, "
        f"load average {load_average:.1f} at the start"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10, help="prior seeds per set and model")
    parser.add_argument("--scale", type=int, default=100_000, help="synthetic texts (0: skip)")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument(
        "--models",
        default=",".join(ranking.CLASSIFIERS),
        help="our classifiers, comma-separated (default: all)",
    )
    parser.add_argument(
        "--asreview",
        metavar="VERSION",
        nargs="?",
        const=ASREVIEW_VERSION,
        help=f"also run ASReview LAB (default version {ASREVIEW_VERSION}) in a throwaway venv",
    )
    parser.add_argument(
        "--asreview-venv",
        type=Path,
        default=Path("/tmp/evident-bench-asreview"),
        help="where that venv lives (made and filled with pip when missing)",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(scale_child(int(args.child[0]), args.child[1])))
        return

    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    where = machine()
    models = [m for m in args.models.split(",") if m]
    unknown = sorted(set(models) - set(ranking.CLASSIFIERS))
    if unknown:
        parser.error(f"unknown model {', '.join(unknown)}; choose from {ranking.CLASSIFIERS}")
    asreview = asreview_python(args.asreview_venv, args.asreview) if args.asreview else None
    body = accuracy(args.seeds, models, asreview)
    cost = scale(args.scale, models) if args.scale else ""
    print(body)
    print(cost)
    if not args.no_write:
        command = "python bench/bench_ranking.py" + "".join(
            f" {a}" for a in sys.argv[1:] if a != "--no-write"
        )
        write_section(SECTION, section(body, cost, command, when, where, args.seeds))


def section(body: str, cost: str, command: str, when: str, where: str, seeds: int) -> str:
    return f"""{SECTION}

Run: `{command}` (method and metrics in the script's docstring).
Data: two SYNERGY sets in `bench/data/screening/` (provenance in its SOURCES.md), with their
final labels (`label_included`). Prioritised rows: mean of {seeds} runs, each from a different
prior (one include and one exclude drawn by seed), retrained on the app's schedule
(`screening.ranking.retrain_step`); ASReview's rows from the same priors, retrained after
every record as ASReview does. Stopping columns: the hypergeometric criterion
(`screening/stopping.py`, {TARGET:.0%} recall at {TARGET:.0%} confidence) checked every
N/200 records on each run's order; "target met": runs whose recall at the stop reached
{TARGET:.0%} (a run that never stopped screened everything).

Recorded {when} on {where}.

{body}

Cost of one ranking at scale (synthetic texts mixed from the two sets, 300 labelled, fresh
process each):

{cost}
"""


if __name__ == "__main__":
    main()
