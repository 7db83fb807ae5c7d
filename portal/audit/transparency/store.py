"""The append-only checkpoint directory (no Django: the proofs and the witness side read it).

One file per checkpoint, created exclusively and never rewritten (``<size>.checkpoint``: the
log's signed note; ``<size>.witnessed``: the same with the witness cosignatures). A second,
different checkpoint for a size already there is refused, so the directory cannot be made to
show two histories.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from .note import Checkpoint, Note, NoteError


class CheckpointConflict(Exception):
    """A different checkpoint for a size the store already holds: two histories."""


class CheckpointStore:
    SIGNED = ".checkpoint"
    WITNESSED = ".witnessed"
    SUFFIXES = (SIGNED, WITNESSED)

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
            if path.name.endswith(suffix) and stem.isascii() and stem.isdigit():
                found.append(int(stem))
        return sorted(found)

    def notes(self) -> Iterator[tuple[str, Note | NoteError]]:
        """Every checkpoint file with its parsed note (or why it does not parse), by name."""
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.iterdir()):
            if not path.name.endswith(self.SUFFIXES):
                continue
            try:
                yield path.name, Note.parse(path.read_text())
            except NoteError as error:
                yield path.name, error
            except (UnicodeDecodeError, OSError) as error:  # not text, a directory, unreadable
                yield path.name, NoteError(f"unreadable: {error.__class__.__name__}")

    def latest_signed(self) -> Note | None:
        sizes = self.sizes(self.SIGNED)
        return self.signed(sizes[-1]) if sizes else None

    def latest_witnessed(self) -> Note | None:
        sizes = self.sizes(self.WITNESSED)
        return self.witnessed(sizes[-1]) if sizes else None

    REFUSED = ".refused"

    def add_refusal(self, size: int, answer: str) -> None:
        """What a witness answered when it refused checkpoint ``size`` (kept, first answer)."""
        path = self._path(size, self.REFUSED)
        if not path.exists():
            self._write_once(path, answer[:500] + "\n")

    def refusals(self) -> list[tuple[int, str]]:
        """Each checkpoint a witness refused, with its answer, smallest first."""
        found = []
        for size in self.sizes(self.REFUSED):
            try:
                found.append((size, self._path(size, self.REFUSED).read_text().strip()))
            except (UnicodeDecodeError, OSError):
                found.append((size, "unreadable"))
        return found

    def pending(self) -> list[int]:
        """Signed checkpoints no witness has cosigned yet, smallest first."""
        witnessed = set(self.sizes(self.WITNESSED))
        latest = max(witnessed, default=-1)
        return [size for size in self.sizes(self.SIGNED) if size > latest]
