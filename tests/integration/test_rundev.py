"""`make run`'s runner: serves pages, runs jobs on a real worker, and Ctrl-C or SIGTERM
stops the web server and the worker both.

Runs on the embedded default (SQLite, filesystem broker) in a folder of its own, whatever
database the rest of the suite uses, because that is what `make run` starts."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, "manage.py"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def rundev(tmp_path):
    """rundev started as `make run` starts it, once its login page answers: (process, env)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="1", EVIDENT_VAR_DIR=str(tmp_path)
    )
    subprocess.run(
        [*MANAGE, "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = _free_port()
    runner = subprocess.Popen(
        [*MANAGE, "rundev", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    pgid = os.getpgid(runner.pid)
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/").status
            except OSError:
                time.sleep(0.5)
        assert status == 200
        yield runner, env
        runner.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _group_alive(pgid), "a child of rundev outlived it"
    finally:
        if _group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
        print(runner.communicate()[0].decode(errors="replace"))


def test_rundev_serves_runs_jobs_and_stops_on_ctrl_c(rundev):
    runner, env = rundev
    check = subprocess.run(
        [*MANAGE, "checkworker", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert check.returncode == 0, check.stderr
    assert "ran job #1" in check.stdout
    os.killpg(os.getpgid(runner.pid), signal.SIGINT)  # what Ctrl-C sends to the foreground group


def test_rundev_stops_its_worker_and_server_on_sigterm(rundev):
    runner, _env = rundev
    runner.send_signal(signal.SIGTERM)  # to rundev alone, as `kill PID` does
