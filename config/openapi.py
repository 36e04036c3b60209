"""The parts of the OpenAPI schema (/api/schema/) that every operation shares: the error body
(`{"detail": …}`, see config/errors.py) and which error statuses an operation can answer.

They are added here, from the shape of each operation, so no endpoint lists them by hand and a
new endpoint is documented truthfully without thinking about it.
"""

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from config.pagination import PageNumberPagination


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    errors = serializers.DictField(
        required=False,
        help_text="Validation errors only: the messages by field name (nested for nested "
        "fields), of which `detail` is the summary.",
    )


# Shared responses (`components/responses`), by status: name and description.
ERRORS = {
    "400": ("BadRequest", "The request is invalid: `detail` says what and where."),
    "401": (
        "NotAuthenticated",
        "Not authenticated: send `Authorization: Token <key>` (or a session cookie).",
    ),
    "403": (
        "PermissionDenied",
        "Your role in the review does not allow this (or a session request lacks its CSRF token).",
    ),
    "404": (
        "NotFound",
        "No such object, or not in a review you are a member of; for a list, no such page.",
    ),
    "413": (
        "RequestTooLarge",
        "The request body is larger than the server accepts (MAX_UPLOAD_MB).",
    ),
    "415": (
        "UnsupportedMediaType",
        "The request body is in a content type this operation does not accept.",
    ),
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the error responses each operation can give."""

    def map_parsers(self):
        # A JSON endpoint also parses forms (DRF's defaults), but form encodings cannot carry
        # the lists, nulls and numbers of its body: documenting them would promise what a
        # form cannot say. Uploads, which only take multipart, keep it.
        media_types = super().map_parsers()
        return ["application/json"] if "application/json" in media_types else media_types

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code, response in responses.items():
            if code.startswith("4") and "content" not in response:
                # Every error under /api/ is JSON with a `detail`, also the ones a view
                # documents by a description of its own.
                error = OpenApiResponse(ErrorSerializer, description=response["description"])
                responses[code] = self._get_response_for_code(error, code)
        for code in self._error_codes(operation):
            if code not in responses:
                responses[code] = self._shared_error(code)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _shared_error(self, code: str) -> dict:
        name, description = ERRORS[code]
        error = OpenApiResponse(ErrorSerializer, description=description)
        component = ResolvedComponent(
            name=name,
            type=ResolvedComponent.RESPONSE,
            schema=self._get_response_for_code(error, code),
            object=name,
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _error_codes(self, operation: dict) -> list[str]:
        codes = []
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        filters = [
            p
            for p in parameters
            if p["in"] == "query" and p["name"] != PageNumberPagination.page_query_param
        ]
        if has_body or filters:
            codes.append("400")
        if any(operation.get("security", [])):
            codes += ["401", "403"]
        paginated = any(p["name"] == PageNumberPagination.page_query_param for p in parameters)
        if paginated or any(p["in"] == "path" for p in parameters):
            codes.append("404")
        if has_body:
            codes += ["413", "415"]
        return codes
