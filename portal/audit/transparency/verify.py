"""What ``manage.py audit_verify`` proves, in one pass over the records.

1. The chain: every record's hash is the hash of its content and the previous hash, every
   record links to the one before (``portal.audit.verify``'s rules, here on plain rows).
2. Time runs forward: no record is dated before the record before it, and none that a
   checkpoint does not hold is dated (more than the tolerance) before that checkpoint was read.
3. The checkpoints: every checkpoint file is signed by the log's key (``AUDIT_LOG_VKEY``); no
   two differ for the same size (a split view); the records hash to each of them (the same
   leaves, in the same places: nothing edited, removed, inserted, reordered, truncated or rolled
   back to an older backup), and each extends the one before (a consistency proof).
4. The witness: the latest checkpoint is cosigned by a witness key (``AUDIT_WITNESS_VKEYS``),
   and, when asked, what each witness says it cosigned last matches the records too (so removing
   the newest checkpoint files together with the newest records is caught as well).

Each problem is named in plain words, with the record or checkpoint it concerns.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import connection

from ..chain import GENESIS_HASH, HASHED_FIELDS_BY_VERSION
from ..models import AuditEvent
from .log import CheckpointStore
from .merkle import Tree, verify_consistency
from .note import Checkpoint, Note, NoteError, Verifier

_ALL_FIELDS = tuple(
    dict.fromkeys(f for fields in HASHED_FIELDS_BY_VERSION.values() for f in fields)
)
# The format version last, where ``_check_records`` reads it as ``row[-1]``.
_FETCH = (
    "id",
    "prev_hash",
    "hash",
    *(f for f in _ALL_FIELDS if f != "format_version"),
    "format_version",
)
_INDEX = {name: i for i, name in enumerate(_FETCH)}
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).encode


@dataclass
class TrailReport:
    records: int = 0
    checkpoints: int = 0
    latest_witnessed: int | None = None
    problems: list[str] = field(default_factory=list)
    tree: Tree = field(default_factory=Tree, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows(batch: int = 20_000) -> Iterator[tuple[Any, ...]]:
    """Every record as a tuple of ``_FETCH``, in id order, a page at a time."""
    if connection.vendor == "postgresql":
        yield from _rows_postgresql(batch)
        return
    last = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(id__gt=last).order_by("id").values_list(*_FETCH)[:batch]
        )
        if not rows:
            return
        yield from rows
        last = rows[-1][0]
        if len(rows) < batch:
            return


# On PostgreSQL the database writes the time the way ``chain.canonical_content`` does, and the
# ``extra`` JSON as text: parsing and re-formatting a million of each cost 13 s of the 22.
# Nothing is taken on trust by this: a value read differently would simply not hash to the
# record's hash. ``tests/audit/test_verify_speed_path.py`` proves both paths give the same bytes.
_PG_EXPRESSIONS = {
    "occurred_at": (
        "to_char(\"occurred_at\" AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"
    ),
    "actor_id": '"actor_id"',
    "extra": '"extra"::text',
}


def _rows_postgresql(batch: int) -> Iterator[tuple[Any, ...]]:
    table = AuditEvent._meta.db_table
    columns = ", ".join(
        _PG_EXPRESSIONS.get(name, f'"{AuditEvent._meta.get_field(name).column}"') for name in _FETCH
    )
    sql = f'SELECT {columns} FROM "{table}" WHERE "id" > %s ORDER BY "id" LIMIT %s'  # noqa: S608
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [last, batch])
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]
            if len(rows) < batch:
                return


_AT = _INDEX["occurred_at"]


def _content(row: tuple[Any, ...], fields: tuple[str, ...]) -> bytes:
    values = {name: row[_INDEX[name]] for name in fields}
    at = values["occurred_at"]
    if not isinstance(at, str):
        values["occurred_at"] = at.astimezone(UTC).isoformat(timespec="microseconds")
    extra = values["extra"]
    if isinstance(extra, str):
        values["extra"] = {} if extra == "{}" else json.loads(extra)
    return _dumps(values).encode()


def _check_records(report: TrailReport, rows: Iterable[tuple[Any, ...]]) -> None:
    previous, version, previous_at = GENESIS_HASH, 1, None
    broken = False
    sha256 = hashlib.sha256
    leaves = bytearray()
    for row in rows:
        record_id, prev_hash, record_hash = row[0], row[1], row[2]
        fields = HASHED_FIELDS_BY_VERSION.get(row[-1])
        if not broken:
            reason = ""
            if prev_hash != previous:
                reason = "does not link to the record before it (one was removed or inserted)"
            elif fields is None:
                reason = "has a format version this code does not know"
            elif row[-1] < version:
                reason = "has a lower format version than an earlier record"
            elif (
                sha256(prev_hash.encode() + b"\n" + _content(row, fields)).hexdigest()
                != record_hash
            ):
                reason = "does not match its hash (its content was changed)"
            if reason:
                report.problems.append(f"Chain: record {record_id} {reason}.")
                broken = True
            else:
                version = row[-1]
        occurred_at = row[_AT]
        if previous_at is not None and occurred_at < previous_at:
            shown = occurred_at if isinstance(occurred_at, str) else occurred_at.isoformat()
            report.problems.append(
                f"Time: record {record_id} is dated {shown}, before the record before it "
                "(back-dated)."
            )
        previous_at = occurred_at
        previous = record_hash
        leaves += sha256(b"\x00" + bytes.fromhex(record_hash)).digest()  # log.leaf_of
        report.records += 1
    report.tree = Tree.from_leaf_bytes(bytes(leaves))


def _verifiers(keys: Iterable[str], problems: list[str], what: str) -> list[Verifier]:
    found = []
    for key in keys:
        try:
            found.append(Verifier.parse(key))
        except NoteError as error:
            problems.append(f"Configuration: the {what} key {key[:40]!r} is not valid ({error}).")
    return found


def _record_times(from_index: int) -> Iterator[tuple[int, dt.datetime]]:
    """(id, time) of the records from position ``from_index`` on, in id order."""
    rows = AuditEvent.objects.order_by("id").values_list("id", "occurred_at")[from_index:]
    yield from rows.iterator()


def fetch_witness_checkpoint(url: str) -> Note:
    with urllib.request.urlopen(f"{url.rstrip('/')}/checkpoint", timeout=10) as response:  # noqa: S310
        return Note.parse(response.read().decode())


def verify_trail(
    *,
    checkpoint_dir: str | None = None,
    log_vkey: str | None = None,
    witness_vkeys: Iterable[str] | None = None,
    shown: Iterable[tuple[str, Note]] = (),
    ask_witnesses: Iterable[str] = (),
) -> TrailReport:
    """Verify the records, the stored checkpoints, and any checkpoint a reader was ``shown``."""
    report = TrailReport()
    _check_records(report, _rows())
    checkpoint_dir = settings.AUDIT_CHECKPOINT_DIR if checkpoint_dir is None else checkpoint_dir
    log_vkey = settings.AUDIT_LOG_VKEY if log_vkey is None else log_vkey
    keys = settings.AUDIT_WITNESS_VKEYS if witness_vkeys is None else list(witness_vkeys)
    if not log_vkey:
        if checkpoint_dir:
            report.problems.append("Configuration: AUDIT_LOG_VKEY is not set.")
        return report
    log = _verifiers([log_vkey], report.problems, "log")
    witnesses = _verifiers(keys, report.problems, "witness")
    if not log:
        return report
    notes: list[tuple[str, Note]] = []
    for name, note in CheckpointStore(checkpoint_dir).notes() if checkpoint_dir else ():
        if isinstance(note, NoteError):
            report.problems.append(f"Checkpoint {name}: does not parse ({note}).")
        else:
            notes.append((name, note))
    for url in ask_witnesses:
        try:
            notes.append((f"witness {url}", fetch_witness_checkpoint(url)))
        except (OSError, NoteError) as error:
            report.problems.append(f"Witness {url}: no checkpoint to compare ({error}).")
    notes.extend(shown)
    _check_checkpoints(report, notes, log[0], witnesses)
    return report


def _check_checkpoints(
    report: TrailReport, notes: list[tuple[str, Note]], log: Verifier, witnesses: list[Verifier]
) -> None:
    tree = report.tree
    by_size: dict[int, tuple[str, Checkpoint]] = {}
    witnessed: list[tuple[int, str]] = []
    for name, note in notes:
        try:
            checkpoint = Checkpoint.parse(note.text)
        except NoteError as error:
            report.problems.append(f"Checkpoint {name}: does not parse ({error}).")
            continue
        if checkpoint.origin != log.name or not note.signed_by(log):
            report.problems.append(
                f"Checkpoint {name}: not signed by the log's key AUDIT_LOG_VKEY (a replaced "
                "signer key or a forged checkpoint)."
            )
            continue
        report.checkpoints += 1
        if any(note.cosigned_by(w) is not None for w in witnesses):
            witnessed.append((checkpoint.size, name))
        elif name.endswith(CheckpointStore.WITNESSED) or name.startswith("witness "):
            report.problems.append(f"Checkpoint {name}: no valid cosignature of a known witness.")
        earlier = by_size.get(checkpoint.size)
        if earlier is not None and earlier[1].root != checkpoint.root:
            report.problems.append(
                f"Split view: checkpoints {earlier[0]} and {name} both claim {checkpoint.size} "
                "records with different roots."
            )
            continue
        by_size[checkpoint.size] = (name, checkpoint)
        if checkpoint.size > tree.size:
            report.problems.append(
                f"Checkpoint {name}: holds {checkpoint.size} records, the trail has {tree.size}: "
                "records at the end were deleted, the table truncated, or an older backup restored."
            )
        elif tree.root(checkpoint.size) != checkpoint.root:
            report.problems.append(
                f"Checkpoint {name}: the first {checkpoint.size} records do not hash to it: a "
                "record was changed, deleted, inserted or moved (the chain may have been "
                "recomputed)."
            )
    sizes = sorted(size for size in by_size if size <= tree.size)
    for old, new in itertools.pairwise(sizes):
        old_cp, new_cp = by_size[old][1], by_size[new][1]
        proof = tree.consistency_proof(old, new)
        matches = tree.root(old) == old_cp.root and tree.root(new) == new_cp.root
        if matches and not verify_consistency(old, new, old_cp.root, new_cp.root, proof):
            report.problems.append(f"Checkpoints {old} and {new} are not consistent.")
    if witnessed:
        report.latest_witnessed = max(witnessed)[0]
    elif tree.size:
        report.problems.append("Witness: no checkpoint is cosigned by a known witness.")
    if by_size:
        _check_backdating(report, max(by_size.values(), key=lambda item: item[1].size)[1])


def _check_backdating(report: TrailReport, latest: Checkpoint) -> None:
    """A record after the latest checkpoint cannot be older than that checkpoint's reading."""
    if latest.size >= report.tree.size or not latest.time:
        return
    limit = dt.datetime.fromtimestamp(latest.time, tz=UTC) - dt.timedelta(
        seconds=settings.AUDIT_BACKDATE_TOLERANCE_SECONDS
    )
    for record_id, occurred_at in _record_times(latest.size):
        if occurred_at < limit:
            report.problems.append(
                f"Time: record {record_id} is not in checkpoint {latest.size} but dated "
                f"{occurred_at.isoformat()}, before that checkpoint was made (back-dated)."
            )
            return


def shown_checkpoint(path: str) -> tuple[str, Note]:
    """A checkpoint a reader was given, to be checked against the records and the others."""
    with open(path) as handle:
        return f"shown {path}", Note.parse(handle.read())


def encode_proof(proof: list[bytes]) -> list[str]:
    return [base64.b64encode(p).decode() for p in proof]
