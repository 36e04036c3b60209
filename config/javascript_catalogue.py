"""The strings page scripts show, as a script file the browser keeps.

Django's JavaScriptCatalog answers at one URL in the request's language, so a browser could
keep it only at the risk of showing the wrong language, and every page asked again: one more
round trip before htmx starts, since it waits for the last deferred script. Here the URL names
the language and a version of the catalogues, so a page asks for exactly the file it needs and
the browser keeps it; new translations make a new version, so a new URL.
"""

import functools
import hashlib
from pathlib import Path

import django
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.i18n import JavaScriptCatalog

KEPT_FOR = 365 * 24 * 60 * 60  # a year: the URL changes when the content does
_django_catalogue = JavaScriptCatalog.as_view()


@functools.cache
def catalogue_version() -> str:
    """Changes whenever a compiled script catalogue of ours, or Django's, changes."""
    digest = hashlib.sha256(django.get_version().encode())
    for folder in map(Path, settings.LOCALE_PATHS):
        for compiled in sorted(folder.glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(compiled.relative_to(folder).as_posix().encode())
            digest.update(compiled.read_bytes())
    return digest.hexdigest()[:12]


def catalogue_url(language: str) -> str:
    return reverse("javascript-catalog", args=[language, catalogue_version()])


@require_safe
def javascript_catalogue(request: HttpRequest, language: str, version: str) -> HttpResponse:
    if language not in dict(settings.LANGUAGES):
        raise Http404(_("No interface language “%(code)s”.") % {"code": language})
    with translation.override(language):
        response = _django_catalogue(request)
    response.headers["Content-Language"] = language
    # A page from before new translations asks for its old version: it gets today's file,
    # which the browser must not keep under the old URL.
    if version == catalogue_version():
        patch_cache_control(response, public=True, max_age=KEPT_FOR, immutable=True)
    else:
        patch_cache_control(response, no_cache=True)
    return response
