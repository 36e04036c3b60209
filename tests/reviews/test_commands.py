import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from reviews.demo import DEMO_PASSWORD
from reviews.models import AuditEvent, Job, Membership, Record, Review


@pytest.mark.django_db
def test_loaddemo_is_idempotent(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddemo", stdout=io.StringIO())
    counts = (
        Review.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
        Record.objects.count(),
    )
    call_command("loaddemo", stdout=io.StringIO())
    assert (
        Review.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
        Record.objects.count(),
    ) == counts
    assert counts[:2] == (2, 8)
    bcg = Review.objects.get(title__contains="Colditz")
    lead = get_user_model().objects.get(username="demo-lead")
    assert lead.check_password(DEMO_PASSWORD)
    roles = set(bcg.memberships.values_list("role", flat=True))
    assert roles == {"lead", "reviewer", "viewer"}


@pytest.mark.django_db
def test_loaddemo_imports_the_real_triptans_records(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddemo", stdout=io.StringIO())
    triptans = Review.objects.get(title__contains="triptans")
    records = Record.objects.filter(review=triptans)
    # Every row of the SYNERGY file (671 records), titles and PMIDs as in PubMed.
    assert records.count() == 671
    first = records.get(pmid="10067807")
    assert first.title.startswith("Migraine: a \"woman's disease?")
    assert "Migraine Disorders" in first.keywords
    assert triptans.imports.get().database == "pubmed"


@pytest.mark.django_db
def test_loaddemo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="public password"):
        call_command("loaddemo")
    assert not Review.objects.exists()


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
