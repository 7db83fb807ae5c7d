"""Build the inclusion proof bundle of one audit record (checked by ``proof.py``)."""

from __future__ import annotations

import base64
from typing import Any

from ..chain import canonical_content
from ..models import AuditEvent
from .log import CheckpointStore, iter_records, leaf_of
from .merkle import Tree
from .note import Checkpoint


class NoProof(Exception):
    """No checkpoint holds the record yet, or the trail no longer matches the checkpoint."""


def inclusion_bundle(record_id: int, store: CheckpointStore) -> dict[str, Any]:
    event = AuditEvent.objects.get(pk=record_id)
    index = AuditEvent.objects.filter(pk__lt=record_id).count()
    sizes = [s for s in store.sizes(CheckpointStore.WITNESSED) if s > index]
    if not sizes:
        raise NoProof("no witnessed checkpoint holds this record yet")
    note = store.witnessed(sizes[-1])
    if note is None:  # removed between the listing and the read
        raise NoProof("the witnessed checkpoint is gone: run audit_verify")
    checkpoint = Checkpoint.parse(note.text)
    tree = Tree()
    for _id, _prev, record_hash, _at in iter_records():
        if tree.size == checkpoint.size:
            break
        tree.append(leaf_of(record_hash))
    if tree.size < checkpoint.size or tree.root() != checkpoint.root:
        raise NoProof("the trail does not match its checkpoint: run audit_verify")
    if tree.leaf(index) != leaf_of(event.hash):
        raise NoProof("the record is not where the trail says it is: run audit_verify")
    return {
        "record": {
            "id": event.pk,
            "content": canonical_content(event).decode(),
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        },
        "index": index,
        "tree_size": checkpoint.size,
        "proof": [base64.b64encode(p).decode() for p in tree.inclusion_proof(index)],
        "checkpoint": note.render(),
    }
