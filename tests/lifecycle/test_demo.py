"""`loaddemo`: the demo reviews, their accounts and their real data, loaded idempotently."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from lifecycle.demo import DEMO_PASSWORD
from reviews.models import AuditEvent, Membership, Record, Review


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
