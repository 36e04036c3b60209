"""Settings for a real deployment: gunicorn behind a TLS proxy, PostgreSQL, Redis."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    CELERY_BROKER_URL,
    DATABASES,
    SILENCED_SYSTEM_CHECKS,
    env_bool,
    env_int,
    env_str,
    require_secret_key,
)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
require_secret_key(DEBUG, SECRET_KEY)


def refuse_embedded_defaults(database_engine: str, broker_url: str, allowed: bool) -> None:
    """SQLite and the folder broker serve one machine and a few users; a production server
    left on them by a missing variable would lose jobs and lock under load, silently."""
    embedded = []
    if database_engine == "django.db.backends.sqlite3":
        embedded.append("the SQLite database (set DATABASE_URL to a PostgreSQL URL)")
    if broker_url.startswith("filesystem://"):
        embedded.append("the folder broker (set REDIS_URL or CELERY_BROKER_URL to Redis)")
    if embedded and not allowed:
        raise ImproperlyConfigured(
            "config.settings.production would use "
            + " and ".join(embedded)
            + ". Set the variables, or set EVIDENT_ALLOW_EMBEDDED=1 if you really mean to run "
            "production on the embedded defaults."
        )


refuse_embedded_defaults(
    DATABASES["default"]["ENGINE"],
    CELERY_BROKER_URL,
    env_bool("EVIDENT_ALLOW_EMBEDDED", False),
)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list binds every subdomain for a long time; that is the
# operator's decision (SECURE_HSTS_PRELOAD=1), not a default we should make for them.
SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
