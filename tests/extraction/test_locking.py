"""The lock: refused until every consensus is complete (listing what is missing), then every
write to extraction data is refused by the services and by the database itself; unlocking needs
a lead's reason; snapshots never change."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from extraction import locking, services
from extraction.models import (
    GUARDED,
    Arm,
    ExtractionLock,
    OutcomeValue,
    Snapshot,
    Study,
    StudyFieldValue,
)
from extraction.services import ExtractionLocked
from reviews.models import AuditEvent, Review
from tests.extraction.conftest import agree, extract


def test_lock_is_refused_with_the_list_of_what_is_missing(review, lead, reviewer, studies):
    extract(reviewer, studies["Wang 2020"], done=False)
    with pytest.raises(ValidationError) as caught:
        locking.extraction_lock(lead=lead, review=review)
    assert caught.value.messages == [
        "Lee 2020: the design is not set.",
        "Lee 2020: 0 of 2 extraction(s) done; consensus not complete.",
        "Lee 2020a: the design is not set.",
        "Lee 2020a: 0 of 2 extraction(s) done; consensus not complete.",
        "Wang 2020: the design is not set.",
        "Wang 2020: 0 of 2 extraction(s) done; consensus not complete.",
    ]
    assert not ExtractionLock.objects.exists() and not Snapshot.objects.exists()


def test_locking_writes_snapshot_version_1_and_audits_it(review, lead, ready_to_lock):
    snapshot = locking.extraction_lock(lead=lead, review=review, reason="For the first analysis")
    assert (snapshot.version, len(snapshot.sha256)) == (1, 64)
    assert [s["label"] for s in snapshot.data["studies"]] == ["Lee 2020", "Lee 2020a", "Wang 2020"]
    event = AuditEvent.objects.get(action="extraction.locked")
    assert event.changes["sha256"] == [None, snapshot.sha256]


@pytest.fixture
def locked(review, lead, ready_to_lock):
    locking.extraction_lock(lead=lead, review=review)
    return ready_to_lock


def test_every_service_refuses_while_locked(review, lead, reviewer, locked):
    study = locked["Wang 2020"]
    extraction = study.extractions.get(extractor=reviewer)
    consensus = services.consensus_of(study)
    attempts = [
        lambda: services.field_save(user=lead, extraction=consensus, key="country", value="X"),
        lambda: services.arm_save(user=lead, extraction=consensus, position=3, label="Extra"),
        lambda: services.extraction_reopen(user=reviewer, extraction=extraction),
        lambda: services.study_update(lead=lead, study=study, data={"design": "cohort"}),
        lambda: services.study_create(lead=lead, review=review, label="Kim 2018", citation="x"),
        lambda: services.form_save(lead=lead, review=review, definition={"fields": []}),
        lambda: services.settings_update(lead=lead, review=review, data={"assumed_r": 0.3}),
        lambda: locking.extraction_lock(lead=lead, review=review),
    ]
    for attempt in attempts:
        with pytest.raises(ExtractionLocked, match="Extraction of this review is locked"):
            attempt()
    assert services.studies_sync(review=review) == 0


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_writes_behind_the_orm_while_locked(review, lead, locked):
    value = OutcomeValue.objects.filter(
        extraction__extractor__isnull=True, outcome="scar_score", arm__position=1
    ).first()
    locked_message = "extraction is locked for this review"
    with pytest.raises(DatabaseError, match=locked_message), transaction.atomic():
        OutcomeValue.objects.filter(pk=value.pk).update(sd=99)
    with pytest.raises(DatabaseError, match="extraction is locked"):
        _raw(f"UPDATE {OutcomeValue._meta.db_table} SET mean = 0 WHERE id = %s", [value.pk])
    with pytest.raises(DatabaseError, match="extraction is locked"), transaction.atomic():
        Arm.objects.filter(pk=value.arm_id).delete()
    with pytest.raises(DatabaseError, match="extraction is locked"), transaction.atomic():
        Study.objects.create(review=review, label="Sneaked in", provenance="other_methods")
    field = StudyFieldValue.objects.first()
    field.value = "Tampered"
    with pytest.raises(DatabaseError, match="extraction is locked"), transaction.atomic():
        field.save()
    value.refresh_from_db()
    assert value.sd == 0.9 and OutcomeValue.objects.filter(mean=0).count() == 0


def test_every_guarded_table_has_its_trigger(locked):
    for model in GUARDED:
        row = model.objects.first()
        assert row is not None, model
        with pytest.raises(DatabaseError, match="extraction is locked"):
            _raw(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [row.pk])


def test_a_snapshot_never_changes(review, lead, locked):
    snapshot = Snapshot.objects.get()
    with pytest.raises(TypeError, match="never changes"):
        snapshot.save()
    with pytest.raises(DatabaseError, match="a snapshot never changes"):
        _raw(f"UPDATE {Snapshot._meta.db_table} SET sha256 = 'x' WHERE id = %s", [snapshot.pk])


def test_unlocking_needs_a_reason_and_the_next_lock_is_a_new_version(
    review, lead, reviewer, locked
):
    with pytest.raises(ValidationError, match="Say why"):
        locking.extraction_unlock(lead=lead, review=review, reason="  ")
    first = Snapshot.objects.get()
    locking.extraction_unlock(lead=lead, review=review, reason="Typo in Wang 2020's SD")
    assert AuditEvent.objects.get(action="extraction.unlocked").changes["reason"] == [
        None,
        "Typo in Wang 2020's SD",
    ]
    study = locked["Wang 2020"]
    from extraction import consensus

    consensus.consensus_reopen(user=lead, study=study)
    agreed = services.consensus_of(study)
    services.outcome_row_save(
        user=lead,
        extraction=agreed,
        outcome="scar_score",
        timepoint="3 months",
        cells=[{"arm": 1, "format": "mean_sd", "values": {"n": "30", "mean": "2.1", "sd": "0.8"}}],
    )
    consensus.consensus_complete(user=lead, study=study)
    second = locking.extraction_lock(lead=lead, review=review)
    assert second.version == 2 and second.sha256 != first.sha256
    again = Snapshot.objects.get(pk=first.pk)
    assert (again.data, again.sha256) == (first.data, first.sha256)


def test_a_locked_review_can_still_be_deleted(review, lead, locked):
    review.delete()
    assert not Review.objects.filter(pk=review.pk).exists()
    assert not Study.objects.exists() and not Snapshot.objects.exists()


def test_agree_helper_leaves_nothing_undecided(lead, reviewer, reviewer2, study):
    extract(reviewer, study)
    extract(reviewer2, study)
    assert agree(lead, study).status == "done"
