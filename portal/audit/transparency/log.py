"""The audit trail as a transparency log: its leaves in the database, its checkpoints on disk.

Leaf ``i`` is the ``i``-th audit record in id order, and its data is the record's chain hash
(32 bytes): that hash covers the record's canonical content and the previous record's hash, so a
person shown one record, the hash before it and an inclusion proof can check it against a signed
checkpoint without seeing any other record.

``CheckpointStore`` is the append-only directory: one file per checkpoint, created exclusively
and never rewritten (``<size>.checkpoint``: the log's signed note; ``<size>.witnessed``: the
same with the witness cosignatures). A second, different checkpoint for a size already there is
refused, so the directory cannot be made to show two histories.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

from ..models import AuditEvent
from .merkle import leaf_hash
from .note import Checkpoint, Note, NoteError

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


class CheckpointConflict(Exception):
    """A different checkpoint for a size the store already holds: two histories."""


class CheckpointStore:
    SIGNED = ".checkpoint"
    WITNESSED = ".witnessed"

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _path(self, size: int, suffix: str) -> Path:
        return self.directory / f"{size:012d}{suffix}"

    def _write_once(self, path: Path, text: str) -> None:
        """Create ``path`` with ``text`` or, if it exists, insist it holds the same."""
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            if path.read_text() != text:
                raise CheckpointConflict(f"{path.name} exists with other content") from None
            return
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        directory = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def add_signed(self, note: Note) -> None:
        checkpoint = Checkpoint.parse(note.text)
        existing = self.signed(checkpoint.size)
        if existing is not None and existing.text != note.text:
            raise CheckpointConflict(f"another checkpoint of size {checkpoint.size} exists")
        self._write_once(self._path(checkpoint.size, self.SIGNED), note.render())

    def add_witnessed(self, note: Note) -> None:
        checkpoint = Checkpoint.parse(note.text)
        signed = self.signed(checkpoint.size)
        if signed is None or signed.text != note.text:
            raise CheckpointConflict(f"no such signed checkpoint of size {checkpoint.size}")
        self._write_once(self._path(checkpoint.size, self.WITNESSED), note.render())

    def _read(self, path: Path) -> Note | None:
        try:
            return Note.parse(path.read_text())
        except FileNotFoundError:
            return None

    def signed(self, size: int) -> Note | None:
        return self._read(self._path(size, self.SIGNED))

    def witnessed(self, size: int) -> Note | None:
        return self._read(self._path(size, self.WITNESSED))

    def sizes(self, suffix: str = SIGNED) -> list[int]:
        if not self.directory.is_dir():
            return []
        found = []
        for path in self.directory.iterdir():
            stem = path.name.removesuffix(suffix)
            if path.name.endswith(suffix) and stem.isdigit():
                found.append(int(stem))
        return sorted(found)

    def notes(self) -> Iterator[tuple[str, Note | NoteError]]:
        """Every checkpoint file with its parsed note (or why it does not parse), by name."""
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.iterdir()):
            if not path.name.endswith((self.SIGNED, self.WITNESSED)):
                continue
            try:
                yield path.name, Note.parse(path.read_text())
            except NoteError as error:
                yield path.name, error

    def latest_signed(self) -> Note | None:
        sizes = self.sizes(self.SIGNED)
        return self.signed(sizes[-1]) if sizes else None

    def latest_witnessed(self) -> Note | None:
        sizes = self.sizes(self.WITNESSED)
        return self.witnessed(sizes[-1]) if sizes else None

    def pending(self) -> list[int]:
        """Signed checkpoints no witness has cosigned yet, smallest first."""
        witnessed = set(self.sizes(self.WITNESSED))
        latest = max(witnessed, default=-1)
        return [size for size in self.sizes(self.SIGNED) if size > latest]
