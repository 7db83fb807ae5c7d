"""A JSON-LD document loader that serves only the bundled contexts: canonicalisation must give
the same bytes everywhere and must never depend on (or leak to) the network."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"

_FILES = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    OB_V3: "ob-v3p0-context-3.0.3.json",
    STATUS_V1: "credentials-status-v1.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
}


class ContextNotBundled(Exception):
    """A document names a context we do not carry: refuse rather than fetch it."""


@cache
def _context_text(url: str) -> str:
    return (CONTEXTS_DIR / _FILES[url]).read_text(encoding="utf-8")


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url not in _FILES:
        raise ContextNotBundled(url)
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(_context_text(url))}
