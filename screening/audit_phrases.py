"""Screening's audit events in sentences (registered with `reviews.audit_text` in
`ScreeningConfig.ready`)."""

from reviews.audit_text import change, phrase_register, quoted
from reviews.models import AuditEvent
from screening.models import Choice, Stage

VERBS = {Choice.INCLUDE: "included", Choice.EXCLUDE: "excluded", Choice.MAYBE: "marked maybe"}


def _stage(event: AuditEvent) -> str:
    old, new = change(event, "stage")
    value = new or old
    return f" at {Stage(value).label.lower()}" if value in Stage.values else ""


def decided(event: AuditEvent, title: str) -> str:
    old, new = change(event, "decision")
    if old and new and old != new:
        return (
            f"changed their decision on {quoted(title)}{_stage(event)} "
            f"from {Choice(old).label.lower()} to {Choice(new).label.lower()}"
        )
    if new in VERBS:
        return f"{VERBS[new]} {quoted(title)}{_stage(event)}"
    return f"changed the reason or note of their decision on {quoted(title)}{_stage(event)}"


def resolved(event: AuditEvent, title: str) -> str:
    decision = change(event, "decision")[1]
    verb = VERBS.get(decision, str(decision))
    return f"resolved the conflict on {quoted(title)}{_stage(event)}: {verb}"


def withdrawn(event: AuditEvent, title: str) -> str:
    return f"undid their decision on {quoted(title)}{_stage(event)}"


def settings_changed(event: AuditEvent, title: str) -> str:
    fields = ", ".join(field.replace("_", " ") for field in event.changes) or "nothing"
    label = event.object_repr.split(" settings")[0].lower()
    return f"changed the {label} screening settings ({fields})"


def register() -> None:
    for action, phrase in {
        "screening.decided": decided,
        "screening.resolved": resolved,
        "screening.withdrawn": withdrawn,
        "screening.settings_changed": settings_changed,
        "screening.fulltext_uploaded": lambda e, t: f"uploaded the full text of {quoted(t)}",
        "screening.fulltext_not_retrieved": (
            lambda e, t: f"marked the full text of {quoted(t)} as not retrieved"
        ),
        "screening.fulltext_removed": lambda e, t: f"removed the full text of {quoted(t)}",
    }.items():
        phrase_register(action, phrase)
