"""Database connections under each server: runserver (and `make run`'s rundev) serves every
browser connection from a thread of its own, so it must close its database connection after
each request; gunicorn's workers keep theirs for DATABASE_CONN_MAX_AGE.

Counted in PostgreSQL's pg_stat_activity, so these run on the PostgreSQL pass (SQLite
connections are never kept, whatever the server)."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="counts connections in pg_stat_activity"
    ),
]

BROWSER_SOCKETS = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_connections() -> int:
    """Connections to the test database other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _environment(tmp_path: Path, settings_module: str) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DATABASE_URL=url,
        DATABASE_CONN_MAX_AGE="600",
        EVIDENT_VAR_DIR=str(tmp_path),
        SECRET_KEY="test-key-not-secret",
        SECURE_SSL_REDIRECT="0",
        # The production settings refuse the folder broker unless told it is meant; these
        # servers queue nothing, and the test is about database connections.
        EVIDENT_ALLOW_EMBEDDED="1",
    )
    return env


def _wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail("the server did not start")


def _requests_that_read_the_database(port: int) -> list[http.client.HTTPConnection]:
    """Like a browser: a few sockets kept open, two requests on each. A token lookup reads the
    database; the sockets stay open afterwards."""
    sockets = []
    for _ in range(BROWSER_SOCKETS):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(2):
            conn.request(
                "GET", "/api/v1/reviews/", headers={"Authorization": "Token no-such-token"}
            )
            response = conn.getresponse()
            response.read()
            assert response.status == 401
        sockets.append(conn)
    return sockets


def _settles_at(expected: int, seconds: float = 10) -> int:
    deadline = time.monotonic() + seconds
    count = _server_connections()
    while count != expected and time.monotonic() < deadline:
        time.sleep(0.2)
        count = _server_connections()
    return count


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, 15)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, 9)
        server.wait()


@pytest.mark.parametrize("command", ["runserver", "rundev"])
def test_the_development_server_keeps_no_connection_open(tmp_path, command):
    port = _free_port()
    address = ["127.0.0.1:" + str(port)] if command == "runserver" else ["--port", str(port)]
    server = subprocess.Popen(
        [sys.executable, "manage.py", command, *address],
        cwd=ROOT,
        env=_environment(tmp_path, "config.settings.local"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until_serving(port, server)
        sockets = _requests_that_read_the_database(port)
        # Every browser socket still has its thread, but none holds a database connection.
        assert _settles_at(0) == 0
        for conn in sockets:
            conn.close()
    finally:
        _stop(server)


def test_gunicorn_keeps_its_connection_for_the_configured_time(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=_environment(tmp_path, "config.settings.production"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until_serving(port, server)
        for conn in _requests_that_read_the_database(port):
            conn.close()
        # One worker, one connection, reused by every request and kept afterwards.
        assert _settles_at(1) == 1
        time.sleep(1)
        assert _server_connections() == 1
    finally:
        _stop(server)
