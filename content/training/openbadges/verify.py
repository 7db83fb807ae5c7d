"""Offline verification: the credential, the issuer's DID document and (a local copy of) the
status list are all it needs; no database, no network. ``manage.py verify_open_badge`` wraps it."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import proof, statuslist


@dataclass
class Result:
    signature_valid: bool = False
    revoked: bool | None = None  # None: no status list to check against
    expired: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.signature_valid and self.revoked is False and not self.expired


def _issuer_id(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC)


def verify_credential(
    credential: dict[str, Any],
    did_document: dict[str, Any],
    status_lists: dict[str, dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> Result:
    """Check the proof against ``did_document``, the validity dates, and the revocation bit in
    ``status_lists`` (status list credential URL → its signed JSON, itself verified)."""
    result = Result()
    if _issuer_id(credential) != did_document.get("id"):
        result.problems.append("issuer is not the DID of this DID document")
        return result
    try:
        proof.verify(credential, did_document)
        result.signature_valid = True
    except proof.ProofError as error:
        result.problems.append(f"proof: {error}")
        return result
    now = now or datetime.now(UTC)
    try:
        if "validUntil" in credential and _parse(credential["validUntil"]) <= now:
            result.expired = True
            result.problems.append("expired (validUntil has passed)")
    except (TypeError, ValueError):
        result.problems.append("validUntil is not a date")
        result.expired = True
    status = credential.get("credentialStatus")
    if not isinstance(status, dict) or status.get("statusPurpose") != "revocation":
        result.problems.append("no revocation status entry")
        return result
    list_credential = (status_lists or {}).get(status.get("statusListCredential"))
    if list_credential is None:
        result.problems.append(
            "no copy of the status list " + str(status.get("statusListCredential"))
        )
        return result
    if (
        list_credential.get("id") != status.get("statusListCredential")
        or _issuer_id(list_credential) != _issuer_id(credential)
        or "BitstringStatusListCredential" not in list_credential.get("type", [])
    ):
        result.problems.append("the status list is not the one this credential names")
        return result
    try:
        proof.verify(list_credential, did_document)
        subject = list_credential["credentialSubject"]
        if subject.get("statusPurpose") != "revocation":
            raise ValueError("the status list is not a revocation list")
        result.revoked = statuslist.bit(subject["encodedList"], int(status["statusListIndex"]))
    except (
        proof.ProofError,
        KeyError,
        TypeError,
        ValueError,
        OSError,
        EOFError,
        zlib.error,
    ) as error:
        result.problems.append(f"status list: {error}")
        return result
    if result.revoked:
        result.problems.append("revoked")
    return result
