"""Signed checkpoints in the C2SP formats: signed-note, tlog-checkpoint and tlog-cosignature.

A checkpoint is a short text: the log's origin, the number of records, the base64 Merkle root,
and here one extension line with the audit chain's head hash. The log signs it with Ed25519
(``— <name> <base64(key id || signature)>``); a witness adds a cosignature over
``cosignature/v1``, the time and the same text. The formats are the ones of
https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint and
https://c2sp.org/tlog-cosignature, so Go's ``golang.org/x/mod/sumdb/note`` or any C2SP witness can
read them. Standard library and ``cryptography`` only (no Django): the witness imports it.

Keys: a private key file holds the 32-byte Ed25519 seed in base64 on one line; the public side
is a verifier key ``<name>+<hex key id>+<base64(type || public key)>``, which is what the
settings and the witness are given.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SIG_ED25519 = 0x01
SIG_COSIGNATURE_V1 = 0x04
EM_DASH = "\u2014"
HEAD_PREFIX = "chain-head "
TIME_PREFIX = "time "


class NoteError(ValueError):
    """A note, checkpoint, key or signature that does not parse or does not verify."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise NoteError("not base64") from error


def key_id(name: str, sig_type: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public).digest()[:4]


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    """A public key with its name and signature type (log: Ed25519; witness: cosignature)."""

    name: str
    sig_type: int
    public: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.sig_type, self.public)

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.id.hex()}+{_b64(bytes([self.sig_type]) + self.public)}"

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        try:
            name, hex_id, encoded = vkey.strip().split("+", 2)
        except ValueError as error:
            raise NoteError("a verifier key is name+id+key") from error
        raw = _unb64(encoded)
        if len(raw) != 33 or raw[0] not in (SIG_ED25519, SIG_COSIGNATURE_V1):
            raise NoteError("not an Ed25519 verifier key")
        verifier = cls(name=name, sig_type=raw[0], public=raw[1:])
        if verifier.id.hex() != hex_id.lower():
            raise NoteError("the verifier key's id does not match its key")
        return verifier

    def check(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    sig_type: int
    private: Ed25519PrivateKey

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.sig_type, _public_bytes(self.private.public_key()))

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def generate_key_file(path: Path) -> None:
    """Write a new private key (base64 seed), readable by its owner only; never overwrite."""
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(_b64(seed) + "\n")


def load_signer(path: Path, *, name: str, sig_type: int = SIG_ED25519) -> Signer:
    seed = _unb64(Path(path).read_text().strip())
    if len(seed) != 32:
        raise NoteError("a private key file holds a 32-byte seed")
    return Signer(name, sig_type, Ed25519PrivateKey.from_private_bytes(seed))


# --- Notes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: bytes
    value: bytes  # what follows the key id: the signature (log) or time + signature (cosign)

    def line(self) -> str:
        return f"{EM_DASH} {self.name} {_b64(self.key_id + self.value)}\n"


@dataclass(frozen=True)
class Note:
    text: str  # the signed body, ending in a newline
    signatures: tuple[Signature, ...]

    def render(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    @classmethod
    def parse(cls, data: str) -> Note:
        text, separator, rest = data.rpartition("\n\n")
        if not separator or not text:
            raise NoteError("a note is a text, a blank line and signature lines")
        signatures = []
        for line in rest.splitlines():
            prefix, _, body = line.partition(" ")
            name, _, encoded = body.rpartition(" ")
            if prefix != EM_DASH or not name or not encoded:
                raise NoteError("malformed signature line")
            raw = _unb64(encoded)
            if len(raw) < 5:
                raise NoteError("signature too short")
            signatures.append(Signature(name, raw[:4], raw[4:]))
        if not signatures:
            raise NoteError("an unsigned note")
        return cls(text + "\n", tuple(signatures))

    def signed_by(self, verifier: Verifier) -> bool:
        """Whether the log key ``verifier`` signed this text."""
        return any(
            s.name == verifier.name
            and s.key_id == verifier.id
            and verifier.check(self.text.encode(), s.value)
            for s in self.signatures
        )

    def cosigned_by(self, verifier: Verifier) -> int | None:
        """The time (Unix seconds) at which witness ``verifier`` cosigned, or None."""
        for s in self.signatures:
            if s.name != verifier.name or s.key_id != verifier.id or len(s.value) != 72:
                continue
            timestamp = int.from_bytes(s.value[:8], "big")
            if verifier.check(cosigned_message(self.text, timestamp), s.value[8:]):
                return timestamp
        return None

    def with_signature(self, signature: Signature) -> Note:
        return Note(self.text, (*self.signatures, signature))


def cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def sign_note(text: str, signer: Signer) -> Note:
    return Note(text, (Signature(signer.name, signer.verifier.id, signer.sign(text.encode())),))


def cosign(note: Note, signer: Signer, timestamp: int) -> Signature:
    value = struct.pack(">Q", timestamp) + signer.sign(cosigned_message(note.text, timestamp))
    return Signature(signer.name, signer.verifier.id, value)


# --- Checkpoints ---------------------------------------------------------------------------------


def is_number(text: str) -> bool:
    """ASCII digits that fit a 64-bit unsigned integer: ``str.isdigit`` alone also takes "²"
    and "١", which ``int`` then refuses or reads, and a number of thousands of digits."""
    return text.isascii() and text.isdigit() and len(text) <= 19


_is_number = is_number


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    head: str  # the audit chain's last hash (hex), or the genesis hash for an empty trail
    time: int = 0  # when the signer read the records (Unix seconds)

    def text(self) -> str:
        return (
            f"{self.origin}\n{self.size}\n{_b64(self.root)}\n"
            f"{HEAD_PREFIX}{self.head}\n{TIME_PREFIX}{self.time}\n"
        )

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint has an origin, a size and a root hash")
        origin, size, root = lines[0], lines[1], lines[2]
        if not origin or not _is_number(size) or (size != "0" and size.startswith("0")):
            raise NoteError("malformed checkpoint origin or size")
        root_bytes = _unb64(root)
        if len(root_bytes) != 32:
            raise NoteError("a checkpoint root has 32 bytes")
        extensions = lines[3:-1]
        head = next((x[len(HEAD_PREFIX) :] for x in extensions if x.startswith(HEAD_PREFIX)), "")
        stamp = next((x[len(TIME_PREFIX) :] for x in extensions if x.startswith(TIME_PREFIX)), "0")
        if not _is_number(stamp):
            raise NoteError("malformed checkpoint time")
        return cls(origin, int(size), root_bytes, head, int(stamp))
