"""Production-shaped configuration: secrets from the environment, headers, deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "SECRET_KEY": "Vq3-production-like-secret-for-a-test-run-8d2Kf0Zp1yQ7wX5mB9nR4tL6",
    "OPEN_BADGES_SIGNING_KEY": "z3u2YnkexxeM4TC8zQ67pdVze7GBKyfU9p1Z4ygtfgrvQFDz",
    "ALLOWED_HOSTS": "veilighuis.example",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "OPEN_BADGES_SIGNING_KEY",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_argon2_is_the_password_hasher_of_every_real_environment() -> None:
    from portal.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.parametrize("password", ["kort-1234", "password123456", "123456789012345"])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted() -> None:
    validate_password("lente-regen-over-het-schelde-dal")


def test_production_refuses_to_start_without_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_open_badges_key() -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "OPEN_BADGES_SIGNING_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "OPEN_BADGES_SIGNING_KEY" in result.stderr


def test_a_malformed_open_badges_key_fails_the_check() -> None:
    result = run_manage("check", env={**PRODUCTION_ENV, "OPEN_BADGES_SIGNING_KEY": "not-a-key"})
    assert result.returncode != 0
    assert "training.E001" in result.stdout + result.stderr


def test_check_deploy_prints_no_warnings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_and_hsts_are_strict() -> None:
    code = (
        "from portal.settings import production as p;"
        "print(p.SESSION_COOKIE_SECURE, p.CSRF_COOKIE_SECURE, p.SESSION_COOKIE_HTTPONLY,"
        " p.SESSION_COOKIE_SAMESITE, p.SECURE_HSTS_SECONDS >= 31536000, p.DEBUG,"
        " p.STORAGES['staticfiles']['BACKEND'], p.CACHES['default']['BACKEND'],"
        " p.CHANNEL_LAYERS['default']['BACKEND'])"
    )
    env = {**os.environ, **PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/9"}
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[:6] == ["True", "True", "True", "Lax", "True", "False"]
    assert out[6] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert out[7] == "django.core.cache.backends.redis.RedisCache"
    assert out[8] == "channels_redis.pubsub.RedisPubSubChannelLayer"


@pytest.mark.django_db
@override_settings(
    SECURE_HSTS_SECONDS=63072000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_security_headers_on_pages_redirects_and_errors(client: Client) -> None:
    for path, expected in [
        ("/account/aanmelden/", 200),
        ("/samenwerking/", 302),
        ("/bestaat-niet/", 404),
    ]:
        response = client.get(path, secure=True)
        assert response.status_code == expected, path
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Strict-Transport-Security"].startswith("max-age=63072000")


@pytest.mark.django_db
def test_wagtail_admin_may_use_inline_styles_but_never_inline_script(
    verified_client, make_user
) -> None:
    client = verified_client(make_user(is_staff=True, is_superuser=True))
    csp = client.get("/cms/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp
    assert "script-src 'self';" in csp + ";"


def test_settings_come_from_the_environment_in_tests_too() -> None:
    # CI points these at PostgreSQL and Redis; locally they fall back to the embedded defaults.
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    else:
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    if os.environ.get("REDIS_URL"):
        assert (
            settings.CHANNEL_LAYERS["default"]["BACKEND"]
            == "channels_redis.pubsub.RedisPubSubChannelLayer"
        )
    else:
        assert (
            settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
        )
