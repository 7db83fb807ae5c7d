"""Make sure the site has its home page (idempotent). Production's entrypoint runs it after
migrating, so a fresh installation serves the Veilig Huis home page, not Wagtail's welcome page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from content.demo import ensure_home_page


class Command(BaseCommand):
    help = "Create the home page and point the default site at it, if that is not done yet."

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_home_page()
