"""Settings shared by every environment.

Everything that differs between machines comes from the environment (django-environ), so the
same code runs on a laptop with embedded defaults (SQLite, in-memory channel layer, local-memory
cache) and in production with PostgreSQL and Redis. Secrets never live in this file.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Our apps first so that their templates and translations win over the libraries'.
    "portal.accounts",
    "portal.security",
    "portal.audit",
    "portal.scheduling",
    "portal.organisations",
    "content",
    "content.training",
    "collaboration",
    "collaboration.live_notes",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.sitemaps",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Two factors, lockout, change history, background tasks, live connections
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "axes",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "channels",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: forwarding headers (X-Forwarded-Proto for SECURE_PROXY_SSL_HEADER included) count
    # only from TRUSTED_PROXIES (portal/security/client_address.py).
    "portal.security.client_address.TrustedProxyHeadersMiddleware",
    # Oversized bodies refused before anything reads them (portal/security/uploads.py).
    "portal.security.uploads.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.security.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous public pages from the cache, CSP header included; the headers above still apply
    # (see content/cache.py).
    "content.cache.AnonymousPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Cache-Control: no-store for signed-in users and protected paths (portal/security/middleware).
    "portal.security.middleware.NoStoreMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.audit.context.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After OTPMiddleware: expiry and the second-factor gate need request.user.is_verified().
    "portal.security.middleware.SessionExpiryMiddleware",
    "portal.security.middleware.SecondFactorRequiredMiddleware",
    "portal.security.middleware.AdminStylePolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # The per-account throttle's "try again at" page; just outside axes, whose lockout wins.
    "portal.security.throttle.SignInThrottleMiddleware",
    # Last, as django-axes asks: it turns lockouts raised further in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

ASGI_APPLICATION = "portal.asgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must hold with several people at once (make run, the suite). In
    # SQLite's default mode a writer locks readers out, and a deferred transaction that has read
    # cannot wait for the write lock: SQLite refuses it at once ("database is locked"), which
    # failed live-notes keystrokes, page loads and Wagtail publishes while two people typed.
    # WAL lets reads run beside the one writer; IMMEDIATE transactions take the write lock at
    # BEGIN, where the busy timeout applies, so concurrent writers queue instead of failing.
    # synchronous=NORMAL is durable in WAL except for the last commits on a power cut.
    _SQLITE_BUSY_SECONDS = env.int("SQLITE_BUSY_TIMEOUT", default=20)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                f"PRAGMA busy_timeout={_SQLITE_BUSY_SECONDS * 1000};"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": _SQLITE_BUSY_SECONDS,
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No persistent connections under ASGI: every request runs in a thread of its own (asgiref
    # gives each request its own one-thread executor), so CONN_MAX_AGE > 0 left a connection
    # behind per thread until PostgreSQL refused new ones (docs/performance.md, "Database
    # connections"). Instead psycopg's pool, one per process: a request borrows a connection at
    # its first query and returns it at its end; at most DB_POOL_MAX_SIZE per process however
    # many requests run at once, and a request beyond that waits up to DB_POOL_TIMEOUT seconds
    # for one instead of being refused. Budget (PostgreSQL's max_connections=100, as in
    # docker-compose.yml): WEB_CONCURRENCY x (max_size + 1 live-notes connection,
    # collaboration/live_notes/pgasync.py) + the task worker and the scheduler (max_size each, 1
    # or 2 used): 4 x 11 + 2 x 10 = 64 at the most, leaving room for migrations and psql.
    # DB_POOL=false goes back to plain connections (then CONN_MAX_AGE applies, default 0).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # with the pool: checked before lending
    if env.bool("DB_POOL", default=True):
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool refuses anything else
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
            # Connections above min_size unused this long are closed, one per period.
            "max_idle": env.float("DB_POOL_MAX_IDLE", default=120.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="vh"),
        }
    }
    # Redis Pub/Sub relays live-note updates with a far lower tail latency than the list-based
    # layer (measured: p99 29 ms vs 227 ms at 30 clients, 0.45 s vs 1.45 s at 100; bench/live_notes.py).
    # CHANNEL_LAYER=core selects the list-based layer, e.g. to compare.
    if env.str("CHANNEL_LAYER", default="pubsub") == "core":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": [REDIS_URL],
                    "prefix": env.str("CHANNEL_PREFIX", default="vh"),
                    # The default of 100 drops messages silently under a busy meeting.
                    "capacity": 1500,
                    "expiry": 30,
                },
            }
        }
    else:
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [REDIS_URL], "prefix": env.str("CHANNEL_PREFIX", default="vh")},
            }
        }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Periodic work, enqueued by ``manage.py run_scheduler``: task path -> interval in seconds.
# Working days (Monday to Friday, Brussels dates) a coordinator has to accept or decline a
# referral before it escalates to the region's coordinators (issue 17, item 5).
REFERRAL_DECISION_WORKING_DAYS = env.int("REFERRAL_DECISION_WORKING_DAYS", default=5)
PERIODIC_TASKS = {
    "portal.audit.tasks.verify_audit_chain": env.int("AUDIT_VERIFY_INTERVAL", default=3600),
    "collaboration.tasks.notify_due_actions": env.int("DUE_ACTIONS_INTERVAL", default=86400),
    # Consult questions unanswered after two working days (collaboration/services/consults.py).
    "collaboration.tasks.escalate_unanswered_consults": 3600,
    # Risk assessments due again: the case director is told once (collaboration/services/risk.py).
    "collaboration.tasks.notify_risk_reviews_due": 86400,
    # Referrals undecided after REFERRAL_DECISION_WORKING_DAYS (collaboration/services/referrals.py).
    "collaboration.tasks.escalate_undecided_referrals": 3600,
    # Retention (docs/privacy.md): a daily proposal a privacy officer confirms; orphaned files.
    "collaboration.tasks.propose_retention_runs": env.int("RETENTION_INTERVAL", default=86400),
    "collaboration.tasks.sweep_orphaned_documents": 3600,
    # Subject access: the legal deadline, reminded a few days before (docs/privacy.md).
    "collaboration.subject_access.tasks.remind_subject_access_deadlines": 86400,
    "content.training.tasks.send_due_reminders": 3600,
    "content.training.tasks.expire_offers": 600,
    "content.training.tasks.purge_peer_support_registrations": 86400,
    "collaboration.live_notes.tasks.prune_stale_connections": 300,
}
# Live notes: seconds between a connection's presence refreshes (stale after three).
LIVE_NOTES_PRESENCE_HEARTBEAT = env.int("LIVE_NOTES_PRESENCE_HEARTBEAT", default=30)
# Keystrokes commit without waiting for the WAL flush (migration live_notes 0004 says why);
# True makes every keystroke wait for the disk.
LIVE_NOTES_DURABLE_COMMIT = env.bool("LIVE_NOTES_DURABLE_COMMIT", default=False)
# Most bytes of updates one meeting's notes may store in all (a typed meeting is well under
# 1 MB); a batch past it is refused and the socket closed with 4413.
LIVE_NOTES_MAX_STORED_BYTES = env.int("LIVE_NOTES_MAX_STORED_BYTES", default=5 * 1024 * 1024)
# Every WebSocket: one frame at most (1009 beyond), and a byte budget per connection (a token
# bucket: so many bytes a second, this burst; 4429 beyond). A long paste fits in one frame.
WEBSOCKET_MAX_FRAME_BYTES = env.int("WEBSOCKET_MAX_FRAME_BYTES", default=256 * 1024)
WEBSOCKET_BYTES_PER_SECOND = env.int("WEBSOCKET_BYTES_PER_SECOND", default=256 * 1024)
WEBSOCKET_BYTES_BURST = env.int("WEBSOCKET_BYTES_BURST", default=1024 * 1024)
# Seconds between an open socket's session re-checks (password change, session stamp, sign-out,
# device, idle and absolute expiry; portal/security/websocket.py).
WEBSOCKET_SESSION_CHECK_SECONDS = env.float("WEBSOCKET_SESSION_CHECK_SECONDS", default=30)
ADMINS = [("Veilig Huis beheer", a) for a in env.list("ADMIN_EMAILS", default=[])]

# --- Accounts and passwords -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked account+address pairs before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Then the per-account throttle (growing delays whatever the address), also before any
    # password is checked; after axes, so one address hammering cannot delay the account.
    "portal.security.throttle.AccountThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "/"

# --- Two factors (django-otp + django-two-factor-auth) -----------------------------------
OTP_TOTP_ISSUER = "Veilig Huis"
OTP_TOTP_TOLERANCE = 1
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # Django admin never shows a TOTP key or its QR code
TWO_FACTOR_REMEMBER_COOKIE_AGE = None  # never "remember this device": every session verifies.
TWO_FACTOR_LOGIN_TIMEOUT = 600
TWO_FACTOR_QR_FACTORY = "qrcode.image.svg.SvgPathImage"
# Path prefixes that need a user verified with a second factor in this session. One
# middleware enforces them (portal.security.middleware); no view opts in by hand.
SECOND_FACTOR_PROTECTED_PREFIXES = ("/samenwerking/", "/cms/", "/django-admin/", "/audit/")

# --- Sessions ----------------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "vh_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
# Learners without a second factor may keep a session open longer while they study.
SESSION_IDLE_TIMEOUT_UNVERIFIED = timedelta(
    hours=env.int("SESSION_IDLE_HOURS_UNVERIFIED", default=2)
)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Lockout (django-axes) ---------------------------------------------------------------
AXES_FAILURE_LIMIT = env.int("LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "portal.security.lockout.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "portal.security.client_address.client_address"
# Our reverse proxies (addresses or networks, comma-separated). Only a request whose TCP peer is
# one of them has its X-Forwarded-For / X-Forwarded-Proto read; with none (the default) the peer
# is the client. uvicorn runs with --no-proxy-headers: portal/security/client_address.py is the
# one interpreter.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
if env.str("TRUSTED_PROXY_COUNT", default=""):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is no longer read: set TRUSTED_PROXIES to the proxy's address."
    )
# Per account, whatever the address (portal/security/throttle.py): this many free password
# checks, then a delay that doubles from the base to the maximum (seconds) before each next one.
THROTTLE_FREE_ATTEMPTS = env.int("THROTTLE_FREE_ATTEMPTS", default=10)
THROTTLE_BASE_DELAY = env.int("THROTTLE_BASE_DELAY", default=30)
THROTTLE_MAX_DELAY = env.int("THROTTLE_MAX_DELAY", default=15 * 60)

# --- Security headers --------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
# The Wagtail admin still ships inline styles; it gets them, never inline script.
CSP_ADMIN_PREFIXES = ("/cms/", "/django-admin/")

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = [("nl-be", "Nederlands"), ("en", "English")]

# --- Static and media files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Bodies and files are limited while they stream in (portal/security/uploads.py): one file at
# most MAX_UPLOAD_BYTES (the 10 MB of the forms), a whole body at most MAX_REQUEST_BODY_BYTES.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=11 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "portal.security.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Wagtail -----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Veilig Huis"
# The portal's public address: links in e-mails (invitations, notifications) are absolute.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default=PORTAL_BASE_URL)
# Wagtail's database backend, language-aware (content/search_backend): each page indexed and
# searched in its locale's language, with PostgreSQL's configuration there (SEARCH_CONFIG for
# objects without a locale) and the same Snowball stemmers on SQLite.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "content.search_backend",
        "SEARCH_CONFIG": "dutch",
        "LANGUAGES": {"nl": ("dutch", "dutch_porter"), "en": ("english", "english")},
    }
}
WAGTAILADMIN_LOGIN_URL = "two_factor:login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt"]
# Public documents download as attachments (never opened inline, PDFs included).
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
# Broken or disguised image uploads get a Dutch refusal instead of a server error.
WAGTAILIMAGES_IMAGE_FORM_BASE = "content.image_forms.ImageForm"

# --- E-mail ------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Veilig Huis <noreply@veilighuis.example>"
)

# --- Change history ----------------------------------------------------------------------
# Every model holding personal or case data keeps a change history. Fields whose history would
# itself leak (password hashes, session stamps, token digests) are excluded or masked.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "accounts.User", "exclude_fields": ["password", "session_stamp", "last_login"]},
    "collaboration",
    # A subject-access export is a copy of a file: its history would be a second copy.
    {
        "model": "collaboration.SubjectAccessRequest",
        "exclude_fields": ["assembled", "export", "export_pdf"],
    },
    {"model": "collaboration.SubjectAccessHeldItem", "exclude_fields": ["content"]},
    "training.LearnerProfile",
    "training.Enrolment",
    "training.Certificate",
    "training.SessionRegistration",
)
AUDITLOG_CID_GETTER = "portal.audit.context.current_correlation_id"
# The address comes from our trusted-proxy rule (portal.audit.context), not auditlog's middleware.
AUDITLOG_DISABLE_REMOTE_ADDR = False
# NEN 7513 source of every audit event (docs/audit.md): which system wrote it (AuditSourceID)
# and at which installation (AuditEnterpriseSiteID). Hashed into each row.
AUDIT_SOURCE_SYSTEM = env.str("AUDIT_SOURCE_SYSTEM", default="veilig-huis-portal")
AUDIT_SITE = env.str("AUDIT_SITE", default="veilig-huis")

# Signed checkpoints of the audit trail (portal/audit/transparency, docs/audit.md). The signer
# (manage.py audit_signer, a process of its own) alone reads AUDIT_SIGNER_KEY_FILE; the web
# processes never do. Checkpoints go to AUDIT_CHECKPOINT_DIR (append-only: a file per
# checkpoint, never rewritten; its own volume in compose) and to the witness(es) at
# AUDIT_WITNESS_URLS, whose public keys AUDIT_WITNESS_VKEYS are what audit_verify trusts, with
# the log's own public key AUDIT_LOG_VKEY. Empty: no checkpoints (the chain alone is verified).
AUDIT_LOG_ORIGIN = env.str("AUDIT_LOG_ORIGIN", default="veilighuis.example/audit")
AUDIT_CHECKPOINT_DIR = env.str("AUDIT_CHECKPOINT_DIR", default="")
AUDIT_CHECKPOINT_SECONDS = env.float("AUDIT_CHECKPOINT_SECONDS", default=30.0)
AUDIT_SIGNER_KEY_FILE = env.str("AUDIT_SIGNER_KEY_FILE", default="")
AUDIT_LOG_VKEY = env.str("AUDIT_LOG_VKEY", default="")
AUDIT_WITNESS_URLS = env.list("AUDIT_WITNESS_URLS", default=[])
AUDIT_WITNESS_VKEYS = env.list("AUDIT_WITNESS_VKEYS", default=[])
# A record that is not in a checkpoint but dated this long before the checkpoint was read is
# back-dated (a transaction open while the signer read may legitimately land just after it).
AUDIT_BACKDATE_TOLERANCE_SECONDS = env.int("AUDIT_BACKDATE_TOLERANCE_SECONDS", default=120)

# --- Retention (docs/privacy.md) ---------------------------------------------------------
CASE_RETENTION_YEARS = env.int("CASE_RETENTION_YEARS", default=5)
AUDIT_RETENTION_YEARS = max(5, env.int("AUDIT_RETENTION_YEARS", default=5))
CONSULT_RETENTION_YEARS = env.int("CONSULT_RETENTION_YEARS", default=2)
# Consult questions (docs/consults.md): unanswered after two working days, the region's
# coordinators are told again and this central mailbox gets a mail without content; left empty,
# every coordinator of every region is notified instead. The answer link lives this long.
CONSULT_ESCALATION_EMAIL = env.str("CONSULT_ESCALATION_EMAIL", default="")
CONSULT_ANSWER_LINK_MAX_AGE = env.int("CONSULT_ANSWER_LINK_MAX_AGE", default=30 * 24 * 3600)
# A stored document file no row refers to is removed after this many hours (an upload whose
# transaction is still open must not lose its file).
CASE_DOCUMENT_ORPHAN_GRACE_HOURS = env.int("CASE_DOCUMENT_ORPHAN_GRACE_HOURS", default=6)

# --- Logging: never case content; the request path and status only. ----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.security.DisallowedHost": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
