"""The audit log in sentences for people: "ana excluded “Migraine: a woman's disease?” at
title/abstract", not `screening.decided` and "record 3".

Each app registers the phrases of its own actions (screening in its `AppConfig.ready()`), so
`reviews` never names the apps above it. An action nobody registered still reads as words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reviews.models import AuditEvent, Record

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


def quoted(title: str, fallback: str = "a record") -> str:
    return f"“{_shorten(title)}”" if title else fallback


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Sentence:
    event: AuditEvent
    actor: str
    text: str
    title: str = ""  # of the record the event concerns, if any


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


def _fields(event: AuditEvent) -> str:
    return ", ".join(field.replace("_", " ") for field in event.changes) or "nothing"


def _member(event: AuditEvent, verb: str) -> str:
    # Membership's text is "<username> as <role>".
    who = event.object_repr.split(" as ")[0]
    old, new = change(event, "role")
    if verb == "changed":
        return f"made {who} a {new} (was {old})"
    if verb == "added":
        return f"added {who} to the review as {new}"
    return f"removed {who} ({old}) from the review"


def _import(event: AuditEvent, title: str) -> str:
    count = change(event, "records")[1]
    skipped = change(event, "skipped")[1]
    skipped_text = f", skipping {skipped}" if skipped else ""
    return f"imported {count} records from {event.object_repr}{skipped_text}"


def _records(event: AuditEvent) -> int:
    return len(change(event, "records")[1] or change(event, "records")[0] or [])


for action, phrase in {
    "review.created": lambda e, t: f"created the review “{_shorten(e.object_repr)}”",
    "review.updated": lambda e, t: f"changed the review's {_fields(e)}",
    "review.deleted": lambda e, t: f"deleted the review “{_shorten(e.object_repr)}”",
    "member.added": lambda e, t: _member(e, "added"),
    "member.role_changed": lambda e, t: _member(e, "changed"),
    "member.removed": lambda e, t: _member(e, "removed"),
    "member.invited": lambda e, t: (
        f"invited {e.object_repr.split(' as ')[0]} as {change(e, 'role')[1]}"
    ),
    "import.completed": _import,
    "dedup.merged": lambda e, t: f"merged {_records(e)} records as duplicates",
    "dedup.extended": lambda e, t: f"added records to a duplicate group ({_records(e)} now)",
    "dedup.undone": lambda e, t: f"undid a duplicate group of {_records(e)} records",
    "dedup.pair_decided": lambda e, t: (
        f"marked a candidate pair as {str(change(e, 'status')[1]).replace('_', ' ')}"
    ),
}.items():
    phrase_register(action, phrase)
