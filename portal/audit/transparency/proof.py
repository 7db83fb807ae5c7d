"""Check an inclusion proof on its own: one audit record, its place in the log, a checkpoint.

A person can be shown that the record of an access to their file is in the audit log without
seeing any other record: ``manage.py audit_prove <record id>`` writes a bundle (the record's
canonical content, the hash before it, its position, the Merkle audit path and the witnessed
checkpoint), and anyone can check it with this module alone (standard library and
``cryptography``, no database, no Django):

    python -m portal.audit.transparency.proof bundle.json \\
        --log-vkey 'veilighuis.example/audit+…' --witness-vkey 'witness.example/…+…'

It recomputes the record's hash from its content, hashes it into the tree along the path, and
checks that the result is the root the log signed and the witness cosigned.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from dataclasses import dataclass
from typing import Any

from .merkle import leaf_hash, verify_inclusion
from .note import Checkpoint, Note, NoteError, Verifier


@dataclass(frozen=True)
class ProofVerdict:
    ok: bool
    reason: str


def check_bundle(
    bundle: dict[str, Any], *, log_vkey: str, witness_vkeys: list[str]
) -> ProofVerdict:
    try:
        record = bundle["record"]
        content: str = record["content"]
        prev_hash: str = record["prev_hash"]
        record_hash: str = record["hash"]
        index, size = int(bundle["index"]), int(bundle["tree_size"])
        path = [base64.b64decode(p, validate=True) for p in bundle["proof"]]
        note = Note.parse(bundle["checkpoint"])
        checkpoint = Checkpoint.parse(note.text)
        logs = [Verifier.parse(key) for key in log_vkey.split(",") if key]
        witnesses = [Verifier.parse(key) for key in witness_vkeys]
    except (KeyError, TypeError, ValueError, NoteError) as error:
        return ProofVerdict(False, f"the bundle does not parse: {error}")
    computed = hashlib.sha256(prev_hash.encode() + b"\n" + content.encode()).hexdigest()
    if computed != record_hash:
        return ProofVerdict(False, "the record's content does not hash to its hash")
    if not any(note.signed_by(log) and checkpoint.origin == log.name for log in logs):
        return ProofVerdict(False, "the checkpoint is not signed by the log's key")
    if witnesses and not any(note.cosigned_by(w) is not None for w in witnesses):
        return ProofVerdict(False, "the checkpoint is not cosigned by a known witness")
    if size != checkpoint.size:
        return ProofVerdict(False, "the proof is for another tree size than the checkpoint")
    leaf = leaf_hash(bytes.fromhex(record_hash))
    if not verify_inclusion(index, size, leaf, path, checkpoint.root):
        return ProofVerdict(False, "the audit path does not lead to the checkpoint's root")
    return ProofVerdict(
        True, f"record {index + 1} of {size} in the log, under a signed and witnessed checkpoint"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check an audit inclusion proof bundle.")
    parser.add_argument("bundle")
    parser.add_argument("--log-vkey", required=True)
    parser.add_argument("--witness-vkey", action="append", default=[])
    args = parser.parse_args(argv)
    with open(args.bundle) as handle:
        bundle = json.load(handle)
    verdict = check_bundle(bundle, log_vkey=args.log_vkey, witness_vkeys=args.witness_vkey)
    print(("OK: " if verdict.ok else "NOT PROVEN: ") + verdict.reason)
    if verdict.ok:
        print(json.dumps(json.loads(bundle["record"]["content"]), indent=2, ensure_ascii=False))
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
