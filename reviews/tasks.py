"""The Celery tasks: one that runs any job (`reviews.jobs`), one that recovers them."""

from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.db import connection

from reviews import jobs


@shared_task(name=jobs.RUN_JOB_TASK)
def run_job(job_id: int) -> None:
    jobs.job_execute(job_id)


@shared_task(name="reviews.tasks.sweep_jobs")
def sweep_jobs() -> dict[str, int]:
    try:
        return jobs.jobs_sweep()
    finally:
        # The sweep runs every few seconds in an otherwise idle worker: holding a database
        # connection between sweeps (for DATABASE_CONN_MAX_AGE) would keep one open per
        # worker process for nothing.
        connection.close()


@worker_ready.connect
def sweep_when_a_worker_starts(**_: Any) -> None:
    """A worker that starts after a crash finds its jobs at once, not at the next beat."""
    try:
        jobs.jobs_sweep()
    finally:
        # Run in the worker's main process, which serves no task: nothing would close it.
        connection.close()
