"""Settings for pytest. The database comes from DATABASE_URL like everywhere else, so the
same suite runs on SQLite and, in CI's second pass, on PostgreSQL with Redis."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR, env_bool

DEBUG = False
SECRET_KEY = "test-key-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]

# Unit tests run tasks in-process; tests/integration starts a real worker and turns this off.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
CELERY_TASK_EAGER_PROPAGATES = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the real worker process in tests/integration must see the data.
    # One per test process, so two runs at once (a developer's and an editor's) don't collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

MEDIA_ROOT = VAR_DIR / "test-media"
