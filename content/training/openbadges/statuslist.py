"""W3C Bitstring Status List v1.0: a GZIP-compressed bitstring, base64url without padding
behind a multibase 'u'; bit 0 is the most significant bit of the first byte. 131 072 entries
(16 KiB) is the spec's minimum size, so a list never shows how few certificates exist."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

LIST_SIZE = 131_072


def encode(revoked_positions: Iterable[int], size: int = LIST_SIZE) -> str:
    bits = bytearray(size // 8)
    for position in revoked_positions:
        if not 0 <= position < size:
            raise ValueError("position outside the list")
        bits[position // 8] |= 0x80 >> (position % 8)
    # mtime=0: the same list compresses to the same bytes, so the signature is reproducible.
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def bit(encoded_list: str, position: int) -> bool:
    if not encoded_list.startswith("u"):
        raise ValueError("encodedList is not multibase base64url")
    body = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if not 0 <= position < len(bits) * 8:
        raise ValueError("statusListIndex outside the list")
    return bool(bits[position // 8] & (0x80 >> (position % 8)))
