"""``manage.py audit_keygen FILE``: a new Ed25519 key for the checkpoint signer (written with
mode 0600, never over an existing file); prints the public verifier key for AUDIT_LOG_VKEY."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.audit.transparency.note import generate_key_file, load_signer


class Command(BaseCommand):
    help = "Create the checkpoint signer's key (if missing) and print its verifier key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("key_file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["key_file"]
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            generate_key_file(path)
        self.stdout.write(load_signer(path, name=settings.AUDIT_LOG_ORIGIN).verifier.vkey)
