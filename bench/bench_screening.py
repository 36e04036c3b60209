"""Benchmark: screening under load (issue #5), real HTTP on loopback against PostgreSQL.

Usage (from the repository root, by hand; pytest never runs this)::

    python bench/bench_screening.py                      # the full run, writes bench/RESULTS.md
    python bench/bench_screening.py --rounds 50 --no-write
    python bench/bench_screening.py --gunicorn "--workers 4 --threads 4" --gunicorn "--workers 5"
    python bench/bench_screening.py --keep               # keep the database afterwards
    python bench/bench_screening.py --reuse --rounds 0 --explain   # profile a kept database

Goals (issue #5), with 20 concurrent reviewers on a review of 100,000 records: the next-record +
decision round trip p95 <= 50 ms server-side; the conflicts page and the PRISMA counts <= 300 ms.

What it does:

0. Copies the working tree (``git ls-files -co --exclude-standard``, without ``bench/`` and
   ``tests/``) to ``var/bench/screening/src/`` and runs everything from that copy, so that
   edits made by others during the run cannot change the code half-way; the report names the
   commit, the number of uncommitted changes and a hash of the copy.
1. Drops and creates the PostgreSQL database ``evident_bench_screening`` (no other name: the
   script refuses to touch anything else), migrates it and collects static files (the
   production settings need WhiteNoise's manifest) into ``var/bench/screening/``.
2. Seeds, in this process through the ORM (untimed): a lead and 20 reviewers, each with an API
   token; one review; ``--records`` SYNTHETIC records (made-up words, "[SYNTHETIC]" titles,
   10.5555 test DOIs) in three completed search imports (PubMed 50 %, Embase 30 %, CENTRAL
   20 %), written with COPY by ``reviews.record_writer``; ``--duplicates`` duplicate groups of
   two (a PubMed primary and an Embase or CENTRAL copy, so PRISMA has duplicates removed).
   Stage settings are the defaults: 2 reviewers per record, blinded. Then a mid-review state,
   inserted with bulk_create: the first ``--decided`` screening units (in screening order)
   decided at title/abstract by two random reviewers, 5 % of them disagreeing (a fifth of those
   with a "maybe"), a third of the resulting conflicts resolved by the lead; ~12 % of records
   are includes. The first ``--full-text`` title/abstract includes are decided at full text
   (~35 % included, exclusions with one of the default reasons, 8 % disagreeing, half of those
   conflicts resolved). The tallies the services would have kept are then counted from these
   decisions (``screening.tallies.tallies_rebuild``), and the title/abstract relevance model is
   trained on the settled records as the Celery task would have done (prioritisation is on by
   default), so the next record follows its scores; ``--no-ranking`` leaves the stage without a
   model (the next record then comes in import order). Finally ``VACUUM ANALYZE``, as
   autovacuum would have done by then.
3. For each ``--gunicorn`` configuration (default: gthread ``--workers 4 --threads 4``, then
   sync ``--workers 5``), starts ``gunicorn config.wsgi`` on a free 127.0.0.1 port with the
   production settings (``config.settings.production``, DEBUG off) and these environment
   overrides, because the benchmark speaks plain HTTP on loopback with no TLS proxy in front:
   ``SECURE_SSL_REDIRECT=0``, ``SECURE_HSTS_SECONDS=0``. No ``REDIS_URL``: the cache and the
   Celery broker are the embedded defaults in ``var/bench/screening/`` (the screening requests
   do not use the cache), so nothing is left in a shared Redis. No Celery worker runs unless
   ``--celery`` (then one, ``--concurrency=1``, beside gunicorn), so without it a task that a
   decision queues (re-ranking) is not executed. Gunicorn also gets
   ``--timeout 300`` so a slow page is measured rather than killed. Waits until it answers.
4. Load: 20 reviewer threads (stdlib ``http.client``, one keep-alive connection each, token
   auth) each do ``--warmup`` (5) then ``--rounds`` (100) rounds of GET next, POST a decision on
   that record. The decision follows a per-record "truth" (~12 % include) and each reviewer
   departs from it 2.5 % of the time (4 in 5 the opposite, 1 in 5 "maybe"), so pairs make
   agreements and ~5 % conflicts. The measured rounds start together (a barrier after the
   warm-up). Recorded per request: client wall time and the server's ``Server-Timing: app;dur=``
   (time inside Django, from ``config.middleware.ServerTimingMiddleware``); a round trip is next
   plus decision. A POST answered 400 because two other reviewers settled the record in between is
   counted as "rejected" (its round trip is still timed); throughput counts accepted decisions
   over the wall time of the measured rounds. ``--via page`` drives the browser's path
   instead: each reviewer logs in through the form, opens the screening page, and each round
   is one htmx POST to its decide URL, which records the decision and answers with the next
   record and the one after it (prefetched); that one request is the round trip. A refusal is
   then the page's error message, after which the reviewer reopens the page (not timed).
5. With no load running, times ``--reads`` times each (after 2 warm-up requests): the conflicts
   page (HTML, the lead logged in through the login form), the conflicts API first page and the
   PRISMA JSON (token).
6. Prints a Markdown table per configuration and writes the "## Screening under load (issue #5)"
   section of bench/RESULTS.md (unless ``--no-write``), keeping its hand-written "### " notes.
   The database is dropped at the end unless ``--keep``.

``--reuse`` runs on the kept database with the kept copy of the code (step 0 is skipped).
``--explain`` (best with ``--reuse --rounds 0`` on a kept database) runs each endpoint once
in this process through Django's test client, captures its SQL and writes every query's time
and the ``EXPLAIN (ANALYZE, BUFFERS)`` plan of the slowest SELECTs to
``var/bench/screening/explain.txt`` (writes are rolled back).

The client threads share the machine's cores with gunicorn and PostgreSQL, so client-side
times include queueing for a CPU; the server-side times are the goal's measure.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import fcntl
import hashlib
import http.client
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from results import write_section  # bench/results.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench" / "screening"
SRC = WORK / "src"  # the copy of the code that runs (see step 0)
SECTION = "## Screening under load (issue #5)"
# The only database this script creates, migrates and drops.
DB_NAME = "evident_bench_screening"
PG_URL = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
PG_ADMIN = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-v"]
PG_ADMIN += ["ON_ERROR_STOP=1"]
PASSWORD = "bench-not-secret"
REVIEW_TITLE = "[SYNTHETIC] Screening load benchmark"
LEAD = "bench-lead"
N_REVIEWERS = 20
SEED = 20261125
INCLUDE_RATE = 0.12  # share of records whose "truth" is include at title/abstract
DEVIATION = 0.025  # chance that one reviewer departs from the truth in the load phase
GOAL_ROUND_TRIP_MS = 50
GOAL_READ_MS = 300
DEFAULT_GUNICORN = [
    "--workers 4 --threads 4 --worker-class gthread",
    "--workers 5 --worker-class sync",
]
GUNICORN_BASE = ["--timeout", "300", "--graceful-timeout", "10", "--keep-alive", "5"]


# ---------------------------------------------------------------------------------------
# Environment and database
# ---------------------------------------------------------------------------------------


def snapshot() -> str:
    """Copy the working tree to SRC; return a description of the code that runs."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    shutil.rmtree(SRC, ignore_errors=True)
    digest = hashlib.sha1()
    for name in sorted(n for n in listed.split("\0") if n):
        if name.startswith(("bench/", "tests/")) or not (ROOT / name).is_file():
            continue
        data = (ROOT / name).read_bytes()
        digest.update(name.encode() + b"\0" + data)
        (SRC / name).parent.mkdir(parents=True, exist_ok=True)
        (SRC / name).write_bytes(data)
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    changed = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
    ).stdout.splitlines()
    return (
        f"commit {head} plus {len(changed)} uncommitted changed or new paths in the working "
        f"tree (copy sha1 {digest.hexdigest()[:12]})"
    )


def bench_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=PG_URL,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        EVIDENT_VAR_DIR=str(WORK),
        SECRET_KEY="bench-screening-not-a-secret",
        DEBUG="0",
        # Plain HTTP on loopback: no TLS proxy in front, so no redirect to https.
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        # No worker runs, so the tasks that decisions queue go to the folder broker, as in the
        # runs recorded before production refused it; this says that is meant.
        EVIDENT_ALLOW_EMBEDDED="1",
    )
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    return env


def psql(sql: str) -> None:
    assert DB_NAME in sql and re.fullmatch(r"evident_bench_screening", DB_NAME)
    subprocess.run([*PG_ADMIN, "-c", sql], check=True, capture_output=True)


def database_exists() -> bool:
    out = subprocess.run(
        [*PG_ADMIN, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip() == "1"


def create_database(env: dict[str, str]) -> None:
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB_NAME}")
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v", "0"], env=env, cwd=SRC, check=True
        )


def drop_database() -> None:
    psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


# ---------------------------------------------------------------------------------------
# Seeding (untimed). Every word below is made up.
# ---------------------------------------------------------------------------------------

_SYLLABLES = [c + v for c in "kmnrstvpdfgbhjz" for v in "aeiou"]


def _vocabulary(rng: random.Random, n: int = 400) -> list[str]:
    return ["".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(n)]


def _text(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choices(words, k=n))


def seed(records: int, duplicates: int, decided: int, full_text: int, ranked: bool) -> dict:
    """Write the review, its members and its records; return what the load phase needs."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from reviews.models import DuplicateCluster, Job, Membership, Record, Role, SearchImport
    from reviews.record_writer import write_records
    from reviews.services import review_create

    rng = random.Random(SEED)
    words = _vocabulary(rng)
    User = get_user_model()
    hashed = make_password(PASSWORD)
    names = [LEAD, *(f"bench-reviewer-{i:02d}" for i in range(1, N_REVIEWERS + 1))]
    User.objects.bulk_create([User(username=n, password=hashed) for n in names])
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    lead = users[LEAD]
    reviewers = [users[n] for n in names[1:]]
    Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users.values()])
    review = review_create(user=lead, data={"title": REVIEW_TITLE})
    Membership.objects.bulk_create(
        [Membership(review=review, user=u, role=Role.REVIEWER, added_by=lead) for u in reviewers]
    )

    shares = [("pubmed", 0.5), ("embase", 0.3), ("central", 0.2)]
    ids: dict[str, list[int]] = {}
    start = 0
    for n, (database, share) in enumerate(shares):
        count = records - start if n == len(shares) - 1 else int(records * share)
        job = Job.objects.create(
            review=review, kind="import", status=Job.Status.SUCCEEDED, created_by=lead
        )
        search_import = SearchImport.objects.create(
            job=job,
            review=review,
            database=database,
            file=f"imports/synthetic-{database}.ris",
            file_name=f"synthetic-{database}.ris",
            file_sha256=f"{n:064d}",
            file_size=count * 2000,
            format="ris",
            encoding="utf-8",
            record_count=count,
            uploaded_by=lead,
        )
        batch = []
        for i in range(1, count + 1):
            number = start + i
            title = (
                f"[SYNTHETIC] Bench record {number:06d}: {_text(rng, words, rng.randint(6, 14))}"
            )
            abstract = "SYNTHETIC ABSTRACT. " + _text(rng, words, rng.randint(150, 220))
            batch.append(
                Record(
                    review=review,
                    search_import=search_import,
                    source_index=i,
                    source_line=i * 12,
                    title=title,
                    abstract=abstract,
                    authors=[
                        f"Bench {rng.choice(words).title()}" for _ in range(rng.randint(1, 6))
                    ],
                    year=rng.randint(1990, 2025),
                    journal=f"Synthetic Journal of {rng.choice(words).title()}",
                    volume=str(rng.randint(1, 80)),
                    pages=f"{rng.randint(1, 900)}-{rng.randint(901, 999)}",
                    doi=f"10.5555/bench.{number:06d}",
                    keywords=rng.choices(words, k=4),
                    raw=f"TY  - JOUR\nTI  - {title}\nAB  - {abstract}\nER  -",
                )
            )
            if len(batch) == 5000:
                write_records(batch)
                batch = []
        if batch:
            write_records(batch)
        ids[database] = list(
            Record.objects.filter(search_import=search_import)
            .order_by("source_index")
            .values_list("pk", flat=True)
        )
        start += count

    # Duplicate groups of two: a PubMed primary and a copy from Embase or CENTRAL.
    primaries = rng.sample(ids["pubmed"], duplicates)
    copies = rng.sample(ids["embase"] + ids["central"], duplicates)
    clusters = DuplicateCluster.objects.bulk_create(
        [
            DuplicateCluster(
                review=review,
                primary_id=p,
                member_ids=sorted([p, c]),
                automatic=True,
                created_by=lead,
            )
            for p, c in zip(primaries, copies, strict=True)
        ],
        batch_size=5000,
    )
    record_ids, cluster_ids = [], []
    for cluster, p, c in zip(clusters, primaries, copies, strict=True):
        record_ids += [p, c]
        cluster_ids += [cluster.pk, cluster.pk]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Record._meta.db_table} AS r SET cluster_id = v.c "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS v(r, c) WHERE r.id = v.r",
            [record_ids, cluster_ids],
        )
    removed = set(copies)
    units = [pk for db, _ in shares for pk in ids[db] if pk not in removed]
    counts = _seed_decisions(rng, review, lead, reviewers, units, decided, full_text)
    if ranked:
        # What the Celery task leaves once records have settled (prioritisation is on by
        # default): a model and a score per unsettled unit, which the next record follows.
        from screening.prioritisation import ranking_refresh

        ranking_refresh(review=review, stage="title_abstract")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"review": review.pk, "units": len(units), **counts}


def _pair_decisions(rng: random.Random, truth: str, disagree: float) -> tuple[str, str, bool]:
    if rng.random() >= disagree:
        return truth, truth, False
    other = "exclude" if truth == "include" else "include"
    second = "maybe" if rng.random() < 0.2 else other
    return (truth, second, True) if rng.random() < 0.5 else (second, truth, True)


def _seed_decisions(rng, review, lead, reviewers, units, decided, full_text) -> dict:
    from screening.models import DEFAULT_EXCLUSION_REASONS, Decision, Resolution

    decisions, resolutions = [], []
    included = []
    conflicts = 0
    for record_id in units[:decided]:
        truth = "include" if rng.random() < INCLUDE_RATE else "exclude"
        pair = rng.sample(reviewers, 2)
        first, second, conflict = _pair_decisions(rng, truth, 0.05)
        for reviewer, choice in zip(pair, (first, second), strict=True):
            decisions.append(
                Decision(
                    review=review,
                    record_id=record_id,
                    stage="title_abstract",
                    reviewer=reviewer,
                    decision=choice,
                )
            )
        if conflict:
            conflicts += 1
            # Leads have worked through the older third of the conflicts.
            if conflicts % 3 == 1:
                final = "include" if rng.random() < 0.5 else "exclude"
                resolutions.append(
                    Resolution(
                        review=review,
                        record_id=record_id,
                        stage="title_abstract",
                        decision=final,
                        resolved_by=lead,
                    )
                )
                if final == "include":
                    included.append(record_id)
        elif truth == "include":
            included.append(record_id)
    ft_conflicts = 0
    for record_id in included[:full_text]:
        truth = "include" if rng.random() < 0.35 else "exclude"
        pair = rng.sample(reviewers, 2)
        first, second, conflict = _pair_decisions(rng, truth, 0.08)
        reason = rng.choice(DEFAULT_EXCLUSION_REASONS)
        for reviewer, choice in zip(pair, (first, second), strict=True):
            decisions.append(
                Decision(
                    review=review,
                    record_id=record_id,
                    stage="full_text",
                    reviewer=reviewer,
                    decision=choice,
                    reason=reason if choice == "exclude" else "",
                )
            )
        if conflict:
            ft_conflicts += 1
            if ft_conflicts % 2 == 1:
                final = "include" if rng.random() < 0.5 else "exclude"
                resolutions.append(
                    Resolution(
                        review=review,
                        record_id=record_id,
                        stage="full_text",
                        decision=final,
                        reason=reason if final == "exclude" else "",
                        resolved_by=lead,
                    )
                )
    Decision.objects.bulk_create(decisions, batch_size=5000)
    Resolution.objects.bulk_create(resolutions, batch_size=5000)
    # The seeded decisions bypass the services, which keep the tallies: count them in.
    from screening.tallies import tallies_rebuild

    tallies_rebuild(review)
    return {"seeded_decisions": len(decisions), "seeded_resolutions": len(resolutions)}


@dataclass
class Setup:
    review: int
    tokens: dict[str, str]  # username -> token key


def load_setup() -> Setup:
    from rest_framework.authtoken.models import Token

    from reviews.models import Review

    review = Review.objects.get(title=REVIEW_TITLE)
    tokens = dict(
        Token.objects.filter(user__username__startswith="bench-").values_list(
            "user__username", "key"
        )
    )
    return Setup(review=review.pk, tokens=tokens)


def state_counts(review_id: int) -> dict[str, int]:
    """What the review holds now (counted with the app's own selectors)."""
    from reviews.models import Record, Review
    from screening import selectors
    from screening.models import Decision, Priority, Resolution

    review = Review.objects.get(pk=review_id)
    out = {
        "records": Record.objects.filter(review=review).count(),
        "screening units": selectors.screening_units(review, "title_abstract").count(),
    }
    for stage, label in (("title_abstract", "T/A"), ("full_text", "full-text")):
        out[f"{label} decisions"] = Decision.objects.filter(review=review, stage=stage).count()
        out[f"{label} resolutions"] = Resolution.objects.filter(review=review, stage=stage).count()
        out[f"{label} open conflicts"] = selectors.conflicts(review, stage).count()
    out["T/A units with a relevance score"] = Priority.objects.filter(
        review=review, stage="title_abstract"
    ).count()
    return out


# ---------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------

_DUR = re.compile(r"dur=([0-9.]+)")


@dataclass
class Reply:
    status: int
    body: bytes
    client_ms: float
    server_ms: float | None
    cookies: dict[str, str]


class Client:
    """One keep-alive connection; reconnects once when the server closed it between requests
    (gunicorn's sync workers close after every response, gthread after ``--keep-alive``)."""

    def __init__(self, port: int, headers: dict[str, str] | None = None):
        self.port = port
        self.headers = headers or {}
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.reconnects = 0

    def request(self, method: str, path: str, body: bytes | None = None, **headers) -> Reply:
        sent = {**self.headers, **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, http.client.CannotSendRequest):
                self.conn.close()
                if attempt == 2:
                    raise
                self.reconnects += 1
                continue
            client_ms = (time.perf_counter() - start) * 1000
            timing = _DUR.search(response.getheader("Server-Timing") or "")
            jar = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            self.cookies.update({k: m.value for k, m in jar.items()})
            return Reply(
                response.status,
                data,
                client_ms,
                float(timing.group(1)) if timing else None,
                {k: m.value for k, m in jar.items()},
            )
        raise AssertionError("unreachable")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], spec: str, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        *GUNICORN_BASE,
        *shlex.split(spec),
    ]
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, cwd=SRC, stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); see {log}")
        try:
            if Client(port).request("GET", "/accounts/login/").status == 200:
                return process, port
        except OSError:
            pass
        time.sleep(0.3)
    stop_gunicorn(process)
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log}")


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    """One Celery worker process (``--celery``), as a small deployment would run beside gunicorn."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker"]
    command += ["--loglevel=WARNING", "--concurrency=1"]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, cwd=SRC, stdout=out, stderr=out)


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------------------


def truth(record_id: int) -> str:
    # A fixed per-record answer, the same for every reviewer, from a multiplicative hash.
    return "include" if (record_id * 2654435761) % 1000 < INCLUDE_RATE * 1000 else "exclude"


def choose(rng: random.Random, record_id: int) -> str:
    answer = truth(record_id)
    if rng.random() >= DEVIATION:
        return answer
    if rng.random() < 0.2:
        return "maybe"
    return "exclude" if answer == "include" else "include"


@dataclass
class Samples:
    next_server: list[float] = field(default_factory=list)
    next_client: list[float] = field(default_factory=list)
    decision_server: list[float] = field(default_factory=list)
    decision_client: list[float] = field(default_factory=list)
    trip_server: list[float] = field(default_factory=list)
    trip_client: list[float] = field(default_factory=list)
    accepted_trip_server: list[float] = field(default_factory=list)
    accepted_trip_client: list[float] = field(default_factory=list)
    accepted: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    exhausted: int = 0
    reconnects: int = 0
    seconds: float = 0.0

    def merge(self, other: Samples) -> None:
        for name in (
            "next_server",
            "next_client",
            "decision_server",
            "decision_client",
            "trip_server",
            "trip_client",
            "accepted_trip_server",
            "accepted_trip_client",
            "errors",
        ):
            getattr(self, name).extend(getattr(other, name))
        self.accepted += other.accepted
        self.rejected += other.rejected
        self.exhausted += other.exhausted
        self.reconnects += other.reconnects


def reviewer_loop(
    port: int,
    review: int,
    token: str,
    index: int,
    warmup: int,
    rounds: int,
    barrier: threading.Barrier,
    out: Samples,
    think: float = 0.0,
) -> None:
    rng = random.Random(SEED + index)
    client = Client(port, {"Authorization": f"Token {token}", "Accept": "application/json"})
    base = f"/api/v1/reviews/{review}/screening/title_abstract"
    passed = False
    try:
        for n in range(warmup + rounds):
            if n == warmup:
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait()
                passed = True
            got = client.request("GET", f"{base}/next/")
            if got.status == 204:
                out.exhausted += 1
                break
            if got.status != 200:
                out.errors.append(f"next {got.status}: {got.body[:200]!r}")
                continue
            record_id = json.loads(got.body)["id"]
            if think:
                # Reading the record: a reviewer's seconds, scaled down by --think.
                time.sleep(rng.uniform(0.5, 1.5) * think)
            body = json.dumps({"record": record_id, "decision": choose(rng, record_id)}).encode()
            sent = client.request(
                "POST", f"{base}/decisions/", body, **{"Content-Type": "application/json"}
            )
            if n < warmup:
                continue
            trip_server = (got.server_ms or 0.0) + (sent.server_ms or 0.0)
            trip_client = got.client_ms + sent.client_ms
            if sent.status == 200:
                out.accepted += 1
                out.accepted_trip_server.append(trip_server)
                out.accepted_trip_client.append(trip_client)
            elif sent.status == 400:
                out.rejected += 1
            else:
                out.errors.append(f"decision {sent.status}: {sent.body[:200]!r}")
            out.next_server.append(got.server_ms or 0.0)
            out.next_client.append(got.client_ms)
            out.decision_server.append(sent.server_ms or 0.0)
            out.decision_client.append(sent.client_ms)
            out.trip_server.append(trip_server)
            out.trip_client.append(trip_client)
    except Exception as exc:  # report it with the results rather than lose the thread
        out.errors.append(f"reviewer {index}: {exc!r}")
    finally:
        out.reconnects = client.reconnects
        if not passed:  # stopped before the measured rounds: do not keep the others waiting
            barrier.abort()


_RECORD = re.compile(rb'name="record" value="(\d+)"')


def page_loop(
    port: int,
    review: int,
    username: str,
    index: int,
    warmup: int,
    rounds: int,
    barrier: threading.Barrier,
    out: Samples,
    think: float = 0.0,
) -> None:
    """A reviewer in the browser (``--via page``): logged in through the form, each round is
    one htmx POST to the screening page's decide URL, which records the decision and answers
    with the next record (and the one after it, prefetched). The round trip is that request."""
    rng = random.Random(SEED + index)
    passed = False
    client = login(port, username)
    base = f"/reviews/{review}/screening/title_abstract/"
    try:
        page = client.request("GET", base).body
        for n in range(warmup + rounds):
            if n == warmup:
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait()
                passed = True
            # The decision form's record; the "undo last" form further down names another.
            shown = _RECORD.search(page.split(b'class="screen-nav"')[0])
            if shown is None:
                out.exhausted += 1
                break
            record_id = int(shown.group(1))
            if think:
                time.sleep(rng.uniform(0.5, 1.5) * think)
            form = {
                "record": record_id,
                "decision": choose(rng, record_id),
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
            }
            sent = client.request(
                "POST",
                base + "decide/",
                urlencode(form).encode(),
                **{
                    "Content-Type": "application/x-www-form-urlencoded",
                    "HX-Request": "true",
                    "X-CSRFToken": client.cookies["csrftoken"],
                },
            )
            page = sent.body
            refused = sent.status == 200 and b'class="error"' in sent.body
            if refused:
                # The record filled up meanwhile: the page shows the message; a reviewer
                # moves on to the next record (not timed).
                page = client.request("GET", base).body
            if n < warmup:
                continue
            if sent.status != 200:
                out.errors.append(f"decide {sent.status}: {sent.body[:200]!r}")
                continue
            if refused:
                out.rejected += 1
            else:
                out.accepted += 1
                out.accepted_trip_server.append(sent.server_ms or 0.0)
                out.accepted_trip_client.append(sent.client_ms)
            out.trip_server.append(sent.server_ms or 0.0)
            out.trip_client.append(sent.client_ms)
    except Exception as exc:  # report it with the results rather than lose the thread
        out.errors.append(f"reviewer {index}: {exc!r}")
    finally:
        out.reconnects = client.reconnects
        if not passed:
            barrier.abort()


def run_load(
    port: int, setup: Setup, warmup: int, rounds: int, think: float = 0.0, via: str = "api"
) -> Samples:
    names = [f"bench-reviewer-{i:02d}" for i in range(1, N_REVIEWERS + 1)]
    started = {}
    barrier = threading.Barrier(
        N_REVIEWERS, action=lambda: started.setdefault("t", time.perf_counter())
    )
    per_thread = [Samples() for _ in names]
    threads = [
        threading.Thread(
            target=reviewer_loop if via == "api" else page_loop,
            args=(
                port,
                setup.review,
                setup.tokens[name] if via == "api" else name,
                i,
                warmup,
                rounds,
                barrier,
                per_thread[i],
                think,
            ),
        )
        for i, name in enumerate(names)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = Samples()
    for s in per_thread:
        total.merge(s)
    total.seconds = time.perf_counter() - started.get("t", time.perf_counter())
    return total


def login(port: int, username: str = LEAD) -> Client:
    """Logs in through the login form, CSRF token and all, like a browser."""
    client = Client(port)
    page = client.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.decode()}
    done = client.request(
        "POST",
        "/accounts/login/",
        urlencode(form).encode(),
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    if done.status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"logging in failed: {done.status} {done.body[:300]!r}")
    return client


def time_reads(port: int, setup: Setup, n: int) -> dict[str, dict]:
    api = Client(port, {"Authorization": f"Token {setup.tokens[LEAD]}"})
    web = login(port)
    targets = {
        "conflicts page (HTML)": (
            web,
            f"/reviews/{setup.review}/screening/title_abstract/conflicts/",
        ),
        "conflicts API, first page": (
            api,
            f"/api/v1/reviews/{setup.review}/screening/title_abstract/conflicts/",
        ),
        "PRISMA counts (JSON)": (api, f"/api/v1/reviews/{setup.review}/prisma/"),
    }
    out = {}
    for label, (client, path) in targets.items():
        server, wall, size = [], [], 0
        for i in range(n + 2):
            got = client.request("GET", path)
            if got.status != 200:
                raise SystemExit(f"{path}: {got.status} {got.body[:300]!r}")
            if i >= 2:  # two warm-up requests
                server.append(got.server_ms or 0.0)
                wall.append(got.client_ms)
                size = len(got.body)
        out[label] = {"server": server, "client": wall, "bytes": size, "path": path}
    return out


# ---------------------------------------------------------------------------------------
# Profiling (--explain)
# ---------------------------------------------------------------------------------------


def explain(setup: Setup) -> str:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()
    reviewer = User.objects.get(username="bench-reviewer-01")
    lead = User.objects.get(username=LEAD)
    base = f"/api/v1/reviews/{setup.review}/screening/title_abstract"
    api = DjangoClient(
        HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {setup.tokens[reviewer.username]}"
    )
    lead_api = DjangoClient(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {setup.tokens[LEAD]}")
    web = DjangoClient(HTTP_HOST="127.0.0.1")
    web.force_login(lead)

    def next_id() -> int:
        return json.loads(api.get(f"{base}/next/").content)["id"]

    def decide(record_id: int):
        body = json.dumps({"record": record_id, "decision": "exclude"})
        return api.post(f"{base}/decisions/", body, content_type="application/json")

    # label -> (untimed preparation, the request profiled given what it returned)
    endpoints = {
        "GET next": (lambda: None, lambda _: api.get(f"{base}/next/")),
        "POST decision": (next_id, decide),
        "conflicts page (HTML)": (
            lambda: None,
            lambda _: web.get(f"/reviews/{setup.review}/screening/title_abstract/conflicts/"),
        ),
        "conflicts API, first page": (lambda: None, lambda _: lead_api.get(f"{base}/conflicts/")),
        "PRISMA counts (JSON)": (
            lambda: None,
            lambda _: lead_api.get(f"/api/v1/reviews/{setup.review}/prisma/"),
        ),
    }
    report, summary = [], []
    for label, (prepare, call) in endpoints.items():
        with transaction.atomic():  # every write rolled back
            call(prepare())  # warm
            transaction.set_rollback(True)
        with transaction.atomic():
            given = prepare()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = call(given)
                total = (time.perf_counter() - started) * 1000
            queries = list(captured.captured_queries)
            transaction.set_rollback(True)
        sql_ms = sum(float(q["time"]) * 1000 for q in queries)
        report.append(
            f"\n## {label}: {response.status_code}, {total:.1f} ms in Django, "
            f"{len(queries)} queries, {sql_ms:.1f} ms in SQL\n"
        )
        for q in queries:
            report.append(f"  {float(q['time']) * 1000:9.1f} ms  {q['sql'][:160]}")
        slow = [
            (n, q)
            for n, q in enumerate(queries, start=1)
            if q["sql"].lstrip().upper().startswith("SELECT") and float(q["time"]) >= 0.02
        ]
        for n, q in slow:
            plan, run_ms, jit_ms = _analyse(connection, q["sql"], jit=True)
            _, no_jit_ms, _ = _analyse(connection, q["sql"], jit=False)
            line = (
                f"{label}, query {n}: {float(q['time']) * 1000:.0f} ms in the request; EXPLAIN "
                f"ANALYZE {run_ms:.0f} ms (JIT {jit_ms:.0f} ms), with jit = off {no_jit_ms:.0f} ms"
            )
            summary.append(line)
            report.append(f"\n  {line}\n\n    {q['sql']}\n")
            report.append("\n".join("    " + row for row in plan))
    return "\n".join(["# Slow queries (>= 20 ms)", *summary, *report])


def _analyse(connection, sql: str, *, jit: bool) -> tuple[list[str], float, float]:
    """EXPLAIN (ANALYZE, BUFFERS) in a rolled-back transaction: the plan's lines, its
    execution time and the part of it PostgreSQL spent compiling JIT code (ms)."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL jit = {'on' if jit else 'off'}")
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    text = "\n".join(plan)
    run = re.search(r"Execution Time: ([0-9.]+) ms", text)
    compiled = re.search(r"Timing: .*Total ([0-9.]+) ms", text)
    return plan, float(run.group(1)) if run else 0.0, float(compiled.group(1)) if compiled else 0.0


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def pct(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def ms(value: float) -> str:
    return "-" if value != value else f"{value:.1f}"


def table(spec: str, load: Samples, reads: dict[str, dict], rounds: int) -> str:
    head = (
        "| measure | n | server p50 | server p95 | server p99 | client p50 | client p95 "
        "| client p99 | goal | met |\n|---|---:|---:|---:|---:|---:|---:|---:|---|:---:|"
    )
    rows = [head]

    def row(label, server, client, goal="", met=""):
        cells = [ms(pct(server, 50)), ms(pct(server, 95)), ms(pct(server, 99))]
        cells += [ms(pct(client, 50)), ms(pct(client, 95)), ms(pct(client, 99))]
        rows.append(f"| {label} | {len(server):,} | {' | '.join(cells)} | {goal} | {met} |")

    if load.next_server:  # the API's two requests (--via api)
        row("GET next", load.next_server, load.next_client)
        row("POST decision", load.decision_server, load.decision_client)
    trip = pct(load.trip_server, 95)
    row(
        "**next + decision round trip**"
        if load.next_server
        else "**htmx decide: decision + next record (+ the one after), one request**",
        load.trip_server,
        load.trip_client,
        f"server p95 ≤ {GOAL_ROUND_TRIP_MS} ms",
        "yes" if trip <= GOAL_ROUND_TRIP_MS else "**no**",
    )
    row("round trip, accepted decisions only", load.accepted_trip_server, load.accepted_trip_client)
    for label, r in reads.items():
        p95 = pct(r["server"], 95)
        row(
            f"{label}, {r['bytes'] / 1024:,.0f} KiB",
            r["server"],
            r["client"],
            f"server p95 ≤ {GOAL_READ_MS} ms",
            "yes" if p95 <= GOAL_READ_MS else "**no**",
        )
    rate = load.accepted / load.seconds if load.seconds else 0.0
    rows.append("")
    rows.append(
        f"Gunicorn `{spec}` (+ `{' '.join(GUNICORN_BASE)}`). Load: {N_REVIEWERS} reviewers × "
        f"{rounds} measured rounds in {load.seconds:.1f} s: **{rate:.1f} decisions/s** accepted "
        f"({load.accepted:,} accepted; {load.rejected:,} rejected with 400 because two other "
        f"reviewers settled the record between next and decision; {len(load.errors)} other "
        f"errors; {load.exhausted} reviewers ran out of records; {load.reconnects} reconnects)."
    )
    return "\n".join(rows)


def machine() -> str:
    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
        memory = free.splitlines()[1].split()[1]
    except (OSError, IndexError):
        memory = "?"
    pg = subprocess.run(
        [*PG_ADMIN, "-tAc", "SHOW server_version"], capture_output=True, text=True
    ).stdout.strip()
    return (
        f"{os.cpu_count()} shared cores (nproc), {memory} RAM, {platform.machine()}, "
        f"CPython {platform.python_version()}, PostgreSQL {pg} (stock settings)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--duplicates", type=int, default=5_000, help="duplicate groups of two")
    parser.add_argument("--decided", type=int, default=30_000, help="units decided beforehand")
    parser.add_argument("--full-text", type=int, default=1_500, help="decided at full text")
    parser.add_argument("--rounds", type=int, default=100, help="measured rounds per reviewer")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up rounds per reviewer")
    parser.add_argument("--reads", type=int, default=30, help="timed requests per read page")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds a reviewer reads each record (0.5-1.5 times this; 0: no pause at all)",
    )
    parser.add_argument(
        "--gunicorn", action="append", help="gunicorn options of one configuration (repeatable)"
    )
    parser.add_argument(
        "--celery", action="store_true", help="run one Celery worker during the load"
    )
    parser.add_argument(
        "--no-ranking", action="store_true", help="seed no relevance model (import order)"
    )
    parser.add_argument(
        "--via",
        choices=["api", "page"],
        default="api",
        help="api: GET next + POST decision with a token; page: the browser's htmx decide",
    )
    parser.add_argument("--keep", action="store_true", help=f"keep the {DB_NAME} database")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    parser.add_argument("--explain", action="store_true", help="profile the endpoints' SQL")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args()
    specs = args.gunicorn or DEFAULT_GUNICORN

    WORK.mkdir(parents=True, exist_ok=True)
    # One run at a time: a second one would drop the first one's database under it.
    lock = (WORK / "run.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(
            f"Another bench_screening.py run is using {DB_NAME}; wait for it."
        ) from None
    if args.reuse and (WORK / "code.txt").exists() and SRC.is_dir():
        code = (WORK / "code.txt").read_text()  # the copy the kept database was made with
    else:
        code = snapshot()
        (WORK / "code.txt").write_text(code)
    print(f"code: {code}", file=sys.stderr)
    # Run from the copy: Celery's Django fix-up also puts the working directory on sys.path.
    os.chdir(SRC)
    sys.path.insert(0, str(SRC))
    env = bench_env()
    os.environ.clear()
    os.environ.update(env)
    if args.reuse:
        if not database_exists():
            raise SystemExit(f"--reuse: there is no {DB_NAME} database; run once with --keep.")
    else:
        started = time.perf_counter()
        create_database(env)
    import django

    django.setup()
    if not args.reuse:
        seeded = seed(
            args.records, args.duplicates, args.decided, args.full_text, not args.no_ranking
        )
        print(f"seeded in {time.perf_counter() - started:.0f} s: {seeded}", file=sys.stderr)
    setup = load_setup()
    before = state_counts(setup.review)
    print(f"state before: {before}", file=sys.stderr)

    sections = []
    worker = None
    if args.celery:
        # Tasks queued by an earlier run without a worker are stale: start from an empty queue.
        shutil.rmtree(WORK / "celery-broker", ignore_errors=True)
        (WORK / "celery-broker" / "control").mkdir(parents=True)
        worker = start_worker(env, WORK / "celery.log")
    for n, spec in enumerate(specs):
        if args.rounds == 0:
            break
        log = WORK / f"gunicorn-{n}.log"
        log.unlink(missing_ok=True)
        process, port = start_gunicorn(env, spec, log)
        try:
            print(f"[{spec}] load on port {port} …", file=sys.stderr)
            load = run_load(port, setup, args.warmup, args.rounds, args.think, args.via)
            print(f"[{spec}] load done in {load.seconds:.0f} s; reads …", file=sys.stderr)
            reads = time_reads(port, setup, args.reads)
        finally:
            stop_gunicorn(process)
        for error in load.errors[:5]:
            print(f"  error: {error}", file=sys.stderr)
        state = state_counts(setup.review)
        body = table(spec, load, reads, args.rounds)
        state_line = "State after this configuration: " + ", ".join(
            f"{k} {v:,}" for k, v in state.items()
        )
        sections.append(f"**Gunicorn `{spec}`**\n\n{body}\n\n{state_line}.\n")
        print(sections[-1])

    if worker is not None:
        stop_gunicorn(worker)  # the same polite SIGTERM, then SIGKILL after 30 s
    if args.explain:
        path = WORK / "explain.txt"
        path.write_text(explain(setup), encoding="utf-8")
        print(f"query profile written to {path}", file=sys.stderr)

    if sections and not args.no_write:
        command = "python bench/bench_screening.py" + "".join(
            f" {shlex.quote(a)}" for a in sys.argv[1:] if a != "--no-write"
        )
        write_section(SECTION, section(command, code, before, sections, args))
    if not args.keep:
        from django.db import connections

        connections.close_all()
        drop_database()
        (WORK / "code.txt").unlink(missing_ok=True)
        for name in ("src", "static", "cache", "celery-broker", "media"):
            shutil.rmtree(WORK / name, ignore_errors=True)


def section(command: str, code: str, before: dict[str, int], sections: list[str], args) -> str:
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    state = ", ".join(f"{k} {v:,}" for k, v in before.items())
    worker_note = (
        "One Celery worker (`--concurrency=1`) ran beside gunicorn."
        if args.celery
        else "No Celery worker ran (tasks that decisions queue were not executed)."
    )
    ranking_note = (
        "No relevance model was seeded: the next record came in import order."
        if args.no_ranking
        else "Before the load, the title/abstract relevance model was trained on the settled "
        "records (prioritisation is on by default), so the next record followed its scores."
    )
    trip = (
        "one reviewer's GET next plus POST decision through the API (token)"
        if args.via == "api"
        else "one htmx POST to the screening page's decide URL (session login), which records "
        "the decision and answers with the next record and the one after it"
    )
    pause = (
        f"read each record for {args.think * 0.5:g}-{args.think * 1.5:g} s before deciding"
        if args.think
        else "never pause between records (the worst case)"
    )
    return f"""{SECTION}

Run: `{command}` (method and every setting in the script's docstring).

Recorded {when} with {code}, on the shared development machine: {machine()}.
Other work was running on the same two cores, so the numbers are noisy; the benchmark's own 20
client threads, gunicorn and PostgreSQL also share them. {worker_note}

Data: a **synthetic** review of {args.records:,} records in three completed imports with
{args.duplicates:,} duplicate groups of two; 1 lead and {N_REVIEWERS} reviewers; stage defaults
(2 reviewers per record, blinded). Seeded mid-review state: the first {args.decided:,} screening
units decided at title/abstract (~5 % disagreeing, a third of those conflicts resolved) and
{args.full_text:,} title/abstract includes decided at full text. {ranking_note} At the start:
{state}.

Server: the `Server-Timing: app;dur=` header (time inside Django, middleware included). Client:
wall time in the benchmark's thread (adds gunicorn, the socket and waiting for a CPU). A round
trip is {trip}. Reviewers {pause}. Conflicts page and PRISMA: {args.reads}
requests each after 2 warm-up ones, with no load running. Goals (issue #5): round trip p95 ≤
{GOAL_ROUND_TRIP_MS} ms server-side; conflicts page and PRISMA ≤ {GOAL_READ_MS} ms (judged here
on server p95). Configurations run one after the other on the same database, so each later one
starts with the decisions of the earlier ones in place.

{chr(10).join(sections)}"""


if __name__ == "__main__":
    main()
