"""The one owner of the audit format: which fields a row's hash covers, how the content is
written down, and the one SQL statement that appends a row on PostgreSQL.

Everything that hashes or appends a row goes through this module: the writer
(``portal.audit.writer``) in Python and on PostgreSQL, the verification (``verify.py``), and the
live notes, whose one-statement append (``collaboration.live_notes.services``) embeds the
statement built here through ``append_sql_with_extra_from``. The database keeps one small
function, ``audit_chain_link`` (migration 0012): it takes the chain lock, stamps the time, reads
the last hash and hashes the content this module split around the time. It names no column:
the column list, the casts and the order of the content are Python's, here.

``tests/audit/test_chain_format.py`` proves that Python and PostgreSQL hash byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.db import models

from .models import AuditEvent

GENESIS_HASH = "0" * 64

HASHED_FIELDS_V1 = (
    "occurred_at",
    "action",
    "outcome",
    "actor_id",
    "actor_label",
    "organisation",
    "role",
    "on_behalf_of",
    "object_type",
    "object_id",
    "case_reference",
    "subject",
    "purpose",
    "ip_address",
    "session_ref",
    "correlation_id",
    "extra",
)

# Format 2 adds the NEN 7513 fields and the version itself; rows of format 1 (before migration
# 0011) keep hashing over the fields they were written with, so the old chain still verifies.
HASHED_FIELDS_V2 = (
    *HASHED_FIELDS_V1,
    "format_version",
    "source_system",
    "site",
    "access_rule",
    "legal_basis",
    "lifecycle",
    "sensitivity",
    "emergency",
)
FORMAT_VERSION = 2
HASHED_FIELDS_BY_VERSION = {1: HASHED_FIELDS_V1, 2: HASHED_FIELDS_V2}
HASHED_FIELDS = HASHED_FIELDS_BY_VERSION[FORMAT_VERSION]


def hashed_fields(event: AuditEvent) -> tuple[str, ...]:
    """The fields ``event``'s format hashes; KeyError for a format this code does not know."""
    return HASHED_FIELDS_BY_VERSION[event.format_version]


def _dumps(values: dict[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)


def canonical_content(event: AuditEvent) -> bytes:
    """The hashed content: the JSON of the format's fields, keys sorted, no spaces, the time in
    UTC with microseconds (``audit_chain_link`` writes the time the same way)."""
    values: dict[str, Any] = {}
    for name in hashed_fields(event):
        value = getattr(event, name)
        if name == "occurred_at":
            value = value.astimezone(UTC).isoformat(timespec="microseconds")
        values[name] = value
    return _dumps(values).encode()


def compute_hash(event: AuditEvent, prev_hash: str) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical_content(event)).hexdigest()


_TIME_SLOT = "occurred-at-slot"
_TIME_TOKEN = f'"occurred_at":"{_TIME_SLOT}"'


def content_around_time(event: AuditEvent) -> tuple[str, str]:
    """The canonical content split where the time goes, for the database to stamp the time
    under the chain lock and hash the whole. The top-level ``occurred_at`` key sorts after
    ``extra`` (the only nested value) and every later value is a number, null or an escaped
    string, so the token's last occurrence is the top-level one."""
    values: dict[str, Any] = {name: getattr(event, name) for name in hashed_fields(event)}
    values["occurred_at"] = _TIME_SLOT
    before, token, after = _dumps(values).rpartition(_TIME_TOKEN)
    if not token:  # pragma: no cover - the dict above always holds the key
        raise RuntimeError("canonical content lost its time slot")
    return before + '"occurred_at":"', '"' + after


_EXTRA_SLOT = "extra-slot"
_EXTRA_TOKEN = f'"extra":"{_EXTRA_SLOT}"'


def content_around_extra_and_time(event: AuditEvent) -> tuple[str, str, str]:
    """Like ``content_around_time``, also split where ``extra`` goes, for a statement that
    builds ``extra`` itself (the live notes list the update ids they insert). Every key before
    ``extra`` holds a number, a boolean or an escaped string, so the token occurs once."""
    extra, event.extra = event.extra, _EXTRA_SLOT
    try:
        before, after = content_around_time(event)
    finally:
        event.extra = extra
    head, token, between = before.partition(_EXTRA_TOKEN)
    if not token:  # pragma: no cover - the dict always holds the key
        raise RuntimeError("canonical content lost its extra slot")
    return head + '"extra":', between, after


# --- The SQL statement (PostgreSQL) --------------------------------------------------------

# The columns the caller's event fills: every hashed field but the time, which the database
# stamps. Casts follow the model's field types, so a column added to the format is added here
# by adding it to HASHED_FIELDS.
_CASTS = {
    "ForeignKey": "bigint",
    "PositiveSmallIntegerField": "integer",
    "GenericIPAddressField": "inet",
    "JSONField": "jsonb",
    "BooleanField": "boolean",
}


def _column(name: str) -> tuple[str, str]:
    field = AuditEvent._meta.get_field(name.removesuffix("_id") if name == "actor_id" else name)
    if not isinstance(field, models.Field) or field.column is None:  # a reverse relation
        raise RuntimeError(f"{name} is not a column of the audit table")
    return field.column, _CASTS.get(field.get_internal_type(), "text")


STORED_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    _column(name) for name in HASHED_FIELDS if name != "occurred_at"
)
_TABLE = AuditEvent._meta.db_table


def _insert(*, values: dict[str, str], source: str, before_sql: str, where: str) -> str:
    columns = ", ".join(f'"{column}"' for column, _cast in STORED_COLUMNS)
    selected = ", ".join(values[column] for column, _cast in STORED_COLUMNS)
    link = f"audit_chain_link({before_sql}, %(audit_after)s) AS link"
    # Built from this module's constants and the caller's SQL fragments, never from data: every
    # value travels as a parameter.
    return (
        f'INSERT INTO "{_TABLE}" ("occurred_at", "prev_hash", "hash", {columns}) '  # noqa: S608
        f"SELECT link.o_occurred_at, link.o_prev_hash, link.o_hash, {selected} "
        f"FROM {source + ' CROSS JOIN LATERAL ' if source else ''}{link}"
        f"{' WHERE ' + where if where else ''} "
        'RETURNING "id", "occurred_at", "prev_hash", "hash"'
    )


def _placeholders() -> dict[str, str]:
    return {column: f"%(audit_{column})s::{cast}" for column, cast in STORED_COLUMNS}


def append_sql() -> str:
    """The statement that appends one event (``append_parameters``) to the chain and returns
    its id, time, previous hash and hash."""
    return _insert(values=_placeholders(), source="", before_sql="%(audit_before)s", where="")


def append_parameters(event: AuditEvent) -> dict[str, Any]:
    """``append_sql``'s parameters for ``event`` (built and canonicalised by the writer)."""
    before, after = content_around_time(event)
    return {**_column_parameters(event), "audit_before": before, "audit_after": after}


def append_sql_with_extra_from(*, source: str, extra: str, where: str) -> str:
    """The append statement for a caller whose own statement builds ``extra``: ``source`` is a
    FROM item of that statement (a CTE), ``extra`` the text column there holding the canonical
    JSON of ``extra``, ``where`` the condition on ``source`` under which a row is appended.
    Parameters: ``append_parameters_around_extra``."""
    values = {**_placeholders(), "extra": f"({extra})::jsonb"}
    before_sql = f"%(audit_before)s || {extra} || %(audit_between)s"
    return _insert(values=values, source=source, before_sql=before_sql, where=where)


def append_parameters_around_extra(event: AuditEvent) -> dict[str, Any]:
    """``append_sql_with_extra_from``'s parameters: ``event``'s columns but ``extra``, and its
    content split around ``extra`` and the time."""
    before, between, after = content_around_extra_and_time(event)
    parameters = _column_parameters(event)
    del parameters["audit_extra"]
    return {
        **parameters,
        "audit_before": before,
        "audit_between": between,
        "audit_after": after,
    }


def _column_parameters(event: AuditEvent) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    for column, _cast in STORED_COLUMNS:
        value = getattr(event, column)
        parameters[f"audit_{column}"] = json.dumps(value) if column == "extra" else value
    return parameters
