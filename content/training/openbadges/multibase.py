"""Base58btc multibase ('z' prefix) and the multicodec headers of Ed25519 keys (Multikey)."""

from __future__ import annotations

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}

# Multicodec varints: ed25519-pub (0xed) and ed25519-priv (0x1300).
ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError("not base58btc")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode(data: bytes) -> str:
    """Multibase base58btc: what ``proofValue`` and ``publicKeyMultibase`` hold."""
    return "z" + b58encode(data)


def decode(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("only base58btc multibase ('z…') is supported")
    return b58decode(text[1:])


def public_key_multibase(raw: bytes) -> str:
    return encode(ED25519_PUB_HEADER + raw)


def public_key_from_multibase(text: str) -> bytes:
    data = decode(text)
    if not data.startswith(ED25519_PUB_HEADER) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey public key")
    return data[2:]
