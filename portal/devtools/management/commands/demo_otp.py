"""Print the current TOTP code of a demo user, so a person can sign in locally."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.demo import current_totp_code


class Command(BaseCommand):
    help = "Print the current two-factor code of a (demo) user. Development only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_otp only runs with DEBUG on.")
        code = current_totp_code(email)
        if code is None:
            raise CommandError(f"No confirmed authenticator app for {email}.")
        self.stdout.write(code)
