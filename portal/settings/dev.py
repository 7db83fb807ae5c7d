"""Local development: embedded defaults, DEBUG on, a throwaway key that never reaches production."""

from .base import *
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-key-only-for-local-development-0000")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# The served port (make run passes PORT on to the server, e.g. PORT=8080 make run): the
# trusted origins and the absolute links in e-mails (sign-up, invitations) follow it unless
# PORTAL_BASE_URL / CSRF_TRUSTED_ORIGINS say otherwise.
_PORT = env.int("PORT", default=8000)
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"http://127.0.0.1:{_PORT}", f"http://localhost:{_PORT}"]
)
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default=f"http://127.0.0.1:{_PORT}")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default=PORTAL_BASE_URL)
# Serve static files straight from the app folders while developing (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Open Badges signing key: OPEN_BADGES_SIGNING_KEY if set, else one generated on first use and
# kept in this gitignored file, so badges issued locally verify across restarts.
OPEN_BADGES_SIGNING_KEY = env.str("OPEN_BADGES_SIGNING_KEY", default="")
OPEN_BADGES_DEV_KEY_FILE = BASE_DIR / ".open-badges-dev-key"
OPEN_BADGES_RETIRED_PUBLIC_KEYS = env.list("OPEN_BADGES_RETIRED_PUBLIC_KEYS", default=[])

# manage.py load_demo_content creates accounts with a published password: only while DEBUG is on.
DEMO_CONTENT_ALLOWED = DEBUG

if DEBUG:
    INSTALLED_APPS = [*INSTALLED_APPS, "portal.devtools"]
