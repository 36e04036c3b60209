"""Accuracy and speed of the deduplication engine (`reviews.dedup`) on labelled sets.

Usage::

    python bench/bench_dedup.py [--set NAME] [--auto T] [--review T] [--linkage L] [--scale]
                                [--examples N] [--reference-python PYTHON]

Data: ``bench/data/dedup/`` (provenance in its SOURCES.md). Prints Markdown tables.

Metrics
-------
Rathbone sets (ground-truth duplicate groups): a pair of records is a *true pair* when both are
in one ground-truth group. Predicted pairs are all pairs inside the predicted clusters.
Sensitivity = TP / true pairs, precision = TP / predicted pairs, specificity = TN / (all pairs
- true pairs). "auto" clusters the automatic pairs only; "auto+queue" clusters the automatic
and every review-queue pair, i.e. a reviewer who says "duplicate" to everything (the
worst-case precision and the best-case sensitivity of the queue).

Diabetes set (record-level labels only, ``In_database`` = the copy kept, ``Duplicate_in_trash``
= a copy removed): for each predicted cluster with ``d`` In_database and ``t`` trash records,
``removed = d + t - 1`` records are removed, of which ``wrong = max(d - 1, 0)`` are distinct
papers lost and ``correct = removed - wrong`` are true removals. Sensitivity = sum(correct) /
(number of trash records); precision = sum(correct) / sum(removed); specificity = 1 -
sum(wrong) / (number of In_database records). This cannot see a trash record joined to the
wrong In_database record (it counts as correct), so it can only over-state, never under-state,
precision on that set.

Record level (second table), bib-dedupe's definition, so our figures sit beside the ones
bib-dedupe publishes for these Rathbone sets: each predicted cluster is merged into its smallest
id (bib-dedupe's ``merge`` keeps the first id of each sorted cluster) and its other records are
removed. A record in no ground-truth group is TN if kept, FP if removed. A ground-truth group of
``g`` records of which ``k`` are kept: ``k = 0`` counts FP + 1 (the paper is lost) and TP + g - 1;
``k >= 1`` counts TN + 1, TP + g - k and FN + k - 1. So TP + FN = records to remove, TP + FP =
records removed, all four = records. Sensitivity = TP / (TP + FN), precision = TP / (TP + FP).
Unlike pairs, every record weighs once (one missed record of a group of five is one FN, not four
missed pairs). Which id is kept matters when a cluster joins part of one paper to another paper,
so both engines are scored with the same rule. The Diabetes set has no groups, so this cannot be
computed there; its row shows the Diabetes count above in the same four cells (TP = correct, FP =
wrong, FN = trash - correct, TN = In_database - wrong).

Reference (``--reference-python PYTHON``): PYTHON (an interpreter with bib-dedupe installed,
kept out of the project's requirements) runs ``bench/reference_bibdedupe.py`` once per set; it
prints bib-dedupe's automatic groups as JSON, and they are scored here by the same code as ours.
Its queue is its "maybe" pairs not already inside one of its groups; its time is its own
prep + block + match + cluster (in brackets: the whole subprocess, with imports and reading).

Queue: review-queue pairs whose two records are not already in one automatic cluster (pairs a
person would actually be shown), excluding preprint/published "related" pairs. "queue %" is
queue pairs per 100 records; "queue rec %" is the share of records that appear in the queue.

Scale (``--scale``): the four Rathbone sets (6,551 records) are copied k times; every copy is
a new, distinct set of papers (in each ground-truth group the same half of the title words are
replaced with other words of the corpus, author surnames replaced, and year, volume and pages
shifted) and every
record gets realistic noise (case, a one-letter typo, author format, journal abbreviation
dropped, page range shortened, fields dropped). Each size runs in a fresh process; peak
memory is the process's maximum resident set size.
"""

import argparse
import codecs
import csv
import itertools
import json
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviews.dedup import engine
from reviews.dedup.clusters import clusters
from reviews.dedup.engine import DedupRecord, PairScore

DATA = Path(__file__).resolve().parent / "data" / "dedup"
REFERENCE = Path(__file__).resolve().parent / "reference_bibdedupe.py"
RATHBONE = (
    "rathbone_cytology_screening",
    "rathbone_haematology",
    "rathbone_respiratory",
    "rathbone_stroke",
)
SETS = ("asysd_diabetes", *RATHBONE)


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    # The ASySD file mixes UTF-8 with Windows-1252 bytes (504 lines); decode each bad byte alone.
    return error.object[error.start : error.start + 1].decode("cp1252", "replace"), error.start + 1


codecs.register_error("cp1252_fallback", _cp1252_fallback)


@dataclass
class LabelledSet:
    name: str
    records: list[DedupRecord]
    groups: list[frozenset[int]] | None = None  # Rathbone
    kept: frozenset[int] | None = None  # Diabetes: In_database
    trash: frozenset[int] | None = None  # Diabetes: Duplicate_in_trash


def _int(value: str) -> int | None:
    match = re.search(r"\d{4}", value or "")
    return int(match.group(0)) if match else None


def load_rathbone(name: str, root: Path = DATA) -> LabelledSet:
    """Records (authors "Surname, I and …") and ground-truth groups of one Rathbone set."""
    folder = root / name
    records = []
    with open(folder / "records_pre_merged.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            records.append(
                DedupRecord(
                    id=int(row["ID"].removeprefix("id_")),
                    title=row["title"] or "",
                    authors=tuple(a.strip() for a in (row["author"] or "").split(" and ") if a),
                    year=_int(row["year"]),
                    journal=row["journal"] or "",
                    volume=row["volume"] or "",
                    issue=row["number"] or "",
                    pages=row["pages"] or "",
                )
            )
    groups = []
    with open(folder / "merged_record_ids.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            groups.append(
                frozenset(int(i.removeprefix("id_")) for i in row["merged_ids"].split(";"))
            )
    return LabelledSet(name, records, groups=groups)


def split_asysd_authors(value: str) -> tuple[str, ...]:
    """ASySD's author field runs names together: ``"Adeli K.Lewis G. F."``."""
    parts = re.split(r"(?<=\.)\s*(?=[^\s.])|;\s*", value or "")
    return tuple(p.strip() for p in parts if p.strip())


def load_diabetes(root: Path = DATA) -> LabelledSet:
    path = root / "asysd_diabetes_labelled_test_set.csv"
    text = path.read_bytes().decode("utf-8", "cp1252_fallback")
    records, kept, trash = [], set(), set()
    for row in csv.DictReader(text.splitlines(keepends=True)):
        rid = int(row["record_id"])
        records.append(
            DedupRecord(
                id=rid,
                title=row["title"] or "",
                authors=split_asysd_authors(row["author"]),
                year=_int(row["year"]),
                journal=row["journal"] or "",
                volume=row["volume"] or "",
                issue=row["number"] or "",
                pages=row["pages"] or "",
                doi=row["doi"] or "",
                abstract=row["abstract"] or "",
            )
        )
        # "source" is the ground truth: "unique" marks one record per paper, "duplicate" every
        # other copy (see the module docstring; "label" is ASySD's keep-label test data).
        (kept if row["source"] == "unique" else trash).add(rid)
    return LabelledSet("asysd_diabetes", records, kept=frozenset(kept), trash=frozenset(trash))


def load(name: str) -> LabelledSet:
    return load_diabetes() if name == "asysd_diabetes" else load_rathbone(name)


def cluster_pairs(groups: Iterable[frozenset[int]]) -> set[tuple[int, int]]:
    return {(a, b) for g in groups for a, b in itertools.combinations(sorted(g), 2)}


def pairwise(
    predicted: list[frozenset[int]], truth: list[frozenset[int]], n: int
) -> tuple[float, float, float, int, int]:
    """(sensitivity, specificity, precision, false pairs, missed pairs)."""
    pred, true = cluster_pairs(predicted), cluster_pairs(truth)
    tp = len(pred & true)
    fp, fn = len(pred - true), len(true - pred)
    negatives = n * (n - 1) // 2 - len(true)
    return (
        tp / len(true) if true else 1.0,
        (negatives - fp) / negatives,
        tp / len(pred) if pred else 1.0,
        fp,
        fn,
    )


@dataclass(frozen=True)
class Confusion:
    """Records, not pairs (see "Record level" in the module docstring)."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def sensitivity(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0


def removal_confusion(
    predicted: Iterable[frozenset[int]], truth: list[frozenset[int]], ids: Sequence[int]
) -> Confusion:
    """Record-level counts as bib-dedupe defines them.

    Follows ``DedupeBenchmarker.compare_dedupe_id`` in ``bib_dedupe/dedupe_benchmark.py``
    (CoLRev-Environment/bib-dedupe, read at commit 5a77fbcf; the 0.11.0 package no longer
    ships that module), given the records bib-dedupe's ``merge`` keeps: the first id of each
    sorted cluster. Rathbone ids are zero-padded, so their string order is our integer order.
    """
    removed = {i for group in predicted for i in sorted(group)[1:]}
    in_truth = {i for group in truth for i in group}
    tp = fp = fn = tn = 0
    for i in ids:
        if i in in_truth:
            continue
        if i in removed:  # a paper with one record, merged into another paper
            fp += 1
        else:
            tn += 1
    for group in truth:
        kept = len(group - removed)
        if kept == 0:  # every copy removed: the paper itself is lost
            fp += 1
            tp += len(group) - 1
        else:
            tn += 1
            fn += kept - 1
            tp += len(group) - kept
    return Confusion(tp, fp, fn, tn)


def diabetes_confusion(
    predicted: Iterable[frozenset[int]], kept: frozenset[int], trash: frozenset[int]
) -> Confusion:
    """The Diabetes count of the module docstring, in the four cells of :class:`Confusion`."""
    removed = wrong = 0
    for group in predicted:
        removed += len(group) - 1
        wrong += max(len(group & kept) - 1, 0)
    correct = removed - wrong
    return Confusion(tp=correct, fp=wrong, fn=len(trash) - correct, tn=len(kept) - wrong)


def record_level(
    predicted: list[frozenset[int]], kept: frozenset[int], trash: frozenset[int]
) -> tuple[float, float, float, int, int]:
    """Diabetes-set equivalent of :func:`pairwise` (see the module docstring)."""
    c = diabetes_confusion(predicted, kept, trash)
    return (c.tp / len(trash), 1 - c.fp / len(kept), c.precision, c.fp, c.fn)


def confusion(predicted: list[frozenset[int]], data: LabelledSet) -> Confusion:
    if data.groups is None:
        return diabetes_confusion(predicted, data.kept, data.trash)
    return removal_confusion(predicted, data.groups, [r.id for r in data.records])


@dataclass
class Outcome:
    name: str
    n: int
    truth_size: int
    auto: tuple
    both: tuple
    queue: int
    queue_records: int
    related: int
    clusters: int
    seconds: float
    pairs: list[PairScore]
    auto_clusters: list[frozenset[int]]
    records: Confusion  # of auto_clusters


def evaluate(
    data: LabelledSet, *, auto: float, review: float, linkage: str = "complete"
) -> Outcome:
    ids = [r.id for r in data.records]
    start = time.perf_counter()
    pairs = engine.find_pairs(data.records, review_threshold=review)
    auto_pairs, review_pairs = engine.classify(pairs, auto_threshold=auto)
    auto_clusters = clusters(auto_pairs, ids, linkage=linkage, support=review_pairs)
    seconds = time.perf_counter() - start
    both_clusters = clusters(auto_pairs + review_pairs, ids, linkage=linkage)
    where = {i: k for k, g in enumerate(auto_clusters) for i in g}
    queue = [
        p for p in review_pairs if not p.related and (where.get(p.a, -1) != where.get(p.b, -2))
    ]
    if data.groups is not None:
        measure = lambda c: pairwise(c, data.groups, len(ids))  # noqa: E731
        truth_size = len(cluster_pairs(data.groups))
    else:
        measure = lambda c: record_level(c, data.kept, data.trash)  # noqa: E731
        truth_size = len(data.trash)
    return Outcome(
        name=data.name,
        n=len(ids),
        truth_size=truth_size,
        auto=measure(auto_clusters),
        both=measure(both_clusters),
        queue=len(queue),
        queue_records=len({i for p in queue for i in (p.a, p.b)}),
        related=sum(p.related for p in pairs),
        clusters=len(auto_clusters),
        seconds=seconds,
        pairs=pairs,
        auto_clusters=auto_clusters,
        records=confusion(auto_clusters, data),
    )


def table(outcomes: Sequence[Outcome]) -> str:
    head = (
        "| set | records | true dup. pairs¹ | auto sens. | auto spec. | auto prec. | "
        "auto false / missed¹ | auto+queue sens. | auto+queue prec. | queue pairs | queue % | "
        "queue rec. % | clusters | time |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    rows = [head]
    for o in outcomes:
        rows.append(
            f"| {o.name} | {o.n:,} | {o.truth_size:,} | {o.auto[0]:.4f} | {o.auto[1]:.6f} | "
            f"{o.auto[2]:.4f} | {o.auto[3]} / {o.auto[4]} | {o.both[0]:.4f} | {o.both[2]:.4f} | "
            f"{o.queue} | {100 * o.queue / o.n:.2f} | {100 * o.queue_records / o.n:.2f} | "
            f"{o.clusters} | {o.seconds:.2f} s |"
        )
    return "\n".join(rows)


@dataclass
class Reference:
    """bib-dedupe's automatic groups on one set (``bench/reference_bibdedupe.py``)."""

    version: str
    groups: list[frozenset[int]]
    queue: int  # its "maybe" pairs not already inside one of its groups
    seconds: float  # its own prep + block + match + cluster
    process_seconds: float  # the whole subprocess: interpreter, imports, reading the CSV


def run_reference(python: str, name: str) -> Reference:
    # A separate interpreter, so bib-dedupe and its dependencies stay out of the project's
    # venv; it reads the same CSV and only returns groups, which we score ourselves.
    start = time.perf_counter()
    run = subprocess.run([python, str(REFERENCE), name], capture_output=True, text=True)
    process_seconds = time.perf_counter() - start
    if run.returncode:
        sys.exit(f"{REFERENCE.name} {name} failed:\n{run.stderr[-2000:]}")
    result = json.loads(run.stdout)
    groups = [frozenset(g) for g in result["groups"]]
    where = {i: k for k, g in enumerate(groups) for i in g}
    queue = sum(where.get(a, -1) != where.get(b, -2) for a, b in result["maybe"])
    return Reference(result["version"], groups, queue, result["seconds"], process_seconds)


def comparison(
    sets: Sequence[LabelledSet], outcomes: Sequence[Outcome], references: dict[str, Reference]
) -> str:
    """Automatic merges of each engine, pairwise and record-level (see the module docstring)."""
    rows = [
        "| set | engine | pair sens. | pair prec. | false / missed pairs | TP | FP | FN | TN "
        "| rec. sens. | rec. prec. | queue pairs | time |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, engine: str, pairs: tuple | None, c: Confusion, queue: int, t: str):
        pair = (
            f"{pairs[0]:.4f} | {pairs[2]:.4f} | {pairs[3]} / {pairs[4]}" if pairs else "— | — | —"
        )
        rows.append(
            f"| {name} | {engine} | {pair} | {c.tp} | {c.fp} | {c.fn} | {c.tn} | "
            f"{c.sensitivity:.4f} | {c.precision:.4f} | {queue} | {t} |"
        )

    for data, o in zip(sets, outcomes, strict=True):
        name = o.name + ("²" if data.groups is None else "")
        row(
            name,
            "Evident",
            o.auto if data.groups else None,
            o.records,
            o.queue,
            f"{o.seconds:.2f} s",
        )
        ref = references.get(o.name)
        if ref is not None:
            pairs = pairwise(ref.groups, data.groups, o.n) if data.groups else None
            t = f"{ref.seconds:.2f} s ({ref.process_seconds:.1f} s)"
            row(name, f"bib-dedupe {ref.version}", pairs, confusion(ref.groups, data), ref.queue, t)
    return "\n".join(rows)


def examples(
    data: LabelledSet, outcome: Outcome, limit: int, reference: Reference | None = None
) -> str:
    """Missed and false pairs of the automatic clusters, with their fields, for inspection;
    with a reference run, also the true pairs that only one of the two engines merges."""
    if data.groups is None or limit <= 0:
        return ""
    by_id = {r.id: r for r in data.records}
    scored = {(p.a, p.b): p for p in outcome.pairs}
    pred, true = cluster_pairs(outcome.auto_clusters), cluster_pairs(data.groups)
    lists = [("false pairs", pred - true), ("missed pairs", true - pred)]
    if reference is not None:
        theirs = cluster_pairs(reference.groups) & true
        lists += [
            ("true pairs bib-dedupe merges and we do not", theirs - pred),
            ("true pairs we merge and bib-dedupe does not", (pred & true) - theirs),
        ]
    lines = []
    for label, found in lists:
        chosen = sorted(found)
        lines.append(f"\n### {data.name}: {label} ({len(chosen)})")
        for a, b in chosen[:limit]:
            p = scored.get((a, b))
            lines.append(f"- {a}–{b}: " + (f"{p.score} {p.rule} {p.fields}" if p else "not scored"))
            for r in (by_id[a], by_id[b]):
                lines.append(
                    f"    - {r.title[:110]!r} | {'; '.join(r.authors[:3])} | {r.year} | "
                    f"{r.journal[:40]} | {r.volume}({r.issue}) {r.pages}"
                )
    return "\n".join(lines)


# --- scale ---------------------------------------------------------------------------------

_TYPO = "abcdefghijklmnopqrstuvwxyz"
_REPLACED_WORDS = 0.5


def _noise(record: DedupRecord, rng: random.Random) -> DedupRecord:
    title = record.title
    if rng.random() < 0.3:
        title = title.lower()
    if rng.random() < 0.15 and len(title) > 20:
        i = rng.randrange(len(title))
        title = title[:i] + rng.choice(_TYPO) + title[i + 1 :]
    authors = record.authors
    if rng.random() < 0.4:
        authors = tuple(a.replace(",", "").replace(".", "") for a in authors)
    pages = record.pages
    m = re.fullmatch(r"(\d+)-(\d+)", pages)
    if m and rng.random() < 0.4 and len(m.group(1)) == len(m.group(2)):
        a, b = m.groups()
        k = next((i for i in range(len(a)) if a[i] != b[i]), len(a) - 1)
        pages = f"{a}-{b[k:]}"
    journal = record.journal if rng.random() > 0.1 else ""
    if rng.random() < 0.1:
        pages = ""
    return replace(record, title=title, authors=authors, pages=pages, journal=journal)


def _rename(author: str, pick, vocab: list[str]) -> str:
    surname = re.split(r"[,\s]", author.strip(), maxsplit=1)[0]
    new = pick("a", surname.lower().strip(".")).choice(vocab).strip(",.:;()[]").capitalize()
    return new + author.strip()[len(surname) :]


def blow_up(size: int, seed: int = 0) -> tuple[list[DedupRecord], list[frozenset[int]]]:
    """``size`` synthetic records with known duplicate groups (see the module docstring)."""
    sets = [load_rathbone(name) for name in RATHBONE]
    vocab = sorted({w for s in sets for r in s.records for w in r.title.split() if len(w) > 3})
    base: list[tuple[DedupRecord, int]] = []  # (record, group key)
    for s_index, s in enumerate(sets):
        group_of = {i: g for g in s.groups for i in g}
        for r in s.records:
            key = min(group_of.get(r.id, {r.id}))
            base.append((r, s_index * 10_000_000 + key))
    records, groups = [], {}
    copy = 0
    while len(records) < size:
        for r, key in base:
            if len(records) >= size:
                break
            new_id = copy * 10_000_000 + len(records) + 1
            if copy:
                # One new paper per (copy, ground-truth group): every member of the group gets
                # the same new title words, authors, year, volume and pages. Each choice is
                # seeded by the group and the word or name itself, so members whose fields
                # differ (an extra "[Review]", a missing author) still change the same way.
                def pick(*what: object, k: int = copy, grp: int = key) -> random.Random:
                    return random.Random(f"{seed}:{k}:{grp}:{what}")

                shift = pick("shift").randrange(1, 30)
                words = [
                    pick("w", w.lower()).choice(vocab)
                    if pick("p", w.lower()).random() < _REPLACED_WORDS
                    else w
                    for w in r.title.split()
                ]
                r = replace(
                    r,
                    title=" ".join(words),
                    authors=tuple(_rename(a, pick, vocab) for a in r.authors),
                    year=(r.year + shift % 5 - 2) if r.year else None,
                    volume=re.sub(r"\d+", lambda m, k=shift: str(int(m.group(0)) + k), r.volume),
                    pages=re.sub(r"\d+", lambda m, k=shift: str(int(m.group(0)) + 7 * k), r.pages),
                )
                r = _noise(r, random.Random(f"{seed}:{copy}:{r.id}"))
            records.append(replace(r, id=new_id))
            groups.setdefault((copy, key), set()).add(new_id)
        copy += 1
    return records, [frozenset(g) for g in groups.values() if len(g) > 1]


def run_scale_child(size: int, auto: float, review: float) -> None:
    records, groups = blow_up(size)
    start = time.perf_counter()
    pairs = engine.find_pairs(records, review_threshold=review)
    auto_pairs, review_pairs = engine.classify(pairs, auto_threshold=auto)
    found = clusters(auto_pairs, [r.id for r in records], support=review_pairs)
    seconds = time.perf_counter() - start
    sens, _spec, prec, _fp, _fn = pairwise(found, groups, len(records))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(records)}\t{seconds:.2f}\t{peak_mb:.0f}\t{len(pairs)}\t{sens:.4f}\t{prec:.4f}")


def scale(sizes: Sequence[int], auto: float, review: float) -> str:
    rows = [
        "| records | time (find_pairs + classify + clusters) | peak RSS | pairs ≥ review "
        "| auto sens. | auto prec. |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--scale-child",
                str(size),
                "--auto",
                str(auto),
                "--review",
                str(review),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        n, seconds, mb, npairs, sens, prec = out
        rows.append(f"| {int(n):,} | {seconds} s | {mb} MB | {int(npairs):,} | {sens} | {prec} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, action="append")
    parser.add_argument("--auto", type=float, default=engine.AUTO_THRESHOLD)
    parser.add_argument("--review", type=float, default=engine.REVIEW_THRESHOLD)
    parser.add_argument("--linkage", default="complete", choices=("complete", "single"))
    parser.add_argument("--examples", type=int, default=0, help="list N missed/false pairs")
    parser.add_argument("--scale", action="store_true", help="also time 10k–100k records")
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--reference-python",
        help="an interpreter with bib-dedupe installed: also score bib-dedupe's groups",
    )
    args = parser.parse_args()
    if args.scale_child:
        run_scale_child(args.scale_child, args.auto, args.review)
        return
    sets, outcomes, references, notes = [], [], {}, []
    for name in args.set or SETS:
        data = load(name)
        outcome = evaluate(data, auto=args.auto, review=args.review, linkage=args.linkage)
        if args.reference_python:
            references[name] = run_reference(args.reference_python, name)
        sets.append(data)
        outcomes.append(outcome)
        notes.append(examples(data, outcome, args.examples, references.get(name)))
    print(f"auto ≥ {args.auto}, review ≥ {args.review}, {args.linkage} linkage\n")
    print(table(outcomes))
    print("\n¹ Diabetes: trash records (not pairs) and wrong / missed record removals.")
    print("\nAutomatic merges, pairwise and record level (bib-dedupe's definition)\n")
    print(comparison(sets, outcomes, references))
    if any(data.groups is None for data in sets):
        print(
            "\n² Diabetes: no duplicate groups, so no pairs, and bib-dedupe's record-level count "
            "(which needs\neach copy's group) cannot be made; TP/FP/FN/TN there are the Diabetes "
            "count (correct, wrong,\nmissed removals, papers kept)."
        )
    if references:
        print(
            '\nbib-dedupe: its automatic ("duplicate") groups; queue = its "maybe" pairs '
            "outside them;\ntime = its prep + block + match + cluster on all cores (cpu=-1), "
            "in brackets the whole subprocess."
        )
    print("".join(notes))
    if args.scale:
        print()
        print(scale((10_000, 25_000, 50_000, 100_000), args.auto, args.review))


if __name__ == "__main__":
    main()
