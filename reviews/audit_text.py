"""The audit log in sentences for people: "ana excluded “Migraine: a woman's disease?” at
title/abstract", not `screening.decided` and "record 3".

Each app registers the phrases of its own actions (screening in its `AppConfig.ready()`), so
`reviews` never names the apps above it. An action nobody registered still reads as words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reviews.models import AuditEvent, Database, DuplicatePair, Record, Review, Role

# (event, title of the record it concerns or "") -> what the actor did, as the rest of a
# sentence that starts with the actor's name.
Phrase = Callable[[AuditEvent, str], str]

_PHRASES: dict[str, Phrase] = {}


def phrase_register(action: str, phrase: Phrase) -> None:
    _PHRASES[action] = phrase


def change(event: AuditEvent, field: str) -> tuple:
    """(old, new) of a field of the event's changes, (None, None) when it has none."""
    value = event.changes.get(field)
    return tuple(value) if isinstance(value, list) and len(value) == 2 else (None, None)


def quoted(title: str, fallback: str | None = None) -> str:
    """The record's title in quotes, or `fallback` ("a record" unless given) without one."""
    if title:
        return _("“%(title)s”") % {"title": _shorten(title)}
    return _("a record") if fallback is None else fallback


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Sentence:
    event: AuditEvent
    actor: str
    text: str
    title: str = ""  # of the record the event concerns, if any

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(what, old, new) of each of the event's changes, for people: keys in words and
        stored codes (a role, a database) as their labels."""
        rows = []
        for key, values in self.event.changes.items():
            old, new = values if isinstance(values, list) and len(values) == 2 else (None, values)
            rows.append(
                (
                    field_label(key),
                    value_label(self.event.action, key, old),
                    value_label(self.event.action, key, new),
                )
            )
        return rows


def record_id_of(event: AuditEvent) -> int | None:
    old, new = change(event, "record")
    value = new if new is not None else old
    return value if isinstance(value, int) else None


def sentences(events: Iterable[AuditEvent]) -> list[Sentence]:
    """One sentence per event; record titles are read in one query."""
    events = list(events)
    ids = {rid for rid in map(record_id_of, events) if rid is not None}
    titles = dict(Record.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}
    out = []
    for event in events:
        title = titles.get(record_id_of(event) or 0, "")
        phrase = _PHRASES.get(event.action, _plain)
        actor = event.actor.get_username() if event.actor else "Evident"
        out.append(Sentence(event, actor, phrase(event, title), title))
    return out


def _plain(event: AuditEvent, title: str) -> str:
    """An unregistered action, in words: `extraction.value_saved` on X -> "value saved
    (extraction): X"."""
    area, _, what = event.action.partition(".")
    words = (what or area).replace("_", " ")
    subject = quoted(title, "") or event.object_repr
    return f"{words} ({area}){': ' + subject if subject else ''}"


# Names of the keys of events' changes, for people (the audit log's "Changes" column and
# "changed the review's …"); an app registers those of its own events. A review's fields use
# their verbose names; any other key reads as words.
_FIELD_LABELS: dict[str, str] = {}


def field_label_register(key: str, label: str) -> None:
    _FIELD_LABELS[key] = label


def field_label(key: str) -> str:
    if key in _FIELD_LABELS:
        return str(_FIELD_LABELS[key])
    try:
        field = Review._meta.get_field(key)
    except FieldDoesNotExist:
        field = None
    if field is not None and field.concrete:
        return str(field.verbose_name)
    return key.replace("_", " ")


# Stored codes shown as their labels: (area of the action, key of the change) -> choices.
_VALUE_LABELS = {
    ("review", "role"): Role,
    ("member", "role"): Role,
    ("import", "database"): Database,
    ("dedup", "status"): DuplicatePair.Status,
}


def value_label(action: str, key: str, value):
    """A stored code (a role, a database …) of an event's change as its label; other values
    as they are."""
    choices = _VALUE_LABELS.get((action.partition(".")[0], key))
    if choices is not None and isinstance(value, str) and value in choices.values:
        return str(choices(value).label)
    return value


def _fields(event: AuditEvent) -> str:
    return _(", ").join(field_label(field) for field in event.changes) or _("nothing")


def _role(value) -> str:
    """A role in a sentence: "reviewer", in the reader's language."""
    return Role(value).label.lower() if value in Role.values else str(value)


def _member(event: AuditEvent, verb: str) -> str:
    # Membership's text is "<username> as <role>".
    who = event.object_repr.split(" as ")[0]
    old, new = change(event, "role")
    if verb == "changed":
        return _("made %(who)s a %(role)s (was %(old)s)") % {
            "who": who,
            "role": _role(new),
            "old": _role(old),
        }
    if verb == "added":
        return _("added %(who)s to the review as %(role)s") % {"who": who, "role": _role(new)}
    return _("removed %(who)s (%(role)s) from the review") % {"who": who, "role": _role(old)}


def _invited(event: AuditEvent, title: str) -> str:
    return _("invited %(who)s as %(role)s") % {
        "who": event.object_repr.split(" as ")[0],
        "role": _role(change(event, "role")[1]),
    }


def _import(event: AuditEvent, title: str) -> str:
    count = change(event, "records")[1]
    skipped = change(event, "skipped")[1]
    values = {"count": count, "file": event.object_repr, "skipped": skipped}
    n = count if isinstance(count, int) else 0
    if skipped:
        return (
            ngettext(
                "imported %(count)s record from %(file)s, skipping %(skipped)s",
                "imported %(count)s records from %(file)s, skipping %(skipped)s",
                n,
            )
            % values
        )
    return (
        ngettext(
            "imported %(count)s record from %(file)s", "imported %(count)s records from %(file)s", n
        )
        % values
    )


def _records(event: AuditEvent) -> int:
    return len(change(event, "records")[1] or change(event, "records")[0] or [])


def _merged(event: AuditEvent, title: str) -> str:
    n = _records(event)
    return ngettext(
        "merged %(n)s record as duplicates", "merged %(n)s records as duplicates", n
    ) % {"n": n}


def _extended(event: AuditEvent, title: str) -> str:
    return _("added records to a duplicate group (%(n)s now)") % {"n": _records(event)}


def _undone(event: AuditEvent, title: str) -> str:
    n = _records(event)
    return ngettext(
        "undid a duplicate group of %(n)s record", "undid a duplicate group of %(n)s records", n
    ) % {"n": n}


def _pair_decided(event: AuditEvent, title: str) -> str:
    status = str(change(event, "status")[1])
    words = {
        "duplicate": _("duplicate"),
        "not_duplicate": _("not duplicate"),
        "related": _("related"),
        "pending": _("pending"),
        "auto": _("auto"),
    }
    return _("marked a candidate pair as %(status)s") % {
        "status": words.get(status, status.replace("_", " "))
    }


for key, label in {
    "records": gettext_lazy("records"),
    "skipped": gettext_lazy("skipped"),
    "records_skipped_as_unusable": gettext_lazy("unusable records skipped"),
    "database": gettext_lazy("database"),
    "format": gettext_lazy("format"),
    "encoding": gettext_lazy("encoding"),
    "sha256": "SHA-256",
    "replaces": gettext_lazy("replaces groups"),
    "primary": gettext_lazy("primary record"),
    "restored": gettext_lazy("restored records"),
    "status": gettext_lazy("status"),
    "role": gettext_lazy("role"),
    "email": gettext_lazy("email"),
}.items():
    field_label_register(key, label)

for action, phrase in {
    "review.created": lambda e, t: (
        _("created the review “%(title)s”") % {"title": _shorten(e.object_repr)}
    ),
    "review.updated": lambda e, t: _("changed the review's %(fields)s") % {"fields": _fields(e)},
    "review.deleted": lambda e, t: (
        _("deleted the review “%(title)s”") % {"title": _shorten(e.object_repr)}
    ),
    "member.added": lambda e, t: _member(e, "added"),
    "member.role_changed": lambda e, t: _member(e, "changed"),
    "member.removed": lambda e, t: _member(e, "removed"),
    "member.invited": _invited,
    "import.completed": _import,
    "dedup.merged": _merged,
    "dedup.extended": _extended,
    "dedup.undone": _undone,
    "dedup.pair_decided": _pair_decided,
}.items():
    phrase_register(action, phrase)
