"""Test settings: the embedded defaults unless DATABASE_URL / REDIS_URL point at real services
(CI sets both, so the suite runs against PostgreSQL and Redis there)."""

import os
import time
from typing import Any, cast

from .base import *
from .base import CACHES, CHANNEL_LAYERS, DATABASES, PASSWORD_HASHERS, REDIS_URL, env

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

# --- Several workers (pytest-xdist, `make test TEST_WORKERS=2`) -----------------------------
# Each worker is a process of its own with its own test database (pytest-django appends the
# worker id, gw0, gw1, to the database name; the SQLite file above carries the pid as well).
# What the workers would otherwise share:
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"... or "" (one process)


def _redis_url_for_worker(url: str, worker: str) -> str:
    """``url`` on the Redis database ``base + 1 + N`` for worker gwN (base: the index in ``url``).

    The suite empties its Redis database (``cache.clear()`` is FLUSHDB; the live-notes fixture
    deletes every channel key), so two workers on one database would wipe each other's cache,
    throttle counts and channel messages mid-test. One database per worker keeps them apart;
    the base index itself stays unused by the workers, so a single-process run and a
    several-worker run of the same REDIS_URL do not meet either. Redis has 16 databases unless
    configured otherwise (0-15): an index past 15 is refused rather than wrapped onto a
    database someone else uses.
    """
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    from django.core.exceptions import ImproperlyConfigured

    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    path_db = parts.path.strip("/")
    base = int(query.get("db", "0") if parts.scheme == "unix" else path_db or query.get("db", "0"))
    index = base + 1 + int(worker.removeprefix("gw"))
    if index > 15:
        raise ImproperlyConfigured(
            f"Worker {worker} would use Redis database {index} (REDIS_URL's {base} + 1 + "
            f"{worker.removeprefix('gw')}); Redis has 0-15. Use a lower base index or fewer workers."
        )
    if parts.scheme == "unix" or (not path_db and "db" in query):
        query["db"] = str(index)
        return urlunsplit(parts._replace(query=urlencode(query)))
    return urlunsplit(parts._replace(path=f"/{index}"))


if XDIST_WORKER and REDIS_URL:
    # Everything that reads REDIS_URL (portal/settings/base.py: the cache and the channel
    # layer; tests/live_notes/conftest.py reads settings.REDIS_URL) follows. os.environ keeps
    # the base URL on purpose: a server a test starts as a subprocess (tests/live_notes/
    # test_two_processes.py) inherits it and PYTEST_XDIST_WORKER, and derives the same index.
    REDIS_URL = _redis_url_for_worker(REDIS_URL, XDIST_WORKER)
    CACHES["default"]["LOCATION"] = REDIS_URL
    cast(dict[str, Any], CHANNEL_LAYERS["default"]["CONFIG"])["hosts"] = [REDIS_URL]

# Uploaded media and case documents go to a folder of this run's own in the temporary
# directory, not the repository's media/ and private-media/ (shared by every worker, by other
# runs and by `make run`): the orphan sweeper and the retention tests delete what no row of
# *their* database refers to, which in a shared folder is the other worker's files. Tests that
# need an empty folder still set their own tmp_path. A subprocess a test starts inherits the
# folder through the environment (and leaves its removal to the process that made it); the
# variable is named per worker, since xdist's workers inherit the environment of the
# controller, which loads these settings too.
_FILES_ENV = f"VEILIGHUIS_TEST_FILES_ROOT_{XDIST_WORKER.upper()}".rstrip("_")
if not os.environ.get(_FILES_ENV):
    import atexit
    import shutil
    import tempfile

    os.environ[_FILES_ENV] = tempfile.mkdtemp(prefix=f"veilighuis-test-{XDIST_WORKER or 'files'}-")
    atexit.register(shutil.rmtree, os.environ[_FILES_ENV], ignore_errors=True)
MEDIA_ROOT = os.path.join(os.environ[_FILES_ENV], "media")
CASE_DOCUMENTS_ROOT = os.path.join(os.environ[_FILES_ENV], "case-documents")
