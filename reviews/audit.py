"""Writing to the append-only audit log. Every service that changes state calls this."""

from typing import Any

from django.contrib.auth.models import User
from django.db import models

from reviews.models import AuditEvent, Review


def audit_record(
    *,
    actor: User | None,
    review: Review | None,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        review_id=review.pk if review is not None else None,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes or {},
    )


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for each field whose value changed."""
    return {
        field: [before.get(field), value]
        for field, value in after.items()
        if before.get(field) != value
    }
