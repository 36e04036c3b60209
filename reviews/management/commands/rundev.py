import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def _stop(children: list[subprocess.Popen], timeout: float = 15) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()


class _Stopped(Exception):
    """SIGTERM arrived (`kill`, a terminal closing, a process manager stopping us)."""


def _raise_stopped(signum, frame) -> None:
    raise _Stopped


class Command(BaseCommand):
    help = (
        "Run the development web server and a Celery worker with its scheduler together "
        "(what `make run` starts). Ctrl-C or SIGTERM stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port: int, host: str, **options):
        # Both run as child processes: runserver's autoreloader re-executes its own command,
        # which would start a second worker if the worker were started in this process.
        # -B: the worker also runs the scheduler, which sweeps jobs whose worker died.
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker", "-B"),
                f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
                "--loglevel=INFO",
            ]
        )
        web = subprocess.Popen([sys.executable, "manage.py", "runserver", f"{host}:{port}"])
        broker = settings.CELERY_BROKER_URL.split("://")[0]
        self.stdout.write(f"Web server on http://{host}:{port}/, Celery worker on {broker}.")
        # Ctrl-C reaches the children too (same process group); SIGTERM reaches only us, so
        # we pass it on: without this a `kill` of `make run` left the worker running.
        signal.signal(signal.SIGTERM, _raise_stopped)
        try:
            while worker.poll() is None and web.poll() is None:
                time.sleep(0.5)
        except (KeyboardInterrupt, _Stopped):
            _stop([worker, web])
            return
        _stop([worker, web])
        which = "Celery worker" if worker.returncode is not None else "web server"
        raise CommandError(f"The {which} stopped on its own, so the other was stopped too.")
