"""importextraction, lockextraction and unlockextraction."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from extraction.models import ExtractionLock, Snapshot, Study
from reviews.models import AuditEvent
from tests.extraction.test_importer import csv_bytes


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_importextraction_imports_a_csv_and_prints_a_summary(tmp_path, review, lead, form):
    path = tmp_path / "extraction.csv"
    path.write_bytes(csv_bytes())
    summary = json.loads(
        run("importextraction", str(review.pk), str(path), "--user", "lead", "--json")
    )
    assert summary["studies_added"] == ["Kim 2018", "Ito 2021"]
    assert Study.objects.filter(review=review).count() == 2


def test_importextraction_names_the_row_and_column_and_imports_nothing(
    tmp_path, review, lead, form
):
    path = tmp_path / "extraction.csv"
    path.write_bytes(
        csv_bytes(
            [
                "Kim 2018,parallel,Acne scar score,continuous,3 months,A,20,2.5,1,,,,,,,,,,,Korea",
                "Kim 2018,parallel,Acne scar score,continuous,3 months,B,20,2.5,-1,,,,,,,,,,,Korea",
            ]
        )
    )
    with pytest.raises(CommandError, match=r"Row 3 .* column “sd”: must be greater than 0"):
        run("importextraction", str(review.pk), str(path), "--user", "lead")
    assert not Study.objects.exists()


def test_only_a_lead_imports_or_locks(tmp_path, review, reviewer, form):
    path = tmp_path / "extraction.csv"
    path.write_bytes(csv_bytes())
    with pytest.raises(CommandError, match="reviewer is not a lead of review"):
        run("importextraction", str(review.pk), str(path), "--user", "reviewer")
    with pytest.raises(CommandError, match="reviewer is not a lead"):
        run("lockextraction", str(review.pk), "--user", "reviewer")


def test_lockextraction_lists_what_is_missing(review, lead, studies):
    with pytest.raises(CommandError, match=r"Not locked: Lee 2020: the design is not set\."):
        run("lockextraction", str(review.pk), "--user", "lead")


def test_lock_then_unlock_from_the_shell(review, lead, ready_to_lock):
    printed = run("lockextraction", str(review.pk), "--user", "lead")
    snapshot = Snapshot.objects.get()
    assert printed.strip() == (
        f"Locked review #{review.pk}: snapshot {snapshot.pk} (v1), SHA-256 {snapshot.sha256}"
    )
    with pytest.raises(CommandError, match="Say why"):
        run("unlockextraction", str(review.pk), "--user", "lead", "--reason", " ")
    run("unlockextraction", str(review.pk), "--user", "lead", "--reason", "Fix Lee 2020")
    assert not ExtractionLock.objects.exists()
    event = AuditEvent.objects.get(action="extraction.unlocked")
    assert event.actor == lead and event.changes["reason"] == [None, "Fix Lee 2020"]
