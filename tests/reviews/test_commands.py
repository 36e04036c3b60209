import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from reviews.models import Job


@pytest.mark.django_db
def test_adduser_from_environment(monkeypatch):
    monkeypatch.setenv("NEW_PASSWORD", "a long enough passphrase 7")
    call_command(
        "adduser",
        "carol",
        "--email",
        "carol@example.org",
        "--password-env",
        "NEW_PASSWORD",
        stdout=io.StringIO(),
    )
    carol = get_user_model().objects.get(username="carol")
    assert carol.check_password("a long enough passphrase 7")
    assert carol.email == "carol@example.org"


@pytest.mark.django_db
def test_adduser_refuses_weak_password_and_duplicates(monkeypatch, lead):
    monkeypatch.setenv("NEW_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password refused"):
        call_command("adduser", "dave", "--password-env", "NEW_PASSWORD")
    assert not get_user_model().objects.filter(username="dave").exists()
    with pytest.raises(CommandError, match="already exists"):
        call_command("adduser", "LEAD", "--password-env", "NEW_PASSWORD")


@pytest.mark.django_db
def test_checkworker_reports_the_worker(django_capture_on_commit_callbacks):
    out = io.StringIO()
    call_command("checkworker", "--timeout", "5", stdout=out)
    job = Job.objects.get()
    assert job.status == "succeeded"
    assert f"ran job #{job.pk}" in out.getvalue()
