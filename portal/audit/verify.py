"""Check the audit chain: every row's hash matches its content and links to the row before."""

from __future__ import annotations

from dataclasses import dataclass

from .chain import GENESIS_HASH, HASHED_FIELDS_BY_VERSION, compute_hash
from .models import AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in id order, streaming, and stop at the first broken record.

    Each row is hashed in its own format (``format_version``). The format only ever rises
    along the chain: a row of an older format after a newer one was turned back (its new fields
    dropped from the hash) and counts as broken, as does a format this code does not know."""
    previous = GENESIS_HASH
    version = 1
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != previous:
            return ChainReport(checked, event.pk, "prev_hash does not match the previous record")
        if event.format_version not in HASHED_FIELDS_BY_VERSION:
            return ChainReport(checked, event.pk, "unknown format version")
        if event.format_version < version:
            return ChainReport(checked, event.pk, "format version lower than an earlier record")
        version = event.format_version
        if compute_hash(event, event.prev_hash) != event.hash:
            return ChainReport(checked, event.pk, "content does not match its hash")
        previous = event.hash
        checked += 1
    return ChainReport(checked)
