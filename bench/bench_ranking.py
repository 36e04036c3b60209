"""Prioritised screening (`screening.ranking`): how much screening it saves, and its cost.

Usage (from the repository root, by hand; pytest never runs this)::

    python bench/bench_ranking.py                 # both sets, 10 prior seeds, 100,000 scale
    python bench/bench_ranking.py --seeds 3 --scale 20000 --no-write

Data: ``bench/data/screening/`` (SYNERGY sets; provenance in its SOURCES.md), with the real
final labels (``label_included``). A record's text is what the app ranks: title, abstract and
keywords.

Simulation (one reviewer, labels known at once). Each run starts from a prior of one included
and one excluded record drawn with ``numpy.random.default_rng(seed)``; those two count as the
first two records screened. The model is trained on every record screened so far and
retrained when ``screening.ranking.retrain_step`` says so (every 10 records at first, then
every 5%), exactly the rule the app uses; between trainings the reviewer screens the
unscreened records in score order (ties in the order of the file, as the app falls back to
import order; the file is shuffled first, see ``simulate``). The TF-IDF matrix does not
depend on labels, so it is computed once per set and model.

Metrics, per run: records screened to find 95% (rounded up) and 100% of the includes; WSS@95 =
(N - screened to 95%) / N - 0.05 (Cohen et al. 2006, JAMIA 13:206); recall after screening
10%, 25% and 50% of the records. Prioritised rows are the mean over the prior seeds (range of
WSS@95 in brackets); "random" is the mean over 100 random permutations, the expected outcome
of screening in an import order that says nothing about relevance.

Models: ``logistic`` and ``naive_bayes`` (ASReview's default classifier) from
``screening.ranking.CLASSIFIERS``, on the app's features (``screening.ranking.features``);
``logistic + char`` adds character 3-5-grams (``char_wb``) to those features, to see whether
they are worth their size; ``naive_bayes, ASReview features`` is ASReview's default model as
a whole: its TF-IDF (unigrams, English stop words, raw term frequency) with naive Bayes.

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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from results import write_section  # bench/results.py, beside this script
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screening import ranking  # noqa: E402

DATA = ROOT / "bench" / "data" / "screening"
SECTION = "## Screening prioritisation"
SETS = {
    "Cohen_2006_Triptans": "synergy_Cohen_2006_Triptans.csv",
    "Kitchenham_2010": "synergy_Kitchenham_2010.csv",
}
RANDOM_RUNS = 100
SCALE_LABELLED, SCALE_INCLUDED = 300, 30


@dataclass
class Outcome:
    n95: float
    n100: float
    wss95: float
    recall: tuple[float, float, float]  # after 10%, 25%, 50%


def load(name: str) -> tuple[list[str], np.ndarray]:
    with (DATA / SETS[name]).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [" ".join([r["title"], r["abstract"], r.get("keywords", "")]) for r in rows]
    return texts, np.array([int(r["label_included"]) for r in rows])


def with_char_ngrams(texts: list[str]) -> sparse.csr_matrix:
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)
    return sparse.hstack([ranking.features(texts), chars.fit_transform(texts)]).tocsr()


def asreview_features(texts: list[str]) -> sparse.csr_matrix:
    return TfidfVectorizer(stop_words="english").fit_transform(texts)


def simulate(matrix, y: np.ndarray, classifier: str, seed: int) -> np.ndarray:
    """The labels in the order they were screened under prioritisation, up to the point every
    metric is known."""
    n = len(y)
    rng = np.random.default_rng(seed)
    # The files are not in an import order (Kitchenham lists its includes first), and ties in
    # the scores fall back to it: shuffle, so that the order of the file cannot help.
    shuffle = rng.permutation(n)
    matrix, y = matrix[shuffle], y[shuffle]
    prior = [int(rng.choice(np.flatnonzero(y == 1))), int(rng.choice(np.flatnonzero(y == 0)))]
    labels: list[int | None] = [None] * n
    screened = np.zeros(n, dtype=bool)
    order: list[int] = []
    for i in prior:
        labels[i], screened[i] = int(y[i]), True
        order.append(i)
    found, half = int(y[prior].sum()), -(-n // 2)
    while len(order) < n and (found < y.sum() or len(order) < half):
        trained_on = len(order)
        score = ranking.scores(matrix, labels, classifier=classifier)
        queue = [i for i in np.argsort(-score, kind="stable") if not screened[i]]
        for i in queue:
            labels[i], screened[i] = int(y[i]), True
            order.append(i)
            found += int(y[i])
            if len(order) - trained_on >= ranking.retrain_step(len(order)):
                break
    return y[order]


def outcome(screened: np.ndarray, n: int) -> Outcome:
    """Metrics of one run from the labels in screening order (all includes, at least half
    the records)."""
    total = int(screened.sum())
    found = np.cumsum(screened)
    n95 = int(np.searchsorted(found, -(-total * 95 // 100))) + 1
    n100 = int(np.searchsorted(found, total)) + 1
    recall = tuple(found[-(-n * p // 100) - 1] / total for p in (10, 25, 50))
    return Outcome(n95, n100, (n - n95) / n - 0.05, recall)


def mean(outcomes: list[Outcome]) -> Outcome:
    return Outcome(
        float(np.mean([o.n95 for o in outcomes])),
        float(np.mean([o.n100 for o in outcomes])),
        float(np.mean([o.wss95 for o in outcomes])),
        tuple(float(np.mean([o.recall[k] for o in outcomes])) for k in range(3)),
    )


def row(name: str, n: int, includes: int, label: str, outcomes: list[Outcome]) -> str:
    m = mean(outcomes)
    spread = ""
    if len(outcomes) > 1:
        low, high = min(o.wss95 for o in outcomes), max(o.wss95 for o in outcomes)
        spread = f" ({low:.3f}-{high:.3f})"
    recall = " | ".join(f"{r:.3f}" for r in m.recall)
    return (
        f"| {name} | {n:,} / {includes} | {label} | {m.n95:,.1f} | {m.n100:,.1f} "
        f"| {m.wss95:.3f}{spread} | {recall} |"
    )


def accuracy(seeds: int) -> str:
    lines = [
        "| set | records / includes | order | screened to 95% | screened to 100% | WSS@95 "
        "(range) | recall at 10% | at 25% | at 50% |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in SETS:
        texts, y = load(name)
        started = time.perf_counter()
        words = ranking.features(texts)
        variants = {
            "logistic": (words, "logistic"),
            "naive_bayes": (words, "naive_bayes"),
            "logistic + char": (with_char_ngrams(texts), "logistic"),
            "naive_bayes, ASReview features": (asreview_features(texts), "naive_bayes"),
        }
        rng = np.random.default_rng(0)
        random_runs = [outcome(rng.permutation(y), len(y)) for _ in range(RANDOM_RUNS)]
        lines.append(row(name, len(y), int(y.sum()), f"random ({RANDOM_RUNS} runs)", random_runs))
        for label, (matrix, classifier) in variants.items():
            runs = [outcome(simulate(matrix, y, classifier, seed), len(y)) for seed in range(seeds)]
            lines.append(row(name, len(y), int(y.sum()), f"**{label}**", runs))
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


def scale(size: int) -> str:
    lines = [
        "| texts | classifier | terms | features, wall (CPU) | train + score, wall (CPU) "
        "| peak RSS (of which texts + interpreter) |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for classifier in ranking.CLASSIFIERS:
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
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(scale_child(int(args.child[0]), args.child[1])))
        return

    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    where = machine()
    body = accuracy(args.seeds)
    cost = scale(args.scale) if args.scale else ""
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
(`screening.ranking.retrain_step`).

Recorded {when} on {where}.

{body}

Cost of one ranking at scale (synthetic texts mixed from the two sets, 300 labelled, fresh
process each):

{cost}
"""


if __name__ == "__main__":
    main()
