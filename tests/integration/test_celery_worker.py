"""A real `celery worker` process takes a job from the real broker (the filesystem broker on
the embedded default, Redis in CI's second pass) and writes its result to the test database
(SQLite file or PostgreSQL), where this process reads it back."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from reviews.jobs import job_create
from reviews.models import Job
from reviews.tasks import run_job

ROOT = Path(__file__).resolve().parents[2]


def _database_url_of_test_db() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{user}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture
def worker_queue():
    """Start a worker on a queue of its own, so no other worker can take the test's job."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url_of_test_db(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield queue, process
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)  # shown by pytest when the test fails


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_job_and_result_lands_in_database(worker_queue, review, lead, monkeypatch):
    queue, process = worker_queue
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    job = job_create(kind="worker_check", review=review, user=lead)

    run_job.apply_async(args=[job.pk], queue=queue)

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
