"""Test settings: the embedded defaults unless DATABASE_URL / REDIS_URL point at real services
(CI sets both, so the suite runs against PostgreSQL and Redis there)."""

from .base import *
from .base import PASSWORD_HASHERS, env

DEBUG = False
SECRET_KEY = "test-insecure-key-only-for-the-test-suite-00000000"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Argon2 stays first in base (and is asserted there); tests hash faster with MD5.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
env  # re-exported for tests that read the environment  # noqa: B018
