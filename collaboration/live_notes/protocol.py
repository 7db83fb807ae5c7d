"""The few pieces of the Yjs wire protocol (y-protocols, lib0 encoding) the server needs.

Message types 0 (sync), 1 (awareness) and 3 (query awareness) are y-websocket's; 100 and 101
are ours and handled by the bundle: the server's presence list and the edit permission.
"""

from __future__ import annotations

import json
import re
from typing import Any

MESSAGE_SYNC = 0
MESSAGE_AWARENESS = 1
MESSAGE_QUERY_AWARENESS = 3
MESSAGE_PRESENCE = 100
MESSAGE_PERMISSION = 101

SYNC_STEP1 = 0
SYNC_STEP2 = 1
SYNC_UPDATE = 2


class ProtocolError(ValueError):
    pass


def write_var_uint(num: int) -> bytes:
    out = bytearray()
    while num > 127:
        out.append(128 | (num & 127))
        num >>= 7
    out.append(num)
    return bytes(out)


def write_var_bytes(data: bytes) -> bytes:
    return write_var_uint(len(data)) + data


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def var_uint(self) -> int:
        num = 0
        shift = 0
        while True:
            if self.pos >= len(self.data) or shift > 63:
                raise ProtocolError("truncated varuint")
            byte = self.data[self.pos]
            self.pos += 1
            num |= (byte & 127) << shift
            shift += 7
            if byte < 128:
                return num

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        end = self.pos + length
        if end > len(self.data):
            raise ProtocolError("truncated payload")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk


def sync_message(sync_type: int, payload: bytes) -> bytes:
    return bytes([MESSAGE_SYNC, sync_type]) + write_var_bytes(payload)


def awareness_message(payload: bytes) -> bytes:
    return bytes([MESSAGE_AWARENESS]) + write_var_bytes(payload)


def presence_message(people: list[dict[str, Any]]) -> bytes:
    body = json.dumps({"present": people}, separators=(",", ":")).encode()
    return bytes([MESSAGE_PRESENCE]) + write_var_bytes(body)


def permission_message(*, can_edit: bool) -> bytes:
    return bytes([MESSAGE_PERMISSION, 1 if can_edit else 0])


def awareness_clocks(payload: bytes) -> dict[int, int]:
    """Client ids and clocks announced in an awareness update (the states are not read)."""
    reader = Reader(payload)
    clocks: dict[int, int] = {}
    for _ in range(reader.var_uint()):
        client_id = reader.var_uint()
        clock = reader.var_uint()
        reader.var_bytes()
        clocks[client_id] = clock
    return clocks


_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_COLOUR = "#1d6b4f"


def awareness_rewrite(
    payload: bytes, *, name: str, known: dict[int, int], max_clients: int
) -> tuple[bytes, dict[int, int]] | None:
    """The awareness update ``payload`` as the server lets it through, and its clients' clocks.

    Each state's ``user`` is the name the server knows for the connection: a client cannot
    show itself as someone else ("Sara Demeester (coördinator)"). Only ``user`` (the name, and
    a colour if it is a plain ``#rrggbb``) and ``cursor`` are passed on; ``null`` (gone) stays
    ``null``. A connection speaks for at most ``max_clients`` Yjs client ids (one per browser
    document; ``known`` holds those it used so far); entries for more are left out. Returns
    ``None`` when nothing is left or the payload does not decode (the message is dropped).
    """
    try:
        reader = Reader(payload)
        entries = []
        for _ in range(reader.var_uint()):
            client_id = reader.var_uint()
            clock = reader.var_uint()
            state = json.loads(reader.var_bytes().decode("utf-8"))
            entries.append((client_id, clock, state))
    except (ValueError, RecursionError):  # ProtocolError, UnicodeDecodeError, JSONDecodeError
        return None
    out = bytearray()
    clocks: dict[int, int] = {}
    for client_id, clock, state in entries:
        is_new = client_id not in known and client_id not in clocks
        if is_new and len(known) + len(clocks) >= max_clients:
            continue
        if state is not None:
            if not isinstance(state, dict):
                continue
            claimed = state.get("user")
            colour = claimed.get("color") if isinstance(claimed, dict) else None
            if not (isinstance(colour, str) and _COLOUR.fullmatch(colour)):
                colour = DEFAULT_COLOUR
            rewritten: dict[str, Any] = {"user": {"name": name, "color": colour}}
            cursor = state.get("cursor")
            if "cursor" in state and (cursor is None or isinstance(cursor, dict)):
                rewritten["cursor"] = cursor
            state = rewritten
        body = json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode()
        out += write_var_uint(client_id) + write_var_uint(clock) + write_var_bytes(body)
        clocks[client_id] = clock
    if not clocks:
        return None
    return write_var_uint(len(clocks)) + bytes(out), clocks


def awareness_removal(clocks: dict[int, int]) -> bytes:
    """An awareness update marking ``clocks``' clients as gone (state ``null``, clock + 1)."""
    out = bytearray(write_var_uint(len(clocks)))
    for client_id, clock in clocks.items():
        out += write_var_uint(client_id) + write_var_uint(clock + 1) + write_var_bytes(b"null")
    return bytes(out)
