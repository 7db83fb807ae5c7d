"""Production: everything from the environment, secure cookies and HSTS, hashed static files.

Refuses to start without SECRET_KEY (django-environ raises ImproperlyConfigured).
"""

from .base import *
from .base import env

DEBUG = env.bool("DEBUG", default=False)
# Never from the environment: demo accounts have a published password and authenticator key.
DEMO_CONTENT_ALLOWED = False
SECRET_KEY = env.str("SECRET_KEY")
# Signs every Open Badge and status list (docs/open-badges.md): required, like SECRET_KEY.
OPEN_BADGES_SIGNING_KEY = env.str("OPEN_BADGES_SIGNING_KEY")
OPEN_BADGES_RETIRED_PUBLIC_KEYS = env.list("OPEN_BADGES_RETIRED_PUBLIC_KEYS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=True) else None
)
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-vh_session"
CSRF_COOKIE_NAME = "__Host-vh_csrf"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
