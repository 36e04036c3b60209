"""Real `celery worker` processes for the integration tests: on the embedded default the
filesystem broker, in CI's second pass Redis; the test database either way."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def database_url_of_test_db() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{user}{password}@{host}{port}/{db['NAME']}"


class Workers:
    """Starts workers that take messages from a queue of the test's own (so no other worker
    can take its jobs) and stops or kills them at the end."""

    def __init__(self) -> None:
        self.queue = f"test-{uuid.uuid4().hex[:12]}"
        self.processes: list[subprocess.Popen] = []

    def start(self, **env_extra: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url_of_test_db(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            # Jobs (and jobs the sweeper sends again) go to the default queue: make it ours.
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            **env_extra,
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
                "-n",
                f"{self.queue}-{len(self.processes)}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # a process group of its own, to kill it as a crash would
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker's whole process group: what a crash or the OOM killer does."""
        os.killpg(os.getpgid(process.pid), signal.SIGKILL)
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
            try:
                output, _ = process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
            print(output)  # shown by pytest when the test fails


@pytest.fixture
def workers(monkeypatch):
    started = Workers()
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "task_default_queue", started.queue)
    try:
        yield started
    finally:
        started.stop_all()
