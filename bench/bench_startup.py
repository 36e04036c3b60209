"""Benchmark: whole-process start-up of management commands, before and after issue #19, and
``manage.py metaanalyze`` beside R metafor's ``Rscript`` on the same CSV.

Usage (from the repository root, by hand; pytest never runs this)::

    python bench/bench_startup.py                       # before = main's commit below HEAD
    python bench/bench_startup.py --before-ref a3c4724 --repeat 7
    python bench/bench_startup.py --append              # also append the table to RESULTS.md

What it does, in one run so that "before" and "after" are taken under the same load:

1. Extracts the tree of ``--before-ref`` (default: the merge base of HEAD and ``main``) with
   ``git archive`` into a temporary directory: the code as it was before the start-up work.
   Both trees run with this interpreter (the same virtualenv).
2. Times each command ``--repeat`` times in a fresh child process, alternating before and
   after: wall time from spawn to exit (this process's clock) and CPU time (user + system,
   from ``os.wait4``). The median of each is reported. CPU time is what the code costs; wall
   time also holds the wait for a core on a loaded machine, so the load average is printed.
3. Writes two SYNTHETIC continuous (MD) study tables, k = 12 and k = 2,000 (seeded:
   ``n ~ U{20..200}``, means ``N(10, 2)`` and ``N(9.5, 2)``, SDs ``U(1.5, 3)``), and runs
   ``manage.py metaanalyze FILE --measure MD`` (REML, z test, the table printed) and the same
   analysis in R: ``escalc("MD", ...)`` then ``rma(yi, vi, method="REML")`` and ``print()``,
   via ``Rscript`` (metafor loaded in the timed process, as a script would).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
COMMANDS = (
    ("manage.py help", ["help"]),
    ("manage.py importrecords --help", ["importrecords", "--help"]),
    ("manage.py dedupe --help", ["dedupe", "--help"]),
    ("manage.py metaanalyze --help", ["metaanalyze", "--help"]),
)
R_SCRIPT = """
suppressMessages(library(metafor))
d <- read.csv("{csv}")
dat <- escalc("MD", m1i=mean_t, sd1i=sd_t, n1i=n_t, m2i=mean_c, sd2i=sd_c, n2i=n_c, data=d)
print(rma(yi, vi, data=dat, method="REML"))
"""


def run(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one child process, which must succeed."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        error = child.stderr.read().decode() if child.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}:\n{error}")
    return wall, usage.ru_utime + usage.ru_stime


def medians(times: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def study_table(path: Path, k: int) -> None:
    rng = np.random.default_rng(k)
    lines = ["study,n_t,mean_t,sd_t,n_c,mean_c,sd_c"]
    for i in range(k):
        n_t, n_c = rng.integers(20, 201, 2)
        lines.append(
            f"S{i + 1},{n_t},{rng.normal(10, 2):.3f},{rng.uniform(1.5, 3):.3f},"
            f"{n_c},{rng.normal(9.5, 2):.3f},{rng.uniform(1.5, 3):.3f}"
        )
    path.write_text("\n".join(lines) + "\n")


def before_tree(ref: str, into: Path) -> str:
    if not ref:
        ref = subprocess.check_output(["git", "merge-base", "HEAD", "main"], cwd=ROOT, text=True)
    ref = ref.strip()
    archive = into / "before.tar"
    with open(archive, "wb") as handle:
        subprocess.run(["git", "archive", ref], cwd=ROOT, stdout=handle, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "before", filter="data")
    return ref[:10]


def fmt(seconds: float) -> str:
    return f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-ref", default="", help="git ref of the code before")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--append", action="store_true", help="append the table to RESULTS.md")
    args = parser.parse_args()
    python = sys.executable
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        ref = before_tree(args.before_ref, tmp_path)
        trees = {"before": tmp_path / "before", "after": ROOT}
        for k in (12, 2000):
            study_table(tmp_path / f"k{k}.csv", k)
        commands = list(COMMANDS) + [
            (
                f"manage.py metaanalyze (k = {k:,})",
                ["metaanalyze", str(tmp_path / f"k{k}.csv"), "--measure", "MD"],
            )
            for k in (12, 2000)
        ]
        load = os.getloadavg()
        baseline = medians([run([python, "-c", "pass"], ROOT) for _ in range(args.repeat)])
        for label, argv in commands:
            times: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
            for _ in range(args.repeat):
                for name, tree in trees.items():
                    times[name].append(run([python, "manage.py", *argv], tree))
            rows.append((label, medians(times["before"]), medians(times["after"])))
            print(label, rows[-1][1:], flush=True)
        r_rows = []
        for k in (12, 2000):
            script = R_SCRIPT.format(csv=tmp_path / f"k{k}.csv")
            reps = args.repeat if k == 12 else 1
            r_rows.append((k, medians([run(["Rscript", "-e", script], ROOT) for _ in range(reps)])))
            print("Rscript", k, r_rows[-1][1], flush=True)
        load_after = os.getloadavg()
    table = render(ref, args.repeat, baseline, rows, r_rows, load, load_after)
    print(table)
    if args.append:
        with open(RESULTS, "a", encoding="utf-8") as handle:
            handle.write("\n" + table)


def render(ref, repeat, baseline, rows, r_rows, load, load_after) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "## Start-up of management commands (issue #19)",
        "",
        f"Run: `python bench/bench_startup.py` (method in its docstring). Recorded {stamp} on "
        f"the shared {platform.machine()} machine, CPython {platform.python_version()}; load "
        f"average {load[0]:.1f} at the start and {load_after[0]:.1f} at the end (2 cores, other "
        "helpers' tests running), so wall times include waiting for a core. Medians of "
        f"{repeat} runs each, before ({ref}, the code before this work) and after alternating. "
        f"`python -c pass` alone: {fmt(baseline[0])} wall, {fmt(baseline[1])} CPU.",
        "",
        "| command | before: wall | before: CPU | after: wall | after: CPU |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, (bw, bc), (aw, ac) in rows:
        lines.append(f"| `{label}` | {fmt(bw)} | {fmt(bc)} | {fmt(aw)} | {fmt(ac)} |")
    lines += [
        "",
        "R metafor on the same CSV files, the whole `Rscript` process (`escalc` + `rma` REML + "
        "`print`):",
        "",
        "| k | Rscript: wall | Rscript: CPU |",
        "|---:|---:|---:|",
    ]
    for k, (wall, cpu) in r_rows:
        lines.append(f"| {k:,} | {fmt(wall)} | {fmt(cpu)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
