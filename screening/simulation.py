"""Replaying a labelled data set through the app's prioritised screening, to measure how much
screening it saves and whether the stopping criterion keeps its promise. Pure: numpy and
scikit-learn (through `screening.ranking`), no Django; `manage.py simulatescreening` and
bench/bench_ranking.py both use it.

One run: one reviewer whose decisions are the data set's labels, known at once. It starts from
one include and one exclude drawn with ``numpy.random.default_rng(seed)`` (the first two
records screened); the model (`screening.ranking.scores`) is trained on every record screened
so far and retrained when `screening.ranking.retrain_step` says so, as the app does; between
trainings the records are screened in score order (ties in the order of the rows, which are
shuffled first so that the file's order cannot help). Once every include is found the rest
are excludes whatever their order, so the run stops training then.

Metrics: records screened to find 95% (rounded up) and 100% of the includes; WSS@95 =
(N - screened to 95%) / N - 0.05 (Cohen et al. 2006, JAMIA 13:206); recall after 10%, 25% and
50% of the records; and where the stopping test (`screening.stopping`, checked every
`check_every` records, as a lead would look now and then) first said the recall target was
reached, with the recall actually reached there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from screening import ranking, stopping


@dataclass(frozen=True)
class Run:
    seed: int
    n95: int
    n100: int
    wss95: float
    recall_10: float
    recall_25: float
    recall_50: float
    # Records screened when the stopping test first said stop (None: it never did before
    # every record was screened), and the recall reached there.
    stop_at: int | None
    recall_at_stop: float
    target_met: bool


def shuffled_prior(y: np.ndarray, seed: int) -> tuple[np.ndarray, list[int]]:
    """The run's order of the rows, and its prior (one include, one exclude) as positions in
    that order; `shuffle[prior]` are the rows of the file (the benchmark gives ASReview the
    same ones)."""
    rng = np.random.default_rng(seed)
    shuffle = rng.permutation(len(y))
    shuffled = y[shuffle]
    included = int(rng.choice(np.flatnonzero(shuffled == 1)))
    return shuffle, [included, int(rng.choice(np.flatnonzero(shuffled == 0)))]


def replay(matrix, y: np.ndarray, *, classifier: str, seed: int) -> np.ndarray:
    """The labels in the order a prioritised reviewer screens them, every record."""
    n = len(y)
    shuffle, prior = shuffled_prior(y, seed)
    matrix, y = matrix[shuffle], y[shuffle]
    labels: list[int | None] = [None] * n
    screened = np.zeros(n, dtype=bool)
    order: list[int] = []
    for i in prior:
        labels[i], screened[i] = int(y[i]), True
        order.append(i)
    found, total = int(y[prior].sum()), int(y.sum())
    while found < total:
        trained_on = len(order)
        score = ranking.scores(matrix, labels, classifier=classifier)
        for i in np.argsort(-score, kind="stable"):
            if screened[i]:
                continue
            labels[i], screened[i] = int(y[i]), True
            order.append(int(i))
            found += int(y[i])
            if len(order) - trained_on >= ranking.retrain_step(len(order)):
                break
    rest = np.flatnonzero(~screened)
    return np.concatenate([y[order], y[rest]]).astype(int)


def stop_point(
    labels: np.ndarray,
    *,
    target: float,
    confidence: float,
    check_every: int,
    random_from: int | None = None,
) -> int | None:
    """The first number of records screened, among multiples of `check_every`, at which the
    stopping test says the target is reached. `random_from`: the records from that position on
    came in random order, so from there the app uses the random-sampling test over them."""
    n = len(labels)
    alpha = 1 - confidence
    for screened in range(check_every, n + 1, check_every):
        seen = labels[:screened]
        found = int(seen.sum())
        sampled = None if random_from is None else max(0, screened - random_from)
        if stopping.min_p(seen, n, stopping.h0_remaining(found, target), sampled) < alpha:
            return screened
    return None


def outcome(
    labels: np.ndarray,
    *,
    seed: int,
    target: float,
    confidence: float,
    check_every: int,
    random_from: int | None = None,
) -> Run:
    n, total = len(labels), int(labels.sum())
    found = np.cumsum(labels)
    n95 = int(np.searchsorted(found, -(-total * 95 // 100))) + 1
    n100 = int(np.searchsorted(found, total)) + 1
    recall = [float(found[-(-n * p // 100) - 1] / total) for p in (10, 25, 50)]
    stop_at = stop_point(
        labels,
        target=target,
        confidence=confidence,
        check_every=check_every,
        random_from=random_from,
    )
    at_stop = float(found[(stop_at or n) - 1] / total)
    return Run(
        seed=seed,
        n95=n95,
        n100=n100,
        wss95=(n - n95) / n - 0.05,
        recall_10=recall[0],
        recall_25=recall[1],
        recall_50=recall[2],
        stop_at=stop_at,
        recall_at_stop=at_stop,
        target_met=at_stop >= target,
    )


def simulate(
    texts: list[str],
    y: np.ndarray,
    *,
    classifier: str = ranking.DEFAULT_CLASSIFIER,
    seeds: int = 10,
    target: float = 0.95,
    confidence: float = 0.95,
    check_every: int | None = None,
) -> dict:
    """Runs for seeds 0..seeds-1 and their summary, as plain data (JSON-ready)."""
    if not (y == 1).any() or not (y == 0).any():
        raise ValueError("The data set needs at least one included and one excluded record.")
    every = check_every or max(1, len(y) // 200)
    matrix = ranking.features(texts)
    runs = [
        outcome(
            replay(matrix, y, classifier=classifier, seed=seed),
            seed=seed,
            target=target,
            confidence=confidence,
            check_every=every,
        )
        for seed in range(seeds)
    ]
    return {
        "records": len(y),
        "includes": int(y.sum()),
        "model": classifier,
        "seeds": seeds,
        "target": target,
        "confidence": confidence,
        "stopping_method": stopping.METHOD,
        "stopping_checked_every": every,
        "mean": summary(runs),
        "runs": [asdict(run) for run in runs],
    }


def random_runs(
    y: np.ndarray, *, runs: int, seed: int, target: float, confidence: float, check_every: int
) -> list[Run]:
    """Runs in random order from the first record (`runs` permutations drawn from `seed`): the
    random-sampling test over every record screened, as the app's random order gives it."""
    rng = np.random.default_rng(seed)
    return [
        outcome(
            rng.permutation(y),
            seed=k,
            target=target,
            confidence=confidence,
            check_every=check_every,
            random_from=0,
        )
        for k in range(runs)
    ]


def summary(runs: list[Run]) -> dict:
    stops = [run.stop_at for run in runs if run.stop_at is not None]
    return {
        "wss95": float(np.mean([r.wss95 for r in runs])),
        "recall_10": float(np.mean([r.recall_10 for r in runs])),
        "recall_25": float(np.mean([r.recall_25 for r in runs])),
        "recall_50": float(np.mean([r.recall_50 for r in runs])),
        "n95": float(np.mean([r.n95 for r in runs])),
        "n100": float(np.mean([r.n100 for r in runs])),
        "stop_at": float(np.mean(stops)) if stops else None,
        "runs_stopped": len(stops),
        "recall_at_stop": float(np.mean([r.recall_at_stop for r in runs])),
        "share_target_met": float(np.mean([r.target_met for r in runs])),
    }
