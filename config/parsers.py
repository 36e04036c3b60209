"""Request parsers shared by every API endpoint (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES)."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

_JSON_KINDS = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}


class JSONObjectParser(JSONParser):
    """DRF's JSON parser, refusing a body that is valid JSON but not an object.

    Every endpoint reads named fields from its body, so an array, a number, a string, true,
    false or null is a client's mistake: 400 here, once for all endpoints, instead of an
    AttributeError (500) in whichever view calls `request.data.get`.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            kind = _JSON_KINDS.get(type(data), "a number")
            raise ParseError(
                f'The request body must be a JSON object, such as {{"name": "value"}}; '
                f"this one is {kind}."
            )
        return data
