"""Screening's audit events in sentences (registered with `reviews.audit_text` in
`ScreeningConfig.ready`), in the language of the request that reads them."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reviews.audit_text import change, phrase_register, quoted
from reviews.models import AuditEvent
from screening.forms import StageSettingsForm
from screening.models import STAGE_REPRS, Choice, Stage


def _stage(event: AuditEvent) -> str:
    old, new = change(event, "stage")
    value = new or old
    if value not in Stage.values:
        return ""
    # Translators: follows a record's title in the audit log, e.g. "excluded “X” at
    # title/abstract"; keep the leading space if your language separates words by spaces.
    return pgettext("audit", " at %(stage)s") % {"stage": str(Stage(value).label).lower()}


def _decision(value: str) -> str:
    return str(Choice(value).label).lower() if value in Choice.values else str(value)


def _verb(decision: str) -> str:
    return {
        Choice.INCLUDE: pgettext("audit", "included"),
        Choice.EXCLUDE: pgettext("audit", "excluded"),
        Choice.MAYBE: pgettext("audit", "marked maybe"),
    }.get(decision, str(decision))


def decided(event: AuditEvent, title: str) -> str:
    old, new = change(event, "decision")
    values = {"title": quoted(title), "stage": _stage(event)}
    if old and new and old != new:
        return _("changed their decision on %(title)s%(stage)s from %(old)s to %(new)s") % {
            **values,
            "old": _decision(old),
            "new": _decision(new),
        }
    if new == Choice.INCLUDE:
        return _("included %(title)s%(stage)s") % values
    if new == Choice.EXCLUDE:
        return _("excluded %(title)s%(stage)s") % values
    if new == Choice.MAYBE:
        return _("marked maybe %(title)s%(stage)s") % values
    return _("changed the reason or note of their decision on %(title)s%(stage)s") % values


def resolved(event: AuditEvent, title: str) -> str:
    decision = change(event, "decision")[1]
    return _("resolved the conflict on %(title)s%(stage)s: %(decision)s") % {
        "title": quoted(title),
        "stage": _stage(event),
        "decision": _verb(decision),
    }


def withdrawn(event: AuditEvent, title: str) -> str:
    return _("undid their decision on %(title)s%(stage)s") % {
        "title": quoted(title),
        "stage": _stage(event),
    }


def _field(name: str) -> str:
    field = StageSettingsForm.base_fields.get(name)
    if field is not None and field.label:
        return str(field.label).lower()
    return name.replace("_", " ")


def settings_changed(event: AuditEvent, title: str) -> str:
    fields = ", ".join(_field(field) for field in event.changes) or _("nothing")
    # The stage is in the event's object_repr, "Title/abstract settings of review 3".
    prefix = event.object_repr.split(" settings")[0]
    stage = STAGE_REPRS.get(prefix)
    label = str(Stage(stage).label).lower() if stage else prefix.lower()
    return _("changed the %(stage)s screening settings (%(fields)s)") % {
        "stage": label,
        "fields": fields,
    }


def register() -> None:
    for action, phrase in {
        "screening.decided": decided,
        "screening.resolved": resolved,
        "screening.withdrawn": withdrawn,
        "screening.settings_changed": settings_changed,
        "screening.fulltext_uploaded": lambda e, t: (
            _("uploaded the full text of %(title)s") % {"title": quoted(t)}
        ),
        "screening.fulltext_not_retrieved": lambda e, t: (
            _("marked the full text of %(title)s as not retrieved") % {"title": quoted(t)}
        ),
        "screening.fulltext_removed": lambda e, t: (
            _("removed the full text of %(title)s") % {"title": quoted(t)}
        ),
    }.items():
        phrase_register(action, phrase)
