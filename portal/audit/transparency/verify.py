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

import datetime as dt
import hashlib
import itertools
import json
import multiprocessing
import os
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import connection, connections

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


def _rows_postgresql(
    batch: int, *, after: int = 0, until: int = 2**63 - 1
) -> Iterator[tuple[Any, ...]]:
    table = AuditEvent._meta.db_table
    columns = ", ".join(
        _PG_EXPRESSIONS.get(name, f'"{name}"')
        for name in _FETCH  # these fields' columns
    )
    sql = (
        f'SELECT {columns} FROM "{table}" WHERE "id" > %s AND "id" <= %s '  # noqa: S608
        'ORDER BY "id" LIMIT %s'
    )
    last = after
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [last, until, batch])
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]
            if len(rows) < batch:
                return


_AT = _INDEX["occurred_at"]
_EXTRA = _INDEX["extra"]


_encode_string = json.encoder.encode_basestring_ascii  # what json.dumps uses (C)


def _encode(value: Any) -> str:
    """One value as ``json.dumps`` (ASCII, compact, keys sorted) writes it."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return _dumps(value)


def _layout(fields: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """Per field in sorted order: the text before its value and its place in a row."""
    names = sorted(fields)
    return tuple(
        (("{" if i == 0 else ",") + _encode_string(name) + ":", _INDEX[name])
        for i, name in enumerate(names)
    )


_LAYOUTS: dict[tuple[str, ...], tuple[tuple[str, int], ...]] = {}


def _value_expression(name: str, index: int) -> str:
    """Python source that writes field ``name`` of row ``r`` as JSON (the PostgreSQL rows)."""
    value = f"r[{index}]"
    if name == "occurred_at":
        return f"'\"' + {value} + '\"'"  # ISO digits, written by the database
    if name == "extra":
        return f'("{{}}" if {value} == "{{}}" else _dumps(_loads({value})))'
    field_name = "actor" if name == "actor_id" else name
    kind = AuditEvent._meta.get_field(field_name).get_internal_type()
    if kind == "BooleanField":
        return f'("true" if {value} is True else "false" if {value} is False else _encode({value}))'
    if kind in ("PositiveSmallIntegerField", "ForeignKey", "IntegerField"):
        return f'("null" if {value} is None else _encode({value}))'
    return f"(_encode_string({value}) if {value}.__class__ is str else _encode({value}))"


_COMPILED: dict[tuple[str, ...], Any] = {}


def _compiled_content(fields: tuple[str, ...]) -> Any:
    """A function of one row that returns its canonical content, generated once per format
    from the sorted field names (half the time of the generic loop, measured on 1M records)."""
    compiled = _COMPILED.get(fields)
    if compiled is None:
        parts = []
        for i, name in enumerate(sorted(fields)):
            key = ("{" if i == 0 else ",") + _encode_string(name) + ":"
            parts.append(repr(key))
            parts.append(_value_expression(name, _INDEX[name]))
        parts.append(repr("}"))
        source = "lambda r: (" + " + ".join(parts) + ").encode()"
        namespace = {
            "_dumps": _dumps,
            "_loads": json.loads,
            "_encode": _encode,
            "_encode_string": _encode_string,
        }
        # Built from the model's field names and types only, never from data.
        compiled = _COMPILED[fields] = eval(source, namespace)  # noqa: S307
    return compiled


def _content(row: tuple[Any, ...], fields: tuple[str, ...]) -> bytes:
    """``chain.canonical_content`` of a row: the JSON written field by field in the sorted
    order (a dict and the encoder's sort per record cost twice as much)."""
    if isinstance(row[_AT], str):
        content: bytes = _compiled_content(fields)(row)
        return content
    layout = _LAYOUTS.get(fields)
    if layout is None:
        layout = _LAYOUTS[fields] = _layout(fields)
    parts = []
    for prefix, index in layout:
        value = row[index]
        if index == _AT and not isinstance(value, str):
            value = value.astimezone(UTC).isoformat(timespec="microseconds")
        elif index == _EXTRA:
            if value == "{}" or value == {}:
                parts.append(prefix + "{}")
                continue
            if isinstance(value, str):
                value = json.loads(value)
        parts.append(prefix + _encode(value))
    parts.append("}")
    return "".join(parts).encode()


MAX_TIME_PROBLEMS = 10  # named one by one; more are counted
PARALLEL_FROM = 200_000  # records: below this one process is quicker than starting more
ALIGNMENT = 1 << 16  # records per aligned block of the parallel check (a power of two)


@dataclass
class Segment:
    """What one pass over consecutive records found; ``previous`` None: the first record's
    own link is taken as given (the caller checks it against the segment before)."""

    count: int = 0
    levels: list[bytes] = field(default_factory=list)  # of its own Merkle tree, leaves first
    first_id: int = 0
    first_prev: str = ""
    first_version: int = 0
    first_at: Any = None
    last_hash: str = ""
    last_version: int = 0
    last_at: Any = None
    chain_problem: str = ""
    time_problems: list[str] = field(default_factory=list)
    more_time_problems: int = 0


def _time_problem(segment: Segment, record_id: int, occurred_at: Any) -> None:
    if len(segment.time_problems) >= MAX_TIME_PROBLEMS:
        segment.more_time_problems += 1
        return
    shown = occurred_at if isinstance(occurred_at, str) else occurred_at.isoformat()
    segment.time_problems.append(
        f"Time: record {record_id} is dated {shown}, before the record before it (back-dated)."
    )


def _hash_of(prev_hash: Any, row: tuple[Any, ...], fields: tuple[str, ...]) -> str | None:
    """The chain hash the row should have; None when a value cannot be read as any record
    writes it (a NULL or other value set by hand): such a row does not match its hash."""
    try:
        return hashlib.sha256(prev_hash.encode() + b"\n" + _content(row, fields)).hexdigest()
    except (AttributeError, TypeError, ValueError):
        return None


def _leaf_data(record_hash: Any) -> bytes:
    """The leaf data of a record (``log.leaf_of``); a hash that is not hex (set by hand, and
    named as not matching) still takes its place in the tree, so the others keep theirs."""
    try:
        return bytes.fromhex(record_hash)
    except (TypeError, ValueError):
        return str(record_hash).encode()


def _scan(rows: Iterable[tuple[Any, ...]], previous: str | None = GENESIS_HASH) -> Segment:
    segment = Segment()
    version, previous_at = 1, None
    broken = False
    sha256 = hashlib.sha256
    leaves = bytearray()
    for row in rows:
        record_id, prev_hash, record_hash = row[0], row[1], row[2]
        fields = HASHED_FIELDS_BY_VERSION.get(row[-1])
        occurred_at = row[_AT]
        if not segment.count:
            segment.first_id, segment.first_prev = record_id, prev_hash
            segment.first_version, segment.first_at = row[-1], occurred_at
            if previous is None:
                previous, version = prev_hash, row[-1]
        if not broken:
            reason = ""
            if prev_hash != previous:
                reason = "does not link to the record before it (one was removed or inserted)"
            elif fields is None:
                reason = "has a format version this code does not know"
            elif row[-1] < version:
                reason = "has a lower format version than an earlier record"
            elif _hash_of(prev_hash, row, fields) != record_hash:
                reason = "does not match its hash (its content was changed)"
            if reason:
                segment.chain_problem = f"Chain: record {record_id} {reason}."
                broken = True
            else:
                version = row[-1]
        if occurred_at is None:  # a NOT NULL dropped by hand: its hash does not match
            occurred_at = previous_at
        elif previous_at is not None and occurred_at < previous_at:
            _time_problem(segment, record_id, occurred_at)
        previous_at = occurred_at
        previous = record_hash
        leaves += sha256(b"\x00" + _leaf_data(record_hash)).digest()  # log.leaf_of
        segment.count += 1
    segment.levels = [bytes(level) for level in Tree.from_leaf_bytes(bytes(leaves)).levels]
    segment.last_hash, segment.last_version, segment.last_at = previous or "", version, previous_at
    return segment


def _scan_range(bounds: tuple[int, int]) -> Segment:
    """One worker process: the records with ``bounds[0] < id <= bounds[1]``."""
    return _scan(_rows_postgresql(20_000, after=bounds[0], until=bounds[1]), previous=None)


def _segments() -> list[Segment]:
    """The records in one pass, or on PostgreSQL with many records in one process per core
    (hashing a million records is CPU work: 15 s in one process on this machine)."""
    workers = min(os.cpu_count() or 1, 8)
    total = AuditEvent.objects.count() if connection.vendor == "postgresql" else 0
    if workers < 2 or total < PARALLEL_FROM:
        return [_scan(_rows())]
    cuts = [0]
    offsets = sorted(
        {total * part // workers // ALIGNMENT * ALIGNMENT for part in range(1, workers)}
    )
    with connection.cursor() as cursor:
        # Cut at a multiple of ALIGNMENT records: each worker's tree is then made of whole
        # subtrees of the big one, and the parent only joins them (``_join_trees``). A cut
        # that rounds to 0 (fewer than ALIGNMENT records a worker) is no cut.
        for offset in (o for o in offsets if o > 0):
            cursor.execute(
                f'SELECT "id" FROM "{AuditEvent._meta.db_table}" ORDER BY "id" '  # noqa: S608
                "OFFSET %s LIMIT 1",
                [offset - 1],
            )
            cuts.append(cursor.fetchone()[0])
    cuts.append(2**63 - 1)
    connections.close_all()  # each worker opens its own connection
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(_scan_range, list(itertools.pairwise(cuts)))


def _check_records(report: TrailReport, segments: list[Segment]) -> None:
    """Join the segments: each must link to, and not be older than, the one before."""
    chain_problem, time_problems, more = "", [], 0
    previous = Segment(last_hash=GENESIS_HASH, last_version=1)
    for segment in segments:
        if not segment.count:
            continue
        if not chain_problem:
            if segment.first_prev != previous.last_hash:
                chain_problem = (
                    f"Chain: record {segment.first_id} does not link to the record before it "
                    "(one was removed or inserted)."
                )
            elif segment.first_version < previous.last_version:
                chain_problem = (
                    f"Chain: record {segment.first_id} has a lower format version than an "
                    "earlier record."
                )
            else:
                chain_problem = segment.chain_problem
        if previous.last_at is not None and segment.first_at < previous.last_at:
            time_problems.append(
                f"Time: record {segment.first_id} is dated before the record before it "
                "(back-dated)."
            )
        time_problems += segment.time_problems
        more += segment.more_time_problems
        report.records += segment.count
        previous = segment
    report.problems += [chain_problem] if chain_problem else []
    report.problems += time_problems[:MAX_TIME_PROBLEMS]
    if more or len(time_problems) > MAX_TIME_PROBLEMS:
        report.problems.append(
            f"Time: {more + len(time_problems) - MAX_TIME_PROBLEMS} more records back-dated."
        )
    report.tree = _join_trees(segments)


def _join_trees(segments: list[Segment]) -> Tree:
    """The Merkle tree of all records from the segments' own trees: their levels up to
    ALIGNMENT's are the big tree's, side by side, when every segment but the last holds a
    multiple of ALIGNMENT records (else, records removed meanwhile: built again from the
    leaves)."""
    segments = [s for s in segments if s.levels and s.levels[0]]
    if not segments:
        return Tree()
    depth = ALIGNMENT.bit_length() - 1
    aligned = all(len(s.levels[0]) // 32 % ALIGNMENT == 0 for s in segments[:-1])
    if len(segments) == 1:
        return Tree.from_levels(segments[0].levels)
    if not aligned:
        return Tree.from_leaf_bytes(b"".join(s.levels[0] for s in segments))
    levels = [
        b"".join(s.levels[level] for s in segments if level < len(s.levels))
        for level in range(depth + 1)
    ]
    return Tree.from_levels(levels)


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
    _check_records(report, _segments())
    # Ids come from a sequence starting at 1, and the chain is read from there on: a row with
    # an id below it was put in by hand, where neither the chain nor the tree would see it.
    outside = AuditEvent.objects.filter(id__lt=1).order_by("id").values_list("id", flat=True)
    if first_outside := outside.first():
        report.problems.append(
            f"Chain: record {first_outside} has an id below 1, outside the chain and the "
            "checkpoints (inserted by hand)."
        )
    checkpoint_dir = settings.AUDIT_CHECKPOINT_DIR if checkpoint_dir is None else checkpoint_dir
    log_vkey = settings.AUDIT_LOG_VKEY if log_vkey is None else log_vkey
    keys = settings.AUDIT_WITNESS_VKEYS if witness_vkeys is None else list(witness_vkeys)
    if not log_vkey:
        if checkpoint_dir:
            report.problems.append("Configuration: AUDIT_LOG_VKEY is not set.")
        return report
    # Several keys, comma-separated, while the log's key is being rotated (docs/audit.md).
    log = _verifiers([k for k in log_vkey.split(",") if k], report.problems, "log")
    witnesses = _verifiers(keys, report.problems, "witness")
    if not log:
        return report
    notes: list[tuple[str, Note]] = []
    for name, note in CheckpointStore(checkpoint_dir).notes() if checkpoint_dir else ():
        if isinstance(note, NoteError):
            report.problems.append(f"Checkpoint {name}: does not parse ({note}).")
        else:
            notes.append((name, note))
    for size, answer in CheckpointStore(checkpoint_dir).refusals() if checkpoint_dir else ():
        report.problems.append(
            f"Witness: refused checkpoint {size} ({answer[:200]}): it does not extend the history "
            "the witness cosigned (records rewritten or removed, or an older backup restored)."
        )
    for url in ask_witnesses:
        try:
            notes.append((f"witness {url}", fetch_witness_checkpoint(url)))
        except (OSError, NoteError) as error:
            report.problems.append(f"Witness {url}: no checkpoint to compare ({error}).")
    notes.extend(shown)
    _check_checkpoints(report, notes, log, witnesses)
    return report


def _is_stored(name: str) -> bool:
    """Whether ``name`` is a file of the checkpoint directory (not a witness's or a shown one)."""
    return not name.startswith(("witness ", "shown "))


def _check_checkpoints(
    report: TrailReport,
    notes: list[tuple[str, Note]],
    logs: list[Verifier],
    witnesses: list[Verifier],
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
        if not any(checkpoint.origin == log.name and note.signed_by(log) for log in logs):
            report.problems.append(
                f"Checkpoint {name}: not signed by the log's key AUDIT_LOG_VKEY (a replaced "
                "signer key or a forged checkpoint)."
            )
            continue
        report.checkpoints += 1
        if _is_stored(name) and name.split(".", 1)[0] != f"{checkpoint.size:012d}":
            report.problems.append(
                f"Checkpoint {name}: its name does not say the {checkpoint.size} records it "
                "holds (a file renamed or copied over another)."
            )
            continue
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
