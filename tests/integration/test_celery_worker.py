"""A real `celery worker` process takes a job from the real broker (the filesystem broker on
the embedded default, Redis in CI's second pass) and writes its result to the test database
(SQLite file or PostgreSQL), where this process reads it back."""

import os
import time

import pytest

from reviews.jobs import job_create, job_send
from reviews.models import Job


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_job_and_result_lands_in_database(workers, review, lead):
    process = workers.start()
    job = job_create(kind="worker_check", review=review, user=lead)

    job_send(job)

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.25)
    assert process.poll() is None, "the worker process exited early"
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["pid"] == process.pid
    assert job.result["pid"] != os.getpid()
    assert job.started_at <= job.finished_at
