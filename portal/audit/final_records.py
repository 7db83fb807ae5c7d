"""Whether the records that may no longer change are still the ones the audit trail recorded
(issue 18 item 5): finalised minutes, decided referrals and issued certificates.

A court or an auditor receives such a record long after it was made. Each is protected twice:
on PostgreSQL a trigger refuses changing it (the retention run and, for a certificate's name,
the erasure on request excepted), and at the moment it became final its SHA-256 went into the
append-only, chained audit trail. ``verify_final_records`` compares the stored rows with those
hashes, so a change past the trigger (someone who can drop it, a restored backup) is named.

``manage.py audit_verify`` and the periodic check (``portal/audit/tasks.py``) call
``verify_final_records`` after the chain and the checkpoints.

The ground floor owns no minutes, referrals or certificates: each side registers a checker for
its kind from its ``AppConfig.ready()`` (``register_checker``), as for the audit viewer's
resolvers. The canonical hash of a record's fields is defined here once
(``canonical_sha256``), so the side that writes a hash and the check that reads it agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .models import AuditEvent


@dataclass(frozen=True)
class FinalRecordProblem:
    """One record that is not what was finalised: its kind ("minutes", "referral",
    "certificate"), its id, and why, in plain English for the operators (never content)."""

    kind: str
    object_id: str
    reason: str


Checker = Callable[[], Iterable[FinalRecordProblem]]

_CHECKERS: dict[str, Checker] = {}


def register_checker(kind: str, checker: Checker) -> None:
    """A side hands over the check of one kind of final record (idempotent per kind)."""
    _CHECKERS[kind] = checker


Baseline = Callable[[], int]

_BASELINES: dict[str, Baseline] = {}


def register_baseline(kind: str, baseline: Baseline) -> None:
    """A side hands over the recording of hashes its final records of one kind lack (records
    from before their hash went into the trail); it returns how many it recorded."""
    _BASELINES[kind] = baseline


def record_missing_hashes() -> dict[str, int]:
    """Hash, once, each final record the trail holds no hash for, as it stands now
    (``FINAL_RECORD_BASELINED``): from then on a change is caught; before, nothing proves it."""
    return {kind: _BASELINES[kind]() for kind in sorted(_BASELINES)}


def record_baseline(object_type: str, object_id: Any, key: str, sha256: str) -> None:
    from .events import AuditAction
    from .writer import record_event

    record_event(
        action=AuditAction.FINAL_RECORD_BASELINED,
        object_type=object_type,
        object_id=object_id,
        extra={key: sha256},
    )


def verify_final_records() -> list[FinalRecordProblem]:
    """Every problem of every registered kind, in kind order; empty when all match."""
    problems: list[FinalRecordProblem] = []
    for kind in sorted(_CHECKERS):
        problems.extend(_CHECKERS[kind]())
    return problems


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        # UTC with microseconds: the same moment gives the same text whatever the time zone
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def canonical_sha256(fields: Mapping[str, Any]) -> str:
    """The SHA-256 of ``fields`` as JSON with sorted keys and no spaces (times as UTC ISO 8601
    with microseconds, decimals without trailing zeros), so a value read back from the
    database hashes as the value that was written."""
    content = json.dumps(
        {name: _canonical(value) for name, value in fields.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(content.encode()).hexdigest()


def _hash_setters() -> tuple[int, ...]:
    """Only the acts that make a record final, anonymise it or baseline it may set its hash: a
    hash in any other record (which anyone who can write the table could append) is ignored."""
    from .events import AuditAction

    return (
        AuditAction.REFERRAL_ACCEPTED,
        AuditAction.REFERRAL_DECLINED,
        AuditAction.CERTIFICATE_ISSUED,
        AuditAction.FINAL_RECORD_ANONYMISED,
        AuditAction.FINAL_RECORD_BASELINED,
    )


def audited_hashes(object_type: str, key: str) -> dict[str, str]:
    """Per object id, the hash the trail holds last under ``extra[key]`` (the act that made it
    final, or a later anonymisation that replaced it): one query for all objects of a type."""
    hashes: dict[str, str] = {}
    rows = (
        AuditEvent.objects.filter(object_type=object_type, action__in=_hash_setters())
        .order_by("id")
        .values_list("object_id", "extra")
    )
    for object_id, extra in rows.iterator():
        if isinstance(extra, dict) and isinstance(extra.get(key), str):
            hashes[object_id] = extra[key]
    return hashes


def audited_sha256(object_type: str, object_id: Any, key: str) -> str | None:
    """``audited_hashes`` for one object; None when the trail has no hash for it."""
    extras = (
        AuditEvent.objects.filter(
            object_type=object_type, object_id=str(object_id), action__in=_hash_setters()
        )
        .order_by("-id")
        .values_list("extra", flat=True)
    )
    for extra in extras.iterator():
        if isinstance(extra, dict) and isinstance(extra.get(key), str):
            return str(extra[key])
    return None


def hash_problem(
    kind: str, object_id: Any, audited: str | None, stored: str
) -> FinalRecordProblem | None:
    """The problem, if any, of a record whose fields now hash to ``stored`` while the trail
    holds ``audited`` for it."""
    if audited is None:
        return FinalRecordProblem(kind, str(object_id), "no audit record holds its hash")
    if audited != stored:
        return FinalRecordProblem(
            kind, str(object_id), "its stored fields do not match the hash in its audit record"
        )
    return None
