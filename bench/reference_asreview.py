"""ASReview LAB's default model on one labelled CSV, for bench/bench_ranking.py.

Run by bench_ranking.py with the interpreter of a throwaway virtual environment that has
ASReview LAB installed (PyPI ``asreview``), never the project's: it keeps ASReview and its
dependencies out of the project. Offline: it reads the CSV and prints JSON.

Usage::

    python reference_asreview.py DATASET.csv PRIORS_JSON

PRIORS_JSON: a list of [included row, excluded row] pairs (0-based rows of the CSV), one per
seed, the same priors bench_ranking.py gives our model. For each, ASReview's own simulation
(``asreview.Simulate``, as its ``simulate`` command builds it: the priors labelled first, then
the default AI configuration, ``get_ai_config()``, retrained after every record) runs until
every include is found. Prints {"version", "model", "runs": [labels in the order screened]}.
"""

import json
import sys

import asreview
import numpy as np
import pandas as pd
from asreview.learner import ActiveLearningCycle
from asreview.models.models import get_ai_config
from asreview.models.queriers import TopDown
from asreview.models.stoppers import IsFittable


def main() -> None:
    path, priors = sys.argv[1], json.loads(sys.argv[2])
    frame = pd.read_csv(path)
    labels = frame["label_included"].astype(int).to_numpy()
    config = get_ai_config()
    runs = []
    for included, excluded in priors:
        np.random.seed(0)
        cycles = [
            ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()),
            ActiveLearningCycle.from_meta(config["value"]),
        ]
        simulation = asreview.Simulate(frame, labels, cycles, print_progress=False)
        simulation.label([included, excluded])
        simulation.review()
        runs.append([int(v) for v in simulation._results["label"]])
    print(json.dumps({"version": asreview.__version__, "model": config["name"], "runs": runs}))


if __name__ == "__main__":
    main()
