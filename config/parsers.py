from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def json_kind(value) -> str:
    """How JSON calls the type of a parsed JSON value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, str):
        return _("a string")
    return _("an array") if isinstance(value, list) else _("an object")


class JSONObjectParser(JSONParser):
    """DRF's JSON parser, refusing a body that is not a JSON object: every endpoint reads
    named fields from its body, and a list, string, number or null would otherwise reach the
    view and fail there (500) instead of answering 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(
                # Translators: the end says what the body is instead, e.g. "an array".
                _("The JSON body must be an object of named fields, not %(kind)s.")
                % {"kind": json_kind(data)}
            )
        return data
