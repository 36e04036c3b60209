"""A worker killed in the middle of a job (SIGKILL to its process group, as a crash or the
OOM killer would) never leaves the job "running" forever or its data half-written: when a
worker starts again, the sweeper runs the job again or fails it with a message.

Real worker processes, the real broker and the test database (SQLite and the filesystem
broker on the embedded default; PostgreSQL and Redis in CI's second pass)."""

import random
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.deduplication import dedup_start
from reviews.imports import import_file, import_stage, import_start
from reviews.models import DuplicateCluster, Job, Record

# The workers mark their jobs alive every second and take a job with no sign of life for
# four seconds as lost, so the test need not wait the production minute.
FAST_SWEEP = {"JOB_HEARTBEAT_SECONDS": "1", "JOB_DEAD_AFTER_SECONDS": "4"}
WORDS = "scar acne laser fat graft cell therapy split face trial dermal filler volume".split()  # noqa: SIM905


def synthetic_ris(records: int, seed: int) -> bytes:
    """A large RIS file of made-up records (synthetic titles, test DOIs)."""
    rng = random.Random(seed)
    lines = []
    for n in range(records):
        title = " ".join(rng.choice(WORDS) for _ in range(12))
        lines += [
            "TY  - JOUR",
            f"TI  - Synthetic record {seed}-{n}: {title}",
            f"AU  - Author{n % 97}, A.",
            f"PY  - {2000 + n % 24}",
            f"DO  - 10.5555/synthetic.{seed}.{n}",
            "ER  - ",
        ]
    return ("\n".join(lines) + "\n").encode()


def wait_for(job: Job, status: str, seconds: float = 120) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == status:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job #{job.pk} is {job.status}, not {status}, after {seconds} s")


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_mid_way_is_imported_again_exactly_once(workers, review, lead):
    records = 40_000
    staged = import_stage(
        user=lead,
        review=review,
        upload=SimpleUploadedFile("big.ris", synthetic_ris(records, seed=1)),
        database="other",
    )
    first = workers.start(**FAST_SWEEP)
    job = import_start(user=lead, search_import=staged)  # sent when it commits: at once here

    wait_for(job, Job.Status.RUNNING)
    time.sleep(0.5)  # well into reading the file
    workers.kill(first)

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING  # what nobody would ever fix without the sweeper
    assert not Record.objects.filter(review=review).exists()  # the transaction died with it

    time.sleep(5)  # longer than JOB_DEAD_AFTER_SECONDS without a heartbeat
    workers.start(**FAST_SWEEP)  # sweeps when it starts: the import is queued again
    job = wait_for(job, Job.Status.SUCCEEDED, seconds=300)
    assert job.attempts == 2
    assert Record.objects.filter(review=review).count() == records
    assert Record.objects.filter(review=review).values("source_index").distinct().count() == records


@pytest.mark.django_db(transaction=True)
def test_a_dedup_run_killed_mid_way_fails_with_a_message_and_writes_nothing(workers, review, lead):
    for seed in (2, 3):  # two imports, so the run has groups to merge: the same DOIs twice
        import_file(
            user=lead,
            review=review,
            upload=SimpleUploadedFile(f"part{seed}.ris", synthetic_ris(20_000, seed=2)),
            database="other",
            confirm_duplicate=True,
        )
    Job.objects.filter(kind="dedup").delete()  # runs the imports queued; not this test's
    first = workers.start(**FAST_SWEEP)
    run = dedup_start(review=review, user=lead)
    job = wait_for(run.job, Job.Status.RUNNING)
    time.sleep(0.5)
    workers.kill(first)

    time.sleep(5)
    # A dedup run can be run again safely too; with one attempt allowed, the sweeper fails
    # it instead, which shows the other path on a real worker.
    workers.start(JOB_MAX_ATTEMPTS="1", **FAST_SWEEP)
    job = wait_for(job, Job.Status.FAILED, seconds=60)
    assert job.message.startswith("The worker running this job stopped before it finished")
    assert not DuplicateCluster.objects.filter(review=review).exists()
    run.refresh_from_db()
    assert run.counts == {}
