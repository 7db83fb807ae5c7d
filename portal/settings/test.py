"""Test settings: the embedded defaults unless DATABASE_URL / REDIS_URL point at real services
(CI sets both, so the suite runs against PostgreSQL and Redis there)."""

import os
import time

from .base import *
from .base import DATABASES, PASSWORD_HASHERS, env

DEBUG = False
SECRET_KEY = "test-insecure-key-only-for-the-test-suite-00000000"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Argon2 stays first in base (and is asserted there); tests hash faster with MD5.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# No connection pool in the suite unless DB_POOL=true asks for one (the connections proof in
# bench/proof/ tests the pool under production settings): the test database is created and
# renamed after settings load, and Django drops it at the end only if no thread still holds a
# connection to it, while the live-server and ASGI-server fixtures serve requests from threads
# that borrow connections of their own. Plain connections as before (CONN_MAX_AGE, default 60)
# keep the suite's behaviour and speed unchanged.
if "pool" in DATABASES["default"].get("OPTIONS", {}) and not env.bool("DB_POOL", default=False):
    del DATABASES["default"]["OPTIONS"]["pool"]
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A fixed Open Badges key for the suite only (base64 of a published 32-byte seed).
OPEN_BADGES_SIGNING_KEY = "dGVzdC1vbmx5LW9wZW4tYmFkZ2VzLWtleS0wMDAwMDA="
# The suite loads the demo content (DEBUG is off here to test as production runs).
DEMO_CONTENT_ALLOWED = True
# The sign-in throttle's counts outlive a run on Redis; a key prefix per run keeps one run's
# failed sign-ins (same test addresses every time) from delaying the next run's.
THROTTLE_KEY_PREFIX = f"test-throttle:{os.getpid()}:{time.time_ns()}"
env  # re-exported for tests that read the environment  # noqa: B018
# On SQLite the test database is a file, not Django's shared-cache in-memory database: with
# shared cache, SQLite answers "table is locked" at once (no busy timeout applies) when the
# live-server or ASGI-server threads write while the test thread reads, so browser and
# live-notes tests failed by chance. A file in WAL mode uses the busy timeout like `make run`.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    import tempfile
    from pathlib import Path

    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"veilighuis-test-{os.getpid()}.sqlite3")
    }
