"""Error responses: JSON with a `detail` message under /api/, a plain page elsewhere."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def api_exception_handler(exc, context):
    # Keep the access helper's and the services' own messages instead of DRF's generic ones.
    if isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, Http404) and str(exc):
        exc = exceptions.NotFound(str(exc))
    elif isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        # Field errors: keep them per field and add one readable summary line.
        response.data = {"detail": _summarise(response.data), "errors": response.data}
    elif response is not None and isinstance(response.data, list):
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    return response


def _summarise(errors: dict) -> str:
    parts = []
    for place, messages in _flatten(errors):
        text = " ".join(messages)
        parts.append(
            text
            if place == "non_field_errors"
            # Translators: a field's name (kept in English: it is the API's) and its errors.
            else _("%(field)s: %(errors)s") % {"field": place, "errors": text}
        )
    # Translators: separates the errors of different fields in one summary line.
    return _("; ").join(parts)


def _flatten(errors: dict, prefix: str = ""):
    """(place, messages) for each field with errors; a nested field's place is its path, such
    as `exclusion_criteria.1` for the second item of a list."""
    for field, messages in errors.items():
        place = f"{prefix}{field}"
        if isinstance(messages, dict):
            yield from _flatten(messages, f"{place}.")
        elif isinstance(messages, list) and any(isinstance(m, dict) for m in messages):
            # A list of nested serializers: one dict of errors per item, empty when it is fine.
            for index, item in enumerate(messages):
                yield from _flatten(item, f"{place}.{index}.")
        elif isinstance(messages, list):
            yield place, [str(m) for m in messages]
        else:
            yield place, [str(messages)]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "errors/404.html", status=404)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    if _is_api(request):
        return JsonResponse({"detail": message or _("You do not have permission.")}, status=403)
    if request.headers.get("HX-Request"):
        message = message or _("Your role in this review does not allow this.")
        return render(request, "errors/_fragment.html", {"message": message}, status=403)
    return render(request, "errors/403.html", {"message": message}, status=403)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return render(request, "errors/400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"detail": _("Internal server error; the administrators have the details in the log.")},
            status=500,
        )
    # Rendered without the request: a context processor may be what failed.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = _(
        "The form was missing its security token or the token had expired. "
        "Go back, reload the page and try again."
    )
    if _is_api(request):
        return JsonResponse(
            # Translators: the reason comes from Django, in English.
            {"detail": _("CSRF check failed: %(reason)s") % {"reason": reason}},
            status=403,
        )
    if request.headers.get("HX-Request"):
        return render(request, "errors/_fragment.html", {"message": message}, status=403)
    return render(request, "errors/403.html", {"message": message}, status=403)


def login_locked_out(request: HttpRequest, credentials: dict | None = None) -> HttpResponse:
    """django-axes' answer once a username has failed too often from an address
    (`AXES_LOCKOUT_CALLABLE`): JSON under /api/, the login page's message elsewhere."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = ngettext(
        "Too many failed logins for this username from your address: try again in "
        "%(minutes)d minute.",
        "Too many failed logins for this username from your address: try again in "
        "%(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)
