"""Settings for `make run` on a developer's or a small team's machine."""

from .base import *  # noqa: F403
from .base import env_bool, env_str, require_secret_key

DEBUG = env_bool("DEBUG", True)
# Only a debug server may fall back to a key that is public in this file.
SECRET_KEY = env_str("SECRET_KEY") or ("local-development-key-not-secret" if DEBUG else None)
require_secret_key(DEBUG, SECRET_KEY)

# The app's own error pages even with DEBUG on (config.middleware.AppErrorPagesMiddleware);
# DEBUG_ERROR_PAGES=1 brings back Django's debug pages for a developer chasing a bug.
if DEBUG and not env_bool("DEBUG_ERROR_PAGES", False):
    MIDDLEWARE = [*MIDDLEWARE, "config.middleware.AppErrorPagesMiddleware"]  # noqa: F405
