"""Build a believable demo site in one go (bakerydemo's ``load_initial_data``, idempotent).

Each app owns its part of the demo in its own ``demo`` module and registers it as a step
(``portal/demo.py``) in its ``AppConfig.ready()``; this command only runs the steps in order, so
the ground floor imports no side.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.demo import DEMO_PASSWORD
from portal.demo import demo_steps, run_demo_steps


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
        if len(demo_steps()) < 6:
            raise CommandError("load_demo_content: an app's demo step is not registered.")
        users = run_demo_steps()["users"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {len(users)} people (password {DEMO_PASSWORD!r})."
            )
        )
