"""Print a new Ed25519 key for OPEN_BADGES_SIGNING_KEY, and its public Multikey (to list in
OPEN_BADGES_RETIRED_PUBLIC_KEYS once the key is rotated out). Nothing is stored."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management.base import BaseCommand

from content.training.openbadges import multibase
from content.training.openbadges.keys import new_seed, secret_key_multibase


class Command(BaseCommand):
    help = "Print a new Open Badges signing key (OPEN_BADGES_SIGNING_KEY) and its public key."

    def handle(self, *args: Any, **options: Any) -> None:
        seed = new_seed()
        public = (
            Ed25519PrivateKey.from_private_bytes(seed)
            .public_key()
            .public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
        self.stdout.write(f"OPEN_BADGES_SIGNING_KEY={secret_key_multibase(seed)}")
        self.stdout.write(f"# public key (Multikey): {multibase.public_key_multibase(public)}")
