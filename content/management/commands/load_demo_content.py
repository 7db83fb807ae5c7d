"""Build a believable demo site in one go (bakerydemo's ``load_initial_data``, idempotent).

Each app owns its part of the demo in its own ``demo`` module; this command only orders them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from collaboration.demo import ensure_demo_organisations
from collaboration.live_notes.demo import ensure_demo_live_notes
from content.demo import ensure_home_page
from content.demo_site import ensure_demo_site
from content.training.demo import ensure_demo_training
from portal.accounts.demo import DEMO_PASSWORD, ensure_demo_people


class Command(BaseCommand):
    help = (
        "Load the fictional demo content (pages, organisations, one person per role). Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo people include a superuser whose password and authenticator key are
        # published in the README: never on a real installation. Only settings that say so
        # (development with DEBUG on, the test suite) allow it, and production never does.
        module = str(getattr(settings, "SETTINGS_MODULE", "") or "")
        if not getattr(settings, "DEMO_CONTENT_ALLOWED", False) or module.endswith(".production"):
            raise CommandError(
                "load_demo_content refuses to run with these settings: it creates accounts "
                "(a superuser among them) whose password and authenticator key are published. "
                "It runs with the development settings with DEBUG on and with the test settings, "
                f"never in production (now: {module or 'no settings module'}, "
                f"DEBUG {'on' if settings.DEBUG else 'off'})."
            )
        ensure_home_page()
        ensure_demo_site()
        users = ensure_demo_people()
        ensure_demo_organisations(users)
        ensure_demo_live_notes()
        ensure_demo_training()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {len(users)} people (password {DEMO_PASSWORD!r})."
            )
        )
