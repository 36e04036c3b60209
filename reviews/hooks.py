"""Registration points through which the apps above `reviews` extend it without `reviews`
naming them (layers point one way, STYLE.md section 10). A higher app registers its
functions in its `AppConfig.ready()`.
"""

from collections.abc import Callable

from django.db.models import QuerySet

from reviews.models import AuditEvent

# Called as `audit_filter(events, review=review, viewer=viewer)` on a review's audit events;
# returns those of them the viewer may see.
AuditEventFilter = Callable[..., QuerySet[AuditEvent]]

audit_event_filters: list[AuditEventFilter] = []


def register_audit_event_filter(audit_filter: AuditEventFilter) -> AuditEventFilter:
    """Have every read of the audit log (`reviews.selectors.review_audit_events`) apply
    `audit_filter`. Registering the same function twice keeps one."""
    if audit_filter not in audit_event_filters:
        audit_event_filters.append(audit_filter)
    return audit_filter
