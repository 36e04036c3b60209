"""The extraction form: what a definition may hold, the default template, and the checks a
definition passes before it is saved as a version.

A definition is JSON::

    {"fields": [{"key": "country", "label": "Country", "type": "text", "required": false,
                 "help": "", "choices": []}],
     "outcomes": [{"key": "scar_score", "name": "Acne scar score", "type": "continuous",
                   "unit": "points", "direction": "lower_better",
                   "timepoints": ["3 months", "6 months"], "primary": true}]}

Keys are stable names: a later version may relabel a field or add time points, and answers
entered under an earlier version stay attached to their key.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

FIELD_TYPES = {
    "text": "Text",
    "number": "Number",
    "integer": "Whole number",
    "choice": "One choice",
    "multi_choice": "Several choices",
    "date": "Date",
    "yes_no": "Yes / no",
}
OUTCOME_TYPES = {"continuous": "Continuous", "dichotomous": "Dichotomous"}
DIRECTIONS = {"higher_better": "Higher is better", "lower_better": "Lower is better"}
KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

# PICO and design, for any review; leads add their own fields and the review's outcomes.
DEFAULT_FIELDS: list[dict[str, Any]] = [
    {"key": "country", "label": "Country", "type": "text", "required": True},
    {
        "key": "setting",
        "label": "Setting",
        "type": "choice",
        "choices": ["Single centre", "Multicentre"],
    },
    {
        "key": "population",
        "label": "Participants",
        "type": "text",
        "required": True,
        "help": "Condition, inclusion criteria, age and sex as reported.",
    },
    {"key": "intervention", "label": "Intervention", "type": "text", "required": True},
    {"key": "comparator", "label": "Comparator", "type": "text", "required": True},
    {"key": "sessions", "label": "Number of sessions", "type": "integer"},
    {"key": "follow_up", "label": "Follow-up", "type": "text", "help": "e.g. 6 months"},
    {"key": "registration", "label": "Trial registration", "type": "text"},
    {"key": "funding", "label": "Funding", "type": "text"},
    {"key": "conflicts", "label": "Conflicts of interest declared", "type": "yes_no"},
]


def default_definition() -> dict[str, Any]:
    return definition_clean({"fields": DEFAULT_FIELDS, "outcomes": []})


def _text(item: dict, name: str, where: str, *, required: bool = False, limit: int = 200) -> str:
    value = item.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{where}: “{name}” must be text.")
    value = value.strip()
    if required and not value:
        raise ValidationError(f"{where}: “{name}” is required.")
    if len(value) > limit:
        raise ValidationError(f"{where}: “{name}” is longer than {limit} characters.")
    return value


def _key(item: dict, where: str, seen: set[str]) -> str:
    key = _text(item, "key", where, required=True, limit=64)
    if not KEY.match(key):
        raise ValidationError(
            f"{where}: key “{key}” must start with a letter and hold only lower-case letters, "
            "digits and underscores."
        )
    if key in seen:
        raise ValidationError(f"{where}: key “{key}” is used twice.")
    seen.add(key)
    return key


def _names(value: Any, where: str, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"{where}: “{what}” must be a list of texts.")
    names = [v.strip() for v in value if v.strip()]
    for name in names:
        if names.count(name) > 1:
            raise ValidationError(f"{where}: “{name}” appears twice in {what}.")
        if len(name) > 100:
            raise ValidationError(f"{where}: “{name[:20]}…” in {what} is too long.")
    return names


def definition_clean(definition: Any) -> dict[str, Any]:
    """The definition in its normal form (every attribute present, texts trimmed), or a
    ValidationError naming the field or outcome at fault."""
    if not isinstance(definition, dict):
        raise ValidationError("A form definition is an object with “fields” and “outcomes”.")
    unknown = set(definition) - {"fields", "outcomes"}
    if unknown:
        raise ValidationError(f"A form definition has no “{sorted(unknown)[0]}”.")
    fields_in = definition.get("fields") or []
    outcomes_in = definition.get("outcomes") or []
    if not isinstance(fields_in, list) or not isinstance(outcomes_in, list):
        raise ValidationError("“fields” and “outcomes” must be lists.")
    fields, outcomes = [], []
    keys: set[str] = set()
    for i, item in enumerate(fields_in, start=1):
        if not isinstance(item, dict):
            raise ValidationError(f"Field {i} must be an object.")
        where = f"Field {i}"
        key = _key(item, where, keys)
        where = f"Field “{key}”"
        kind = item.get("type", "text")
        if kind not in FIELD_TYPES:
            raise ValidationError(f"{where}: type “{kind}” is not one of {', '.join(FIELD_TYPES)}.")
        choices = _names(item.get("choices"), where, "choices")
        if kind in ("choice", "multi_choice") and not choices:
            raise ValidationError(f"{where}: a {FIELD_TYPES[kind].lower()} field needs choices.")
        fields.append(
            {
                "key": key,
                "label": _text(item, "label", where, required=True),
                "type": kind,
                "required": bool(item.get("required", False)),
                "help": _text(item, "help", where, limit=500),
                "choices": choices if kind in ("choice", "multi_choice") else [],
            }
        )
    outcome_keys: set[str] = set()
    for i, item in enumerate(outcomes_in, start=1):
        if not isinstance(item, dict):
            raise ValidationError(f"Outcome {i} must be an object.")
        key = _key(item, f"Outcome {i}", outcome_keys)
        where = f"Outcome “{key}”"
        kind = item.get("type", "continuous")
        if kind not in OUTCOME_TYPES:
            raise ValidationError(f"{where}: type “{kind}” is not continuous or dichotomous.")
        direction = item.get("direction", "higher_better")
        if direction not in DIRECTIONS:
            raise ValidationError(
                f"{where}: direction “{direction}” is not higher_better or lower_better."
            )
        timepoints = _names(item.get("timepoints"), where, "time points")
        if not timepoints:
            raise ValidationError(f"{where}: give at least one time point.")
        outcomes.append(
            {
                "key": key,
                "name": _text(item, "name", where, required=True),
                "type": kind,
                "unit": _text(item, "unit", where, limit=50),
                "direction": direction,
                "timepoints": timepoints,
                "primary": bool(item.get("primary", False)),
            }
        )
    return {"fields": fields, "outcomes": outcomes}


def field_of(definition: dict, key: str) -> dict | None:
    return next((f for f in definition["fields"] if f["key"] == key), None)


def outcome_of(definition: dict, key: str) -> dict | None:
    return next((o for o in definition["outcomes"] if o["key"] == key), None)
