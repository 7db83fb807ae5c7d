from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Sign-in hardening: the second-factor gate, session expiry, lockout of code guessing."""

    name = "portal.security"
    label = "security"

    def ready(self) -> None:
        from . import audit_events, checks, signals, throttle  # noqa: F401  (signal handlers, checks)
