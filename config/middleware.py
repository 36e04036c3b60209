import logging
import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render, resolve_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

from config import errors


class ServerTimingMiddleware:
    """Add ``Server-Timing: app;dur=<ms>``, the time the request spent inside Django.

    First in MIDDLEWARE, so it covers the other middleware too. Browsers' developer tools
    show it beside the network time, and bench/bench_screening.py reads it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        return response


# The session holds a signed-in person's chosen language (copied from their account settings
# when they log in), so choosing it costs no query per request.
LANGUAGE_SESSION_KEY = "evident_language"


class UserLanguageMiddleware(LocaleMiddleware):
    """Activate the language a person chose, else the one their browser asks for.

    A script talking to the API says what it wants with Accept-Language, which then wins over
    the account's choice; pages follow the account, then Django's language cookie (set by the
    switch in the header before logging in), then Accept-Language.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = None
        if request.path.startswith("/api/"):
            language = _language_from_header(request)
        if language is None:
            chosen = request.session.get(LANGUAGE_SESSION_KEY)
            if chosen and translation.check_for_language(chosen):
                language = chosen
        if language is None:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _language_from_header(request: HttpRequest) -> str | None:
    """The first supported language of Accept-Language, ignoring the cookie Django reads first."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy of settings.SECURE_CSP with every response.

    SECURE_CSP has the form Django 6.0's own middleware (django.middleware.csp) reads, so after
    that upgrade this class can give way to it. A response that sets its own policy keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's debug pages (DEBUG on, errors only) style and script themselves inline.
        if settings.SECURE_CSP and not (settings.DEBUG and response.status_code >= 400):
            policy = "; ".join(
                f"{directive} {' '.join(sources)}"
                for directive, sources in settings.SECURE_CSP.items()
            )
            response.setdefault("Content-Security-Policy", policy)
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than MAX_UPLOAD_SIZE, before reading it.

    Django's own DATA_UPLOAD_MAX_MEMORY_SIZE ignores file parts, so without this a client
    could stream any amount of data to disk.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_UPLOAD_SIZE
        if length > limit:
            return self._refuse(request, length, limit)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, length: int, limit: int) -> HttpResponse:
        message = _(
            "The upload is %(size)s MB; the limit on this server is %(limit)s MB "
            "(setting MAX_UPLOAD_MB)."
        ) % {"size": f"{length / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=413)
        if request.headers.get("HX-Request"):
            # A fragment for the part of the page that made the request.
            return render(request, "errors/_fragment.html", {"message": message}, status=413)
        return render(request, "errors/413.html", {"message": message}, status=413)


class HtmxSessionMiddleware:
    """Send an htmx request whose session has expired to the login page as a whole page.

    Otherwise htmx follows the redirect itself and swaps the login form into a fragment of the
    page, and after logging in the user would land on a POST-only URL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        login = resolve_url(settings.LOGIN_URL)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response.get("Location", "").startswith(login)
        ):
            current = urlsplit(request.htmx.current_url or "/")
            target = f"{login}?{urlencode({'next': current.path or '/'})}"
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
        return response


class AppErrorPagesMiddleware:
    """Under `make run` (DEBUG on) show the app's own 404, 403 and 500 pages, as production
    does, instead of Django's debug pages, which list every URL and look broken to a user.

    The traceback of a 500 still goes to the console. Set DEBUG_ERROR_PAGES=1 to get
    Django's debug pages back (config/settings/local.py leaves this middleware out then).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A URL that matched no pattern never reaches a view, so process_exception does not
        # see it; Django's debug 404 has already been rendered by then.
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return errors.not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, Http404):
            return errors.not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return errors.permission_denied(request, exception)
        if settings.DEBUG:
            logging.getLogger("django.request").exception("Internal Server Error: %s", request.path)
            return errors.server_error(request)
        return None
