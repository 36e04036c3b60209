"""Benchmark: REML + Knapp-Hartung pooling and leave-one-out, beside metafor.

Usage (from the repository root)::

    python bench/bench_pooling.py            # k = 10, 100, 1000, 10000
    python bench/bench_pooling.py --no-r     # skip metafor
    python bench/bench_pooling.py --r-timeout 120

For each k a synthetic dataset is drawn (seed = k; vi ~ U(0.01, 0.5),
yi ~ N(0.3, vi + 0.1)); the same numbers are written to a temporary CSV and
given to metafor's ``rma(yi, vi, method="REML", test="knha")`` and
``leave1out()`` via ``Rscript`` in the same run, when R is on the PATH. Every
timing is the median wall time of several repetitions in a warm process
(Python: ``time.perf_counter``; R: ``proc.time()``), so start-up costs are
excluded on both sides. Each metafor step runs in its own Rscript process
with a time limit; a step that hits it is reported as "> limit". Where the
full metafor leave-one-out would take too long, the time of five single
deletion refits is also measured and multiplied by k, labelled as an
extrapolation. Numbers are checked to agree (estimate and tau^2 within 1e-6)
wherever metafor finishes.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.stats import leave_one_out, pool

KS = (10, 100, 1000, 10000)
CONTROL = "control=list(threshold=1e-12, maxiter=1000, tol=1e-12)"

R_FIT = """
suppressMessages(library(metafor))
d <- read.csv("{csv}")
reps <- {reps}
times <- numeric(reps)
for (i in seq_len(reps)) {{
  t0 <- proc.time()[["elapsed"]]
  res <- rma(d$yi, d$vi, method="REML", test="knha", {control})
  times[i] <- proc.time()[["elapsed"]] - t0
}}
cat(sprintf('{{"seconds": %.6f, "estimate": %.15g, "tau2": %.15g}}\\n',
            median(times), res$beta[1], res$tau2))
"""

R_LOO = """
suppressMessages(library(metafor))
d <- read.csv("{csv}")
res <- rma(d$yi, d$vi, method="REML", test="knha", {control})
reps <- {reps}
times <- numeric(reps)
for (i in seq_len(reps)) {{
  t0 <- proc.time()[["elapsed"]]
  l <- leave1out(res)
  times[i] <- proc.time()[["elapsed"]] - t0
}}
cat(sprintf('{{"seconds": %.6f, "first": %.15g, "last": %.15g}}\\n',
            median(times), l$estimate[1], l$estimate[nrow(d)]))
"""

R_LOO_SAMPLE = """
suppressMessages(library(metafor))
d <- read.csv("{csv}")
t0 <- proc.time()[["elapsed"]]
for (i in 1:5) res <- rma(d$yi[-i], d$vi[-i], method="REML", test="knha", {control})
cat(sprintf('{{"seconds_per_refit": %.6f}}\\n', (proc.time()[["elapsed"]] - t0) / 5))
"""


def dataset(k: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(k)
    vi = rng.uniform(0.01, 0.5, k)
    yi = rng.normal(0.3, np.sqrt(vi + 0.1))
    return yi, vi


def median_time(fn, reps: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def run_r(script: str, timeout: float) -> dict | None:
    try:
        proc = subprocess.run(
            ["Rscript", "-e", script], capture_output=True, text=True, timeout=timeout, check=True
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fmt(seconds: float | None, limit: float | None = None) -> str:
    if seconds is None:
        return f"> {limit:.0f} s (stopped)"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-r", action="store_true")
    parser.add_argument("--r-timeout", type=float, default=300.0)
    parser.add_argument("--ks", type=int, nargs="*", default=list(KS))
    args = parser.parse_args()
    use_r = not args.no_r and shutil.which("Rscript") is not None
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in args.ks:
            yi, vi = dataset(k)
            reps = 200 if k <= 100 else (20 if k <= 1000 else 5)
            t_fit, fit = median_time(
                lambda yi=yi, vi=vi: pool(yi, vi, method="REML", test="knha"), reps
            )
            t_loo, loo = median_time(lambda fit=fit: leave_one_out(fit), max(3, reps // 4))
            row = {
                "k": k,
                "py_fit": t_fit,
                "py_loo": t_loo,
                "r_fit": None,
                "r_loo": None,
                "r_loo_extrapolated": None,
                "agree": "-",
            }
            if use_r:
                csv = Path(tmp) / f"k{k}.csv"
                np.savetxt(
                    csv,
                    np.column_stack([yi, vi]),
                    delimiter=",",
                    header="yi,vi",
                    comments="",
                    fmt="%.17g",
                )
                r_reps = 20 if k <= 100 else 1
                r_fit = run_r(R_FIT.format(csv=csv, reps=r_reps, control=CONTROL), args.r_timeout)
                checks = []
                if r_fit is not None:
                    row["r_fit"] = r_fit["seconds"]
                    checks.append(
                        abs(r_fit["estimate"] - fit.estimate) < 1e-6
                        and abs(r_fit["tau2"] - fit.tau2) < 1e-6
                    )
                if r_fit is not None and r_fit["seconds"] * k < args.r_timeout:
                    r_loo = run_r(
                        R_LOO.format(csv=csv, reps=5 if k <= 10 else 1, control=CONTROL),
                        args.r_timeout,
                    )
                    if r_loo is not None:
                        row["r_loo"] = r_loo["seconds"]
                        checks.append(
                            abs(r_loo["first"] - loo.estimate[0]) < 1e-6
                            and abs(r_loo["last"] - loo.estimate[-1]) < 1e-6
                        )
                elif r_fit is not None:
                    sample = run_r(R_LOO_SAMPLE.format(csv=csv, control=CONTROL), args.r_timeout)
                    if sample is not None:
                        row["r_loo_extrapolated"] = sample["seconds_per_refit"] * k
                row["agree"] = "yes" if checks and all(checks) else ("-" if not checks else "NO")
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    limit = args.r_timeout
    print(
        f"Machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, numpy {np.__version__}"
    )
    print()
    print(
        "| k | Evident fit (REML+knha) | metafor rma() | Evident leave-one-out | "
        "metafor leave1out() | numbers agree |"
    )
    print("|---:|---:|---:|---:|---:|:---:|")
    for r in rows:
        r_fit = fmt(r["r_fit"], limit) if use_r else "R not found"
        if r["r_loo"] is not None:
            r_loo = fmt(r["r_loo"])
        elif r["r_loo_extrapolated"] is not None:
            r_loo = f"≈ {fmt(r['r_loo_extrapolated'])} (extrapolated from 5 refits)"
        elif use_r and r["r_fit"] is None:
            r_loo = "not run"
        else:
            r_loo = fmt(None, limit) if use_r else "R not found"
        print(
            f"| {r['k']:,} | {fmt(r['py_fit'])} | {r_fit} | {fmt(r['py_loo'])} | {r_loo} "
            f"| {r['agree']} |"
        )


if __name__ == "__main__":
    main()
