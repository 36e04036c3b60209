import pytest
from django.db import DatabaseError, connection, transaction

from reviews.audit import audit_record, field_changes
from reviews.models import AuditEvent


@pytest.fixture
def event(review, lead):
    return audit_record(actor=lead, review=review, action="review.updated", obj=review)


def test_audit_record_names_object_and_actor(event, review, lead):
    assert event.object_type == "reviews.Review"
    assert event.object_id == str(review.pk)
    assert event.object_repr == review.title
    assert event.actor == lead
    assert event.created_at is not None


def test_saving_an_event_again_is_refused(event):
    event.action = "tampered"
    with pytest.raises(TypeError, match="append-only"):
        event.save()


def test_deleting_an_event_is_refused(event):
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.update(action="tampered")


def test_database_refuses_update_behind_the_orm(event):
    table = AuditEvent._meta.db_table
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET action = 'tampered' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "review.updated"


def test_field_changes_lists_old_and_new_values_of_changed_fields_only():
    before = {"title": "A", "population": "", "outcomes": "pain"}
    after = {"title": "B", "population": "", "outcomes": "pain"}
    assert field_changes(before, after) == {"title": ["A", "B"]}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "∅"),
        ("", "∅"),
        ([], "(none)"),
        (["RCTs", "Split-face trials"], "RCTs; Split-face trials"),
        ("Adults", "Adults"),
        (3, "3"),
    ],
)
def test_audit_values_are_shown_readably(value, shown):
    from reviews.templatetags.audit import audit_value

    assert audit_value(value) == shown
