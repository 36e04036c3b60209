"""Benchmark: importing a 100,000-record MEDLINE (.nbib) file, beside Biopython's parser.

Usage (from the repository root, by hand; pytest never runs this)::

    python bench/bench_import.py                    # 100,000 records, 3 repetitions
    python bench/bench_import.py --records 2000 --repeat 1
    python bench/bench_import.py --keep             # keep the file and the last databases

What it does, in one run so that the ratios compare numbers taken under the same load:

1. Writes a SYNTHETIC MEDLINE file (seeded, deterministic; no real records) under
   ``var/bench/import/``: PubMed's field order and sizes, with a 1,200-1,800 character
   abstract wrapped at ~80 columns, 3-10 authors each with FAU, AU and AD, MeSH and other
   terms. 100,000 such records are about 360 MB, above the default 200 MB upload limit, so every
   import child runs with ``MAX_UPLOAD_MB=1024``. A file kept by ``--keep`` is reused.
2. Times each of these in a fresh child process, ``--repeat`` times:

   a. ``Bio.Medline.parse`` over the file (the reference);
   b. our reader alone, ``reviews.importers.medline.parse(numbered_lines(...))``;
   c. ``manage.py importrecords REVIEW FILE --database pubmed --json`` into a new SQLite file;
   d. the same into PostgreSQL (database ``evident_bench``, dropped and created each time).

   Wall time is taken by this process from spawn to exit, so it includes interpreter start-up
   and, for the imports, Django's set-up. Peak memory is the child's own ``ru_maxrss`` from
   ``os.wait4``. Creating the database, migrating it and adding a user and a review happen in
   an untimed step before each import. The imports run with the production settings
   (``DEBUG`` off), as a deployment would.
3. Prints a Markdown table and writes it into the "## Import (issue #3)" section of
   ``bench/RESULTS.md``, leaving the file's other sections alone.

Goals (issue #3): each import <= 60 s, peak memory <= 500 MB, import <= 2x the Biopython parse.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results import write_section  # bench/results.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench" / "import"
SECTION = "## Import (issue #3)"
PG_URL = "postgresql://postgres@127.0.0.1:5432/evident_bench"
PG_ADMIN = [
    "psql",
    "-h",
    "127.0.0.1",
    "-U",
    "postgres",
    "-d",
    "postgres",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
]
UPLOAD_MB = "1024"
SEED = 20261125
GENERATOR = 1  # bump when the generator changes, so a kept file is not reused
GOAL_SECONDS = 60
GOAL_MB = 500
GOAL_RATIO = 2.0

# ---------------------------------------------------------------------------------------
# Synthetic MEDLINE file. Every word, name and journal below is made up for this benchmark.
# ---------------------------------------------------------------------------------------

_WORD_TEXT = (
    "patients randomised trial outcome outcomes treatment control group groups mortality "
    "hospital admission adults children women men cohort analysis analyses baseline follow-up "
    "months weeks years risk ratio odds hazard confidence interval significant difference "
    "differences primary secondary endpoint endpoints adverse events safety efficacy placebo "
    "intervention interventions dose doses therapy therapies clinical studies study review "
    "systematic meta-analysis evidence quality moderate low high certainty heterogeneity among "
    "between within during after before compared with without versus associated increased "
    "decreased reduced improved severe mild chronic acute disease diseases infection cancer "
    "diabetes hypertension stroke pain depression anxiety asthma obesity pregnancy surgery "
    "postoperative preoperative score scores scale measured assessed reported observed median "
    "mean standard deviation participants enrolled eligible included excluded screened data "
    "collected retrospective prospective multicentre single-centre national regional care "
    "primary-care emergency intensive unit units blood pressure glucose level levels serum "
    "plasma marker markers biomarker response rate rates survival progression-free overall "
    "quality-of-life cost-effectiveness the of and in to a was were for on by as at from that "
    "this these which is are be or not also may than more less both each all per"
)
_WORDS = _WORD_TEXT.split()
_SECTIONS = ("BACKGROUND", "OBJECTIVE", "METHODS", "RESULTS", "CONCLUSIONS")
_SURNAME_TEXT = (
    "Smith,Garcia,Müller,Rossi,Nguyen,Kowalski,Andersson,Dubois,Silva,Tanaka,Kim,Chen,Wang,Li,"
    "Zhang,Okafor,Haddad,Novak,Jensen,Ivanova,Papadopoulos,O'Brien,Fernández,López,Schmidt,"
    "Bianchi,Costa,Yilmaz,Sato,Park,Singh,Patel,Hansen,Nielsen,Lindqvist,Horváth,Dvořák,Moreau,"
    "van der Berg,de Souza,Kaur,Ahmed,Mensah,Cohen,Levi,Murphy,Walsh,Brown,Taylor,Wilson"
)
_SURNAMES = _SURNAME_TEXT.split(",")
_GIVEN_TEXT = (
    "Anna Luis María José Chen Wei Sofia Lukas Amara Kenji Ji-woo Priya Rahul Olga Nikos "
    "Siobhán Mateo Élise Jonas Fatima Omar Ingrid Tomasz Zoë Hiroshi Mei Ade Carlos Lena David"
)
_GIVEN = _GIVEN_TEXT.split()
_PLACES = (
    "University Hospital of Northbridge, Northbridge, Atlantis",
    "Department of Epidemiology, Institute of Public Health, Eastvale, Freedonia",
    "Faculty of Medicine, Universidade de Campo Alto, Campo Alto, SP, Brazil",
    "Division of Cardiology, Saint Mary's Medical Centre, Westport, Ruritania",
    "School of Nursing and Midwifery, Lakeside University, Lakeside, Genovia",
    "Clinical Trials Unit, Karolinska-like Institute, Solna, Sweden",
    "Department of Paediatrics, Hôpital Universitaire de Belleville, Belleville, France",
    "Centre for Evidence Synthesis, Medical College of Zhongshan, Zhongshan, China",
)
_MESH = (
    "Humans",
    "Female",
    "Male",
    "Adult",
    "Aged",
    "Middle Aged",
    "Child",
    "Adolescent",
    "Pregnancy",
    "Treatment Outcome",
    "Risk Factors",
    "Prospective Studies",
    "Retrospective Studies",
    "Cohort Studies",
    "Incidence",
    "Follow-Up Studies",
    "Quality of Life",
    "Hypertension",
    "Diabetes Mellitus, Type 2",
    "Neoplasms",
    "Stroke",
    "Depression",
    "Asthma",
    "Obesity",
    "Pain, Postoperative",
    "Postoperative Complications",
    "Hospitalization",
)
_QUALIFIERS = (
    "therapy",
    "drug therapy",
    "epidemiology",
    "diagnosis",
    "mortality",
    "prevention & control",
)
_LANGUAGES = ("eng",) * 17 + ("chi", "ger", "fre")
_TYPES = ("Journal Article", "Randomized Controlled Trial", "Review", "Multicenter Study")
_COUNTRIES = ("England", "United States", "Netherlands", "Germany", "China", "Switzerland")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _journals(rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    """(full title, abbreviation, print ISSN, electronic ISSN, NLM ID) for 300 made-up journals."""
    subjects = ("Clinical", "Medical", "Surgical", "Paediatric", "Public Health", "Nursing")
    fields = ("Research", "Epidemiology", "Therapeutics", "Cardiology", "Oncology", "Practice")
    journals = []
    for i in range(300):
        subject, field = rng.choice(subjects), rng.choice(fields)
        title = (
            f"Journal of {subject} {field} and Allied Sciences : official journal of Society {i}"
        )
        abbrev = f"J {subject[:4]} {field[:5]} Allied Sci {i}"
        issn = f"{1000 + i:04d}-{rng.randrange(1000, 9999):04d}"
        eissn = f"{2000 + i:04d}-{rng.randrange(100, 999):03d}X"
        journals.append((title, abbrev, issn, eissn, f"{9000000 + i * 37:07d}"))
    return journals


def _wrap(tag: str, text: str, out: list[str]) -> None:
    """Append `tag` lines as PubMed writes them: "TAG - " then 6-space continuations, <= 80."""
    prefix = f"{tag:<4}- "
    width = 80 - 6
    line: list[str] = []
    size = 0
    for word in text.split(" "):
        if line and size + 1 + len(word) > width:
            out.append(prefix + " ".join(line))
            prefix = "      "
            line, size = [word], len(word)
        else:
            size += len(word) + (1 if line else 0)
            line.append(word)
    out.append(prefix + " ".join(line))


def _abstract(rng: random.Random) -> str:
    target = rng.randint(1200, 1800)
    parts: list[str] = []
    size = 0
    sections = iter(_SECTIONS)
    while size < target:
        label = next(sections, None)
        words = rng.choices(_WORDS, k=rng.randint(25, 60))
        words[0] = words[0].capitalize()
        share = (
            f"{rng.randint(1, 99)}.{rng.randint(0, 9)}% ± {rng.randint(1, 9)}.{rng.randint(0, 9)}"
        )
        numbers = f" {rng.randint(12, 4800)} participants, {share}"
        sentence = " ".join(words) + numbers + "."
        sentence = f"{label}: {sentence}" if label else sentence
        parts.append(sentence)
        size += len(sentence) + 1
    text = " ".join(parts)
    return text[:target].rsplit(" ", 1)[0] + "."


def _record(rng: random.Random, index: int, journals: list) -> list[str]:
    out: list[str] = []
    pmid = 30000000 + index * 7
    year = rng.randint(1995, 2025)
    month = rng.randrange(12)
    title_j, abbrev, issn, eissn, nlm = rng.choice(journals)
    volume, issue = rng.randint(1, 120), rng.randint(1, 12)
    first = rng.randint(1, 2400)
    pages = f"{first}-{first + rng.randint(3, 14)}"
    doi = f"10.{1000 + index % 8000}/j.bench.{year}.{index:06d}"
    pii = f"S{rng.randrange(10**8, 10**9)}-{year}({rng.randint(10, 99)}){index:05d}-X"
    out += [
        f"PMID- {pmid}",
        "OWN - NLM",
        f"STAT- {rng.choice(('MEDLINE', 'MEDLINE', 'PubMed-not-MEDLINE', 'Publisher'))}",
        f"DCOM- {year + 1}{month + 1:02d}{rng.randint(1, 28):02d}",
        f"LR  - {min(year + 3, 2026)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
        f"IS  - {eissn} (Electronic)",
        f"IS  - {issn} (Linking)",
        f"VI  - {volume}",
        f"IP  - {issue}",
        f"DP  - {year} {_MONTHS[month]}",
    ]
    title = " ".join(rng.choices(_WORDS, k=rng.randint(10, 24))).capitalize() + "."
    _wrap("TI", title, out)
    out += [f"PG  - {pages}", f"LID - {doi} [doi]"]
    _wrap("AB", _abstract(rng), out)
    for _ in range(rng.randint(3, 10)):
        surname, given = rng.choice(_SURNAMES), rng.choice(_GIVEN)
        middle = rng.choice(("", " A", " J", " M"))
        out.append(f"FAU - {surname}, {given}{middle}")
        out.append(f"AU  - {surname} {given[0]}{middle.strip()}")
        email = f"{surname.lower()}.{given.lower()}@example.org"
        _wrap("AD", f"{rng.choice(_PLACES)}. Electronic address: {email}.", out)
    out.append(f"LA  - {rng.choice(_LANGUAGES)}")
    out.append("PT  - Journal Article")
    if rng.random() < 0.4:
        out.append(f"PT  - {rng.choice(_TYPES[1:])}")
    out += [
        f"DEP - {year}{month + 1:02d}{rng.randint(1, 28):02d}",
        f"PL  - {rng.choice(_COUNTRIES)}",
        f"TA  - {abbrev}",
    ]
    _wrap("JT", title_j, out)
    out += [f"JID - {nlm}", "SB  - IM"]
    for _ in range(rng.randint(4, 14)):
        term = rng.choice(_MESH)
        if rng.random() < 0.4:
            term = f"*{term}/{rng.choice(_QUALIFIERS)}"
        out.append(f"MH  - {term}")
    for _ in range(rng.randint(0, 6)):
        out.append(f"OT  - {' '.join(rng.choices(_WORDS, k=rng.randint(1, 3)))}")
    if rng.random() < 0.3:
        out.append(f"PMC - PMC{5000000 + index}")
    out += [
        f"AID - {doi} [doi]",
        f"AID - {pii} [pii]",
        "PST - ppublish",
    ]
    _wrap("SO", f"{abbrev}. {year} {_MONTHS[month]};{volume}({issue}):{pages}. doi: {doi}.", out)
    return out


def generate(path: Path, records: int, seed: int = SEED) -> None:
    """Write `records` synthetic MEDLINE records to `path` (same seed, same bytes)."""
    rng = random.Random(seed)
    journals = _journals(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8", newline="\n") as handle:
        for index in range(records):
            lines = _record(rng, index, journals)
            if index:
                handle.write("\n")
            handle.write("\n".join(lines) + "\n")
    partial.replace(path)


# ---------------------------------------------------------------------------------------
# Children: each measurement runs in its own process.
# ---------------------------------------------------------------------------------------


def child_biopython(path: str) -> int:
    from Bio import Medline

    count = 0
    with open(path, encoding="utf-8") as handle:
        for _ in Medline.parse(handle):
            count += 1
    return count


def child_reader(path: str) -> int:
    from reviews.importers.decoding import numbered_lines
    from reviews.importers.medline import parse

    count = 0
    for _ in parse(numbered_lines(Path(path), "utf-8")):
        count += 1
    return count


def run_child(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run `command`; return its wall seconds, its own peak RSS in MB, and its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, stdout  # Linux reports ru_maxrss in KiB


def django_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        EVIDENT_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="bench-import-not-a-secret",
        DEBUG="0",
        MAX_UPLOAD_MB=UPLOAD_MB,
        PYTHONHASHSEED="0",
    )
    return env


SETUP = """
from django.contrib.auth import get_user_model
from reviews.services import review_create
user = get_user_model().objects.create_user("bench", password="bench-not-secret")
print(review_create(user=user, data={"title": "Import benchmark"}).pk)
"""


def prepare_database(kind: str, folder: Path) -> tuple[dict[str, str], str]:
    """Untimed: an empty migrated database with one user and one review; returns env, review id."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'evident.sqlite3'}"
    else:
        ensure_postgres()
        drop = "DROP DATABASE IF EXISTS evident_bench WITH (FORCE)"
        for sql in (drop, "CREATE DATABASE evident_bench"):
            subprocess.run([*PG_ADMIN, "-c", sql], check=True, capture_output=True)
        url = PG_URL
    env = django_env(url, folder)
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    made = subprocess.run(
        [python, "manage.py", "shell", "-c", SETUP],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return env, made.stdout.strip().splitlines()[-1]


def ensure_postgres() -> None:
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
        return
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True
    )
    for _ in range(30):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
            return
        time.sleep(1)
    raise SystemExit("PostgreSQL did not start")


def measure(kind: str, path: Path, records: int, work: Path, rep: int) -> tuple[float, float]:
    python = sys.executable
    if kind in ("biopython", "reader"):
        env = dict(os.environ, PYTHONHASHSEED="0")
        command = [python, __file__, "--child", kind, str(path)]
        seconds, peak, stdout = run_child(command, env)
        found = json.loads(stdout)["records"]
    else:
        env, review = prepare_database(kind, work / f"{kind}-{rep}")
        command = [python, "manage.py", "importrecords", review, str(path)]
        command += ["--database", "pubmed", "--json"]
        seconds, peak, stdout = run_child(command, env)
        found = json.loads(stdout.strip().splitlines()[-1])["records"]
    if found != records:
        raise SystemExit(f"{kind}: read {found} records, expected {records}")
    return seconds, peak


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------

LABELS = {
    "biopython": "(a) Biopython `Bio.Medline.parse` (reference)",
    "reader": "(b) Evident reader alone",
    "sqlite": "(c) `importrecords` into SQLite",
    "postgres": "(d) `importrecords` into PostgreSQL",
}


def table(results: dict[str, list[tuple[float, float]]]) -> str:
    ref = results["biopython"]
    ref_min = min(s for s, _ in ref)
    ref_med = statistics.median(s for s, _ in ref)
    rows = [
        "| measurement | wall min | wall median | peak RSS (max of runs) "
        "| × Biopython, median (min) |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, runs in results.items():
        times = [s for s, _ in runs]
        low, mid = min(times), statistics.median(times)
        peak = max(p for _, p in runs)
        ratio = "1.00" if kind == "biopython" else f"{mid / ref_med:.2f} ({low / ref_min:.2f})"
        rows.append(f"| {LABELS[kind]} | {low:.1f} s | {mid:.1f} s | {peak:.0f} MB | {ratio} |")
    return "\n".join(rows)


def verdicts(results: dict[str, list[tuple[float, float]]]) -> list[str]:
    ref = statistics.median(s for s, _ in results["biopython"])
    lines = []
    for kind in ("sqlite", "postgres"):
        if kind not in results:
            continue
        mid = statistics.median(s for s, _ in results[kind])
        peak = max(p for _, p in results[kind])
        ratio = mid / ref
        lines.append(
            f"- {kind}: median {mid:.1f} s "
            f"({'meets' if mid <= GOAL_SECONDS else 'misses'} ≤ {GOAL_SECONDS} s), "
            f"peak {peak:.0f} MB ({'meets' if peak <= GOAL_MB else 'misses'} ≤ {GOAL_MB} MB), "
            f"{ratio:.2f}× Biopython ({'meets' if ratio <= GOAL_RATIO else 'misses'} ≤ "
            f"{GOAL_RATIO:.0f}×)"
        )
    return lines


def machine() -> str:
    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
        memory = free.splitlines()[1].split()[1]
    except (OSError, IndexError):
        memory = "?"
    return (
        f"{os.cpu_count()} cores (nproc), {memory} RAM (free -h total), "
        f"{platform.machine()}, CPython {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep var/bench/import/ afterwards")
    parser.add_argument("--only", nargs="+", choices=list(LABELS), default=list(LABELS))
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--child", choices=("biopython", "reader"), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        sys.path.insert(0, str(ROOT))
        reader = child_biopython if args.child == "biopython" else child_reader
        print(json.dumps({"records": reader(args.path)}))
        return

    kinds = list(dict.fromkeys(["biopython", *args.only]))  # the reference is always measured
    path = WORK / f"synthetic-medline-{args.records}-seed{SEED}-v{GENERATOR}.nbib"
    if not path.exists():
        started = time.perf_counter()
        generate(path, args.records)
        print(f"generated {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    size_mb = path.stat().st_size / 1048576
    print(f"{path.name}: {args.records} records, {size_mb:.0f} MB", file=sys.stderr)

    results: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
    # Interleave the kinds (a b c d, a b c d, ...) so slow drift on a shared machine
    # affects each of them alike.
    for rep in range(args.repeat):
        for kind in kinds:
            seconds, peak = measure(kind, path, args.records, WORK, rep)
            results[kind].append((seconds, peak))
            print(f"  run {rep + 1} {kind}: {seconds:.1f} s, {peak:.0f} MB", file=sys.stderr)

    command = "python bench/bench_import.py" + "".join(
        f" {a}" for a in sys.argv[1:] if a != "--no-write"
    )
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = table(results)
    print(body)
    print("\n".join(verdicts(results)))
    if not args.no_write and args.only == list(LABELS):
        write_section(
            SECTION,
            section(body, verdicts(results), command, when, args.records, size_mb, args.repeat),
        )
    if not args.keep:
        shutil.rmtree(WORK, ignore_errors=True)
        if "postgres" in kinds:
            drop = "DROP DATABASE IF EXISTS evident_bench WITH (FORCE)"
            subprocess.run([*PG_ADMIN, "-c", drop], check=True, capture_output=True)


def section(
    body: str, goals: list[str], command: str, when: str, records: int, size_mb: float, n: int
) -> str:
    return f"""{SECTION}

Run: `{command}` (method in the script's docstring).

Input: a **synthetic** MEDLINE file written by the script (seeded, no real records),
{records:,} records, {size_mb:.0f} MB: PubMed's field order, a 1,200-1,800 character abstract
wrapped at 80 columns, 3-10 authors with FAU, AU and AD each. It is larger than the default
200 MB upload limit, so the imports run with `MAX_UPLOAD_MB={UPLOAD_MB}`.

Each number is a fresh child process, {n} runs of each, interleaved (a b c d, a b c d, ...).
Wall time is from spawn to exit, so it includes interpreter and Django start-up; peak RSS is the
child's own `ru_maxrss`. Creating and migrating the database and adding a user and a review
happen before each import, untimed. Imports use `config.settings.production` (DEBUG off).
Ratios are median ÷ Biopython's median, and in brackets min ÷ Biopython's min.

Recorded {when} on {machine()}; a shared machine with other work running.

{body}

Against the goals of issue #3 (≤ {GOAL_SECONDS} s, ≤ {GOAL_MB} MB, ≤ {GOAL_RATIO:.0f}× Biopython):

{chr(10).join(goals)}

"""


if __name__ == "__main__":
    main()
