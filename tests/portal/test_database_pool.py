"""Database connections under ASGI: no persistent connections, psycopg's pool sized from the
environment, and a connection budget that fits PostgreSQL's limit in docker-compose.yml.
The load itself is proven by ``PROOF_ONLY=connections make proof``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "Vq3-production-like-secret-for-a-test-run-8d2Kf0Zp1yQ7wX5mB9nR4tL6",
    "OPEN_BADGES_SIGNING_KEY": "z3u2YnkexxeM4TC8zQ67pdVze7GBKyfU9p1Z4ygtfgrvQFDz",
    "ALLOWED_HOSTS": "veilighuis.example",
    "DATABASE_URL": "postgres://veilighuis:secret@db:5432/veilighuis",
}
POOL_VARIABLES = ("DB_POOL", "DB_POOL_MIN_SIZE", "DB_POOL_MAX_SIZE", "DB_POOL_TIMEOUT")


def database_settings(**extra: str) -> dict:
    """``DATABASES["default"]`` as a production process with this environment builds it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "CONN_MAX_AGE", *POOL_VARIABLES}
    }
    env.update(PRODUCTION_ENV, **extra)
    code = (
        "import json; from django.conf import settings;"
        "d = settings.DATABASES['default'];"
        "print(json.dumps({k: d.get(k) for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', 'OPTIONS')}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_pools_connections_and_keeps_none_open_per_thread() -> None:
    db = database_settings()
    assert db["CONN_MAX_AGE"] == 0  # psycopg's pool requires it; ASGI needs it anyway
    assert db["CONN_HEALTH_CHECKS"] is True  # the pool checks a connection before lending it
    pool = db["OPTIONS"]["pool"]
    assert pool["min_size"] == 2
    assert pool["max_size"] == 10
    assert 0 < pool["timeout"] < 15  # wait for a connection, but answer before a proxy gives up


def test_the_pool_is_sized_from_the_environment() -> None:
    db = database_settings(DB_POOL_MIN_SIZE="1", DB_POOL_MAX_SIZE="6", DB_POOL_TIMEOUT="4.5")
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 6, "timeout": 4.5, "max_idle": 120}


def test_without_the_pool_connections_are_not_persistent_unless_asked() -> None:
    db = database_settings(DB_POOL="false")
    assert "pool" not in (db["OPTIONS"] or {})
    assert db["CONN_MAX_AGE"] == 0
    assert database_settings(DB_POOL="false", CONN_MAX_AGE="60")["CONN_MAX_AGE"] == 60


def test_the_connection_budget_fits_compose_and_the_proof() -> None:
    """compose's PostgreSQL and the proof's private cluster share one limit, and every process
    compose starts at its pool's maximum (web workers with the live-notes writer's own
    connection each, the worker, the scheduler) leaves room for migrations and psql."""
    from bench.proof.infra import MAX_CONNECTIONS

    compose = (ROOT / "docker-compose.yml").read_text()
    limits = re.findall(r"max_connections=(\d+)", compose)
    assert limits == [str(MAX_CONNECTIONS)] == ["100"]
    workers = int(re.search(r"WEB_CONCURRENCY:-(\d+)", compose).group(1))
    max_size = database_settings()["OPTIONS"]["pool"]["max_size"]
    budget = workers * (max_size + 1) + 2 * max_size
    assert budget <= MAX_CONNECTIONS - 20, budget
