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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

FIELD_TYPES = {
    "text": gettext_lazy("Text"),
    "number": gettext_lazy("Number"),
    "integer": gettext_lazy("Whole number"),
    "choice": gettext_lazy("One choice"),
    "multi_choice": gettext_lazy("Several choices"),
    "date": gettext_lazy("Date"),
    "yes_no": gettext_lazy("Yes / no"),
}
OUTCOME_TYPES = {
    "continuous": gettext_lazy("Continuous"),
    "dichotomous": gettext_lazy("Dichotomous"),
}
DIRECTIONS = {
    "higher_better": gettext_lazy("Higher is better"),
    "lower_better": gettext_lazy("Lower is better"),
}
KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

# PICO and design, for any review; leads add their own fields and the review's outcomes.
# Labels and help are stored in English in the form's versions (data); the entry page shows
# them translated (gettext_noop only puts them in the catalogue). Choices are data: not marked.
DEFAULT_FIELDS: list[dict[str, Any]] = [
    {"key": "country", "label": gettext_noop("Country"), "type": "text", "required": True},
    {
        "key": "setting",
        "label": gettext_noop("Setting"),
        "type": "choice",
        "choices": ["Single centre", "Multicentre"],
    },
    {
        "key": "population",
        "label": gettext_noop("Participants"),
        "type": "text",
        "required": True,
        "help": gettext_noop("Condition, inclusion criteria, age and sex as reported."),
    },
    {
        "key": "intervention",
        "label": gettext_noop("Intervention"),
        "type": "text",
        "required": True,
    },
    {"key": "comparator", "label": gettext_noop("Comparator"), "type": "text", "required": True},
    {"key": "sessions", "label": gettext_noop("Number of sessions"), "type": "integer"},
    {
        "key": "follow_up",
        "label": gettext_noop("Follow-up"),
        "type": "text",
        "help": gettext_noop("e.g. 6 months"),
    },
    {"key": "registration", "label": gettext_noop("Trial registration"), "type": "text"},
    {"key": "funding", "label": gettext_noop("Funding"), "type": "text"},
    {"key": "conflicts", "label": gettext_noop("Conflicts of interest declared"), "type": "yes_no"},
]

# The texts above, in English as stored: only these are shown translated (a lead's own label
# such as "Sessions" would otherwise pick up an unrelated translation from another catalogue).
BUILT_IN_TEXTS = frozenset(
    text for f in DEFAULT_FIELDS for text in (f["label"], f.get("help", "")) if text
)


def shown(text: str) -> str:
    """A field's label or help as the page shows it: a built-in one translated."""
    return _(text) if text in BUILT_IN_TEXTS else text


def default_definition() -> dict[str, Any]:
    return definition_clean({"fields": DEFAULT_FIELDS, "outcomes": []})


def _text(item: dict, name: str, where: str, *, required: bool = False, limit: int = 200) -> str:
    value = item.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(
            _("%(where)s: “%(name)s” must be text.") % {"where": where, "name": name}
        )
    value = value.strip()
    if required and not value:
        raise ValidationError(
            _("%(where)s: “%(name)s” is required.") % {"where": where, "name": name}
        )
    if len(value) > limit:
        raise ValidationError(
            _("%(where)s: “%(name)s” is longer than %(limit)s characters.")
            % {"where": where, "name": name, "limit": limit}
        )
    return value


def _key(item: dict, where: str, seen: set[str]) -> str:
    key = _text(item, "key", where, required=True, limit=64)
    if not KEY.match(key):
        raise ValidationError(
            _(
                "%(where)s: key “%(key)s” must start with a letter and hold only lower-case "
                "letters, digits and underscores."
            )
            % {"where": where, "key": key}
        )
    if key in seen:
        raise ValidationError(
            _("%(where)s: key “%(key)s” is used twice.") % {"where": where, "key": key}
        )
    seen.add(key)
    return key


def _names(value: Any, where: str, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(
            _("%(where)s: “%(what)s” must be a list of texts.") % {"where": where, "what": what}
        )
    names = [v.strip() for v in value if v.strip()]
    for name in names:
        if names.count(name) > 1:
            raise ValidationError(
                _("%(where)s: “%(name)s” appears twice in %(what)s.")
                % {"where": where, "name": name, "what": what}
            )
        if len(name) > 100:
            raise ValidationError(
                _("%(where)s: “%(name)s…” in %(what)s is too long.")
                % {"where": where, "name": name[:20], "what": what}
            )
    return names


def definition_clean(definition: Any) -> dict[str, Any]:
    """The definition in its normal form (every attribute present, texts trimmed), or a
    ValidationError naming the field or outcome at fault."""
    if not isinstance(definition, dict):
        raise ValidationError(_("A form definition is an object with “fields” and “outcomes”."))
    unknown = set(definition) - {"fields", "outcomes"}
    if unknown:
        raise ValidationError(
            _("A form definition has no “%(name)s”.") % {"name": sorted(unknown)[0]}
        )
    fields_in = definition.get("fields") or []
    outcomes_in = definition.get("outcomes") or []
    if not isinstance(fields_in, list) or not isinstance(outcomes_in, list):
        raise ValidationError(_("“fields” and “outcomes” must be lists."))
    fields, outcomes = [], []
    keys: set[str] = set()
    for i, item in enumerate(fields_in, start=1):
        if not isinstance(item, dict):
            raise ValidationError(_("Field %(n)s must be an object.") % {"n": i})
        where = _("Field %(n)s") % {"n": i}
        key = _key(item, where, keys)
        where = _("Field “%(key)s”") % {"key": key}
        kind = item.get("type", "text")
        if kind not in FIELD_TYPES:
            raise ValidationError(
                _("%(where)s: type “%(kind)s” is not one of %(types)s.")
                % {"where": where, "kind": kind, "types": ", ".join(FIELD_TYPES)}
            )
        choices = _names(item.get("choices"), where, _("choices"))
        if kind in ("choice", "multi_choice") and not choices:
            raise ValidationError(
                _("%(where)s: a %(type)s field needs choices.")
                % {"where": where, "type": FIELD_TYPES[kind].lower()}
            )
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
            raise ValidationError(_("Outcome %(n)s must be an object.") % {"n": i})
        key = _key(item, _("Outcome %(n)s") % {"n": i}, outcome_keys)
        where = _("Outcome “%(key)s”") % {"key": key}
        kind = item.get("type", "continuous")
        if kind not in OUTCOME_TYPES:
            raise ValidationError(
                _("%(where)s: type “%(kind)s” is not continuous or dichotomous.")
                % {"where": where, "kind": kind}
            )
        direction = item.get("direction", "higher_better")
        if direction not in DIRECTIONS:
            raise ValidationError(
                _("%(where)s: direction “%(direction)s” is not higher_better or lower_better.")
                % {"where": where, "direction": direction}
            )
        timepoints = _names(item.get("timepoints"), where, _("time points"))
        if not timepoints:
            raise ValidationError(_("%(where)s: give at least one time point.") % {"where": where})
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
