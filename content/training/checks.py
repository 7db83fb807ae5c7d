"""System check: an unreadable Open Badges key must stop ``check --deploy`` and start-up
checks, not surface as a 500 on the first badge download."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def open_badges_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from django.conf import settings

    from .openbadges.keys import signing_key

    if not getattr(settings, "OPEN_BADGES_SIGNING_KEY", "") and getattr(
        settings, "OPEN_BADGES_DEV_KEY_FILE", None
    ):
        return []  # development: a key is generated on first use
    try:
        signing_key()
    except (ImproperlyConfigured, ValueError) as error:
        return [
            Error(
                f"Open Badges signing key: {error}",
                hint="Set OPEN_BADGES_SIGNING_KEY (manage.py open_badges_key prints a new one).",
                id="training.E001",
            )
        ]
    return []
