"""Background jobs: one model (`Job`), one way to start, run and recover every kind of work.

An app registers each kind of work it does in the background once (in its
`AppConfig.ready()`): a handler that takes the `Job` and returns its result, the kind's time
limit, and whether it is safe to run again after its worker died. Every kind then shares:

- `job_start`: a queued `Job` row, sent to the workers when the transaction commits;
- `job_execute`: claimed once by a conditional update (a redelivered message does nothing),
  a heartbeat while it runs, progress, and the outcome in plain words;
- `jobs_sweep`: jobs whose worker died (no heartbeat) are queued again if repeatable, or
  failed with a message; a queued job whose message was lost is sent again.

One Celery task (`reviews.tasks.run_job`) runs every kind, so the sweeper can send any job
again without knowing what it does, and kinds need no task of their own.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from reviews.models import Job, Review

logger = logging.getLogger(__name__)

RUN_JOB_TASK = "reviews.tasks.run_job"
# The runner's own messages are stored in English (a worker has no reader) and translated
# when a page shows them: reviews/templatetags/job_text.py.
INTERNAL_ERROR = gettext_noop(
    "An internal error stopped this job; the administrators have the details."
)
REQUEUED = gettext_noop("Its worker stopped before it finished; queued again.")
WORKER_DIED = gettext_noop(
    "The worker running this job stopped before it finished (it may have run out of memory "
    "or been restarted), so nothing of it was saved. Start it again."
)
TIME_LIMIT = gettext_noop(
    "This job was stopped after its time limit of %(minutes)s minutes; nothing of it was saved."
)
DONE = gettext_noop("Done.")


@dataclass(frozen=True)
class JobKind:
    """One kind of background work.

    ``repeatable``: the handler's writes are all-or-nothing and it checks what is already
    done, so running it again after a worker died mid-way cannot write anything twice.
    """

    name: str
    label: str
    handler: Callable[[Job], dict[str, Any]]
    time_limit: int
    repeatable: bool = True
    queue: str | None = None


_KINDS: dict[str, JobKind] = {}


def job_kind_register(kind: JobKind) -> None:
    """Called from an app's `ready()`; registering the same name twice replaces it."""
    _KINDS[kind.name] = kind


def job_kind(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"No job kind “{name}” is registered.") from None


def job_create(
    *,
    kind: str,
    review: Review | None,
    user: User | None,
    params: dict[str, Any] | None = None,
) -> Job:
    job_kind(kind)  # an unknown kind fails here, not later in a worker
    return Job.objects.create(review=review, kind=kind, params=params or {}, created_by=user)


def job_enqueue(job: Job) -> None:
    """Send the job to the workers once the current transaction commits."""
    transaction.on_commit(lambda: job_send(job))


def job_start(
    *,
    kind: str,
    review: Review | None,
    user: User | None,
    params: dict[str, Any] | None = None,
) -> Job:
    """Queue a job for a worker."""
    with transaction.atomic():
        job = job_create(kind=kind, review=review, user=user, params=params)
        job_enqueue(job)
    return job


def _celery_app() -> Any:
    """The project's Celery app with its settings (eager in tests, the broker otherwise),
    loaded on first use rather than while every command starts (config/__init__.py)."""
    from config.celery import app

    return app


def job_send(job: Job) -> None:
    """Send the job to the workers now (its row must be committed for a real worker to see
    it); `job_enqueue` waits for the transaction instead."""
    kind = job_kind(job.kind)
    options: dict[str, Any] = {
        "time_limit": kind.time_limit,
        # A little before the hard limit, so the handler's transaction is rolled back and
        # the job is failed with a message rather than its process killed.
        "soft_time_limit": max(kind.time_limit - 30, 1),
    }
    if kind.queue:
        options["queue"] = kind.queue
    # Looked up by name: this module is imported by the task module.
    _celery_app().tasks[RUN_JOB_TASK].apply_async(args=(job.pk,), **options)


def job_progress(job_id: int, percent: int) -> None:
    """Report progress of a running job; pages read it through `Job.current_progress`.

    Through the cache, not the database: a long job holds one transaction open, and what it
    writes there is invisible to the pages until it commits."""
    cache.set(Job.progress_key(job_id), max(0, min(100, int(percent))), timeout=24 * 3600)


def _heartbeat_key(job_id: int) -> str:
    return f"job-heartbeat-{job_id}"


class _Heartbeat:
    """Marks a job alive in the cache every JOB_HEARTBEAT_SECONDS while its handler runs, from
    a thread of the worker process: when the process dies, the beats stop."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat")
        self.thread.daemon = True

    def _beat_once(self) -> None:
        try:
            cache.set(_heartbeat_key(self.job_id), time.time(), timeout=24 * 3600)
        except Exception:  # a cache hiccup must not stop the job; the next beat retries
            logger.warning("Job %s: heartbeat not written", self.job_id, exc_info=True)

    def _beat(self) -> None:
        while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
            self._beat_once()

    def __enter__(self) -> _Heartbeat:
        self._beat_once()  # alive from the moment it is claimed
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()
        cache.delete(_heartbeat_key(self.job_id))


def _claim(job_id: int) -> int | None:
    """Move a queued job to running; its attempt number, or None if it was not queued."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        worker=f"{socket.gethostname()}:{os.getpid()}"[:200],
    )
    if claimed != 1:
        return None
    return Job.objects.values_list("attempts", flat=True).get(pk=job_id)


def _finish(job_id: int, attempt: int, **fields: Any) -> None:
    # Only the attempt that holds the job records its outcome: after a sweep re-queued it,
    # a late finish of the earlier attempt must not overwrite the new one.
    Job.objects.filter(pk=job_id, attempts=attempt, status=Job.Status.RUNNING).update(
        finished_at=timezone.now(), **fields
    )


def job_execute(job_id: int, *, reraise: bool = False) -> Job | None:
    """Claim the job, run its handler, record the outcome. Safe to call twice for one job.

    Bad input (a ValidationError, already worded for users) fails the job with its message;
    a bug fails it with a generic message and is raised to the worker's log. ``reraise``
    (for work run in the caller's process) raises the ValidationError too.
    Returns the job as it ended, or None when it was not queued.
    """
    attempt = _claim(job_id)
    if attempt is None:
        return None
    job = Job.objects.select_related("review", "created_by").get(pk=job_id)
    kind = job_kind(job.kind)
    try:
        with _Heartbeat(job_id):
            result = kind.handler(job)
    except ValidationError as exc:
        _finish(job_id, attempt, status=Job.Status.FAILED, message=" ".join(exc.messages))
        if reraise:
            raise
    except SoftTimeLimitExceeded:
        minutes = kind.time_limit / 60
        _finish(
            job_id,
            attempt,
            status=Job.Status.FAILED,
            message=TIME_LIMIT % {"minutes": f"{minutes:g}"},
        )
    except Exception:
        # The details (which may name tables or values) go to the worker's log, not the page.
        _finish(job_id, attempt, status=Job.Status.FAILED, message=INTERNAL_ERROR)
        raise
    else:
        _finish(
            job_id,
            attempt,
            status=Job.Status.SUCCEEDED,
            progress=100,
            message=DONE,
            result=result,
        )
    job.refresh_from_db()
    return job


def job_run_here(
    *,
    kind: str,
    review: Review | None,
    user: User | None,
    params: dict[str, Any] | None = None,
) -> Job:
    """Run a job in this process (the command line, small uploads): the same job row and
    claim as a worker's, so pages and the API see it like any other. Raises the
    ValidationError of bad input."""
    job = job_create(kind=kind, review=review, user=user, params=params)
    finished = job_execute(job.pk, reraise=True)
    assert finished is not None  # created queued just above, so this call claimed it
    return finished


def _worker_died(job: Job, now: float) -> bool:
    beat = cache.get(_heartbeat_key(job.pk))
    assert job.started_at is not None  # the sweep reads only running jobs that have started
    last_sign = beat if beat is not None else job.started_at.timestamp()
    return now - last_sign > settings.JOB_DEAD_AFTER_SECONDS


def jobs_sweep() -> dict[str, int]:
    """Recover jobs whose worker died: run again (repeatable kinds, up to JOB_MAX_ATTEMPTS)
    or fail with a message. Send again queued jobs nobody has claimed for a long time (a
    broker that keeps nothing on disk loses its messages when it restarts); the claim makes
    a second message harmless. Called on a schedule (Celery beat) and when a worker starts.
    """
    now = time.time()
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    for job in Job.objects.filter(status=Job.Status.RUNNING, started_at__isnull=False):
        if not _worker_died(job, now):
            continue
        # Conditional on the attempt seen, so two sweeps at once act on a job once.
        still_dead = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts)
        kind = _KINDS.get(job.kind)
        if kind is not None and kind.repeatable and job.attempts < settings.JOB_MAX_ATTEMPTS:
            if still_dead.update(status=Job.Status.QUEUED, message=REQUEUED):
                job_send(job)
                counts["requeued"] += 1
        elif still_dead.update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=WORKER_DIED
        ):
            counts["failed"] += 1
    stale = timezone.now() - timedelta(seconds=settings.JOB_QUEUED_RESEND_SECONDS)
    for job in Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=stale):
        # At most once per interval, so a queue with no worker does not fill with copies.
        resent_lately = not cache.add(
            f"job-resent-{job.pk}", 1, timeout=settings.JOB_QUEUED_RESEND_SECONDS
        )
        if job.kind in _KINDS and not resent_lately:
            job_send(job)
            counts["resent"] += 1
    return counts
