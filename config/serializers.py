"""Input serializers that hold a JSON body to the types the schema gives its fields.

DRF converts where it can: a number where a string is due becomes a string, "5" or 5.0 an
integer, "yes" or 1 a boolean, false the number 0. That suits HTML forms, whose values are all
text, but in JSON the type is part of what the client says, and the OpenAPI schema promises
it: a JSON value of the wrong type is refused (400) with its field named.
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.utils import html

from config.parsers import json_kind


def _expected(field) -> tuple[str, tuple[type, ...]] | None:
    """The JSON type the field takes, by name and as Python types (the booleans come first:
    to Python a bool is an int)."""
    if isinstance(field, serializers.BooleanField):
        return _("true or false"), (bool,)
    if isinstance(field, serializers.IntegerField):
        return _("an integer"), (int,)
    if isinstance(field, serializers.FloatField):
        return _("a number"), (int, float)
    if isinstance(field, serializers.CharField):
        return _("a string"), (str,)
    if isinstance(field, serializers.ChoiceField) and all(
        isinstance(choice, str) for choice in field.choices
    ):
        return _("a string"), (str,)
    if isinstance(field, serializers.ListField):
        return _("an array"), (list,)
    return None


def _type_error(field, value) -> list[str] | dict[str, list[str]] | None:
    expected = _expected(field)
    if value is None or expected is None:
        # null is the field's own business (allow_null); other fields check themselves.
        return None
    name, types = expected
    if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
        # Translators: e.g. "Must be an integer, not a string."
        return [
            _("Must be %(expected)s, not %(kind)s.") % {"expected": name, "kind": json_kind(value)}
        ]
    if isinstance(field, serializers.ListField):
        items = {str(i): _type_error(field.child, item) for i, item in enumerate(value)}
        return {i: error for i, error in items.items() if error} or None
    return None


class JSONTypes:
    """Mixed into an input serializer (before DRF's class): refuses JSON values of the wrong
    type for its fields before DRF converts them. Form input is left to DRF."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and not html.is_html_input(data):
            errors = {}
            for field in self.fields.values():
                if not field.read_only and field.field_name in data:
                    error = _type_error(field, data[field.field_name])
                    if error:
                        errors[field.field_name] = error
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
