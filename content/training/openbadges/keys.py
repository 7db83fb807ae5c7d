"""The portal's signing key and its ``did:web`` identity.

``OPEN_BADGES_SIGNING_KEY`` holds the Ed25519 private key: a Multikey secret (``z3u2…``,
multibase base58btc with the ed25519-priv header) or the 32-byte seed in base64. Production
settings refuse to load without it. Development without it generates a key once and keeps it in
``OPEN_BADGES_DEV_KEY_FILE`` (gitignored), so badges stay verifiable across restarts.
``OPEN_BADGES_RETIRED_PUBLIC_KEYS`` lists the Multikey public keys of earlier signing keys: the
DID document keeps publishing them, so credentials signed before a rotation still verify.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import multibase


def _seed_from_text(text: str) -> bytes:
    text = text.strip()
    if text.startswith("z"):
        # A Multikey secret ("z" + base58btc); plain base64 can start with "z" too (1 in 64
        # random keys), so anything that is not one falls through to base64.
        try:
            data = multibase.decode(text)
        except (ValueError, KeyError):
            data = b""
        if data.startswith(multibase.ED25519_PRIV_HEADER) and len(data) == 34:
            return data[2:]
    try:
        standard = text.replace("-", "+").replace("_", "/")
        seed = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured("OPEN_BADGES_SIGNING_KEY: not base64") from error
    if len(seed) != 32:
        raise ImproperlyConfigured("OPEN_BADGES_SIGNING_KEY: an Ed25519 seed is 32 bytes")
    return seed


def secret_key_multibase(seed: bytes) -> str:
    """How ``manage.py open_badges_key`` prints a new key for the environment."""
    return multibase.encode(multibase.ED25519_PRIV_HEADER + seed)


def new_seed() -> bytes:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    return Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )


def _dev_seed(path: Path) -> bytes:
    if path.exists():
        return _seed_from_text(path.read_text(encoding="ascii"))
    seed = new_seed()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secret_key_multibase(seed) + "\n", encoding="ascii")
    path.chmod(0o600)
    return seed


def _configured_seed() -> bytes:
    text = getattr(settings, "OPEN_BADGES_SIGNING_KEY", "")
    if text:
        return _seed_from_text(text)
    dev_file = getattr(settings, "OPEN_BADGES_DEV_KEY_FILE", None)
    if dev_file:
        return _dev_seed(Path(dev_file))
    raise ImproperlyConfigured("OPEN_BADGES_SIGNING_KEY is not set")


def did_web(base_url: str | None = None) -> str:
    """``did:web:<host>`` of PORTAL_BASE_URL (a port is percent-encoded, as did:web says)."""
    parts = urlsplit(base_url or settings.PORTAL_BASE_URL)
    return "did:web:" + quote(parts.netloc, safe="")


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    public_multibase: str
    did: str

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.public_multibase}"

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def signing_key() -> SigningKey:
    private = Ed25519PrivateKey.from_private_bytes(_configured_seed())
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return SigningKey(private, multibase.public_key_multibase(raw), did_web())


def did_document() -> dict:
    """What /.well-known/did.json serves: the current key and every retired one, as Multikey,
    all usable for assertions (a retired key signs nothing new, but its credentials stand)."""
    key = signing_key()
    publics = [key.public_multibase]
    for retired in getattr(settings, "OPEN_BADGES_RETIRED_PUBLIC_KEYS", []):
        multibase.public_key_from_multibase(retired)  # a typo must not publish garbage
        if retired not in publics:
            publics.append(retired)
    methods = [
        {
            "id": f"{key.did}#{public}",
            "type": "Multikey",
            "controller": key.did,
            "publicKeyMultibase": public,
        }
        for public in publics
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": key.did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
