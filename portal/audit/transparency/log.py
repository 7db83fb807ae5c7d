"""The audit trail as a transparency log: its leaves in the database, its checkpoints on disk.

Leaf ``i`` is the ``i``-th audit record in id order, and its data is the record's chain hash
(32 bytes): that hash covers the record's canonical content and the previous record's hash, so a
person shown one record, the hash before it and an inclusion proof can check it against a signed
checkpoint without seeing any other record.

The checkpoints themselves live in ``store.CheckpointStore``, outside the database.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection

from ..models import AuditEvent
from .merkle import leaf_hash
from .store import CheckpointConflict, CheckpointStore

__all__ = ["CheckpointConflict", "CheckpointStore", "iter_records", "leaf_of"]

_TABLE = AuditEvent._meta.db_table
PAGE = 50_000


def iter_records(after_id: int = 0) -> Iterator[tuple[int, str, str, object]]:
    """(id, prev_hash, hash, occurred_at) of every record after ``after_id``, in id order,
    a page at a time (keyset pagination: no long transaction, the same on both backends)."""
    last = after_id
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "id", "prev_hash", "hash", "occurred_at" FROM "{_TABLE}" '  # noqa: S608
                'WHERE "id" > %s ORDER BY "id" LIMIT %s',
                [last, PAGE],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]
        if len(rows) < PAGE:
            return


def leaf_of(record_hash: str) -> bytes:
    """The Merkle leaf hash of a record, from its chain hash (hex)."""
    return leaf_hash(bytes.fromhex(record_hash))
