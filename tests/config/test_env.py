import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("YES", True), ("off", False), ("", False)]
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not value) is value


def test_env_bool_refuses_typos(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='ture' is not a boolean"):
        env_bool("DEBUG", False)


def test_env_int_refuses_text_and_values_below_minimum(monkeypatch):
    monkeypatch.setenv("MAX_UPLOAD_MB", "lots")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("MAX_UPLOAD_MB", 200)
    monkeypatch.setenv("MAX_UPLOAD_MB", "0")
    with pytest.raises(ImproperlyConfigured, match="below the minimum of 1"):
        env_int("MAX_UPLOAD_MB", 200, minimum=1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "evident.example.org, localhost,")
    assert env_list("ALLOWED_HOSTS", []) == ["evident.example.org", "localhost"]


def _django_check(settings_module: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": settings_module, **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_refuses_to_start():
    result = _django_check("config.settings.production", {"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


PRODUCTION_KEY = {"SECRET_KEY": "x" * 60 + "-a-long-random-production-key-for-the-check"}
# Addresses are only named here: `check --deploy` connects to neither.
SERVICES = {
    "DATABASE_URL": "postgresql://evident@db.invalid:5432/evident",
    "REDIS_URL": "redis://redis.invalid:6379/0",
}


def test_production_deploy_check_is_clean():
    result = _django_check("config.settings.production", {**PRODUCTION_KEY, **SERVICES})
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("services", "named"),
    [
        ({}, ["DATABASE_URL", "REDIS_URL or CELERY_BROKER_URL"]),
        ({"DATABASE_URL": SERVICES["DATABASE_URL"]}, ["REDIS_URL or CELERY_BROKER_URL"]),
        ({"REDIS_URL": SERVICES["REDIS_URL"]}, ["DATABASE_URL"]),
    ],
)
def test_production_refuses_the_embedded_defaults_naming_the_variables(services, named):
    result = _django_check("config.settings.production", {**PRODUCTION_KEY, **services})
    assert result.returncode != 0
    for variable in [*named, "EVIDENT_ALLOW_EMBEDDED=1"]:
        assert variable in result.stderr
    if "DATABASE_URL" not in named:
        assert "SQLite" not in result.stderr


def test_production_on_the_embedded_defaults_needs_the_operator_to_opt_in(tmp_path):
    result = _django_check(
        "config.settings.production",
        {**PRODUCTION_KEY, "EVIDENT_ALLOW_EMBEDDED": "1", "EVIDENT_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr


def test_reading_the_settings_creates_no_folder(tmp_path):
    var = tmp_path / "var"
    code = "import config.settings.local as s; print(s.VAR_DIR, s.STATIC_ROOT)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "EVIDENT_VAR_DIR": str(var)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert str(var) in result.stdout
    assert not var.exists()


def test_starting_django_makes_the_folders_it_uses(tmp_path):
    var = tmp_path / "var"
    code = "import django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "EVIDENT_VAR_DIR": str(var),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for folder in ("static", "media", "celery-broker/control", "cache"):
        assert (var / folder).is_dir(), folder
