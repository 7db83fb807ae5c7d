"""A Yjs client over a real WebSocket (the ``websockets`` package), speaking what the browser
bundle speaks; used by the two-process test and by ``bench/live_notes.py``."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import websockets
from pycrdt import Doc, Text

from collaboration.live_notes import protocol
from collaboration.live_notes.document import TEXT_NAME


class NetClient:
    def __init__(self, url: str, *, cookie: str | None = None, origin: str | None = None) -> None:
        self.url = url
        self.cookie = cookie
        self.origin = origin
        self.doc = Doc()
        self.text = self.doc.get(TEXT_NAME, type=Text)
        self.present: list[dict[str, Any]] = []
        self.can_edit: bool | None = None
        self.synced = asyncio.Event()
        self.on_remote: Callable[[NetClient], None] | None = None
        self._ws: Any = None
        self._reader: asyncio.Task | None = None
        self._outbox: list[bytes] = []
        self._remote = False
        self.doc.observe(self._local_change)

    def _local_change(self, event: Any) -> None:
        if not self._remote:
            self._outbox.append(event.update)

    async def connect(self) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self._ws = await websockets.connect(
            self.url,
            origin=self.origin,
            additional_headers=headers,
            max_size=2**24,
            ping_interval=None,
        )
        await self._ws.send(protocol.sync_message(protocol.SYNC_STEP1, self.doc.get_state()))
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                if isinstance(data, bytes):
                    await self._handle(data)
        except websockets.ConnectionClosed:
            pass

    async def _handle(self, data: bytes) -> None:
        reader = protocol.Reader(data)
        kind = reader.var_uint()
        if kind == protocol.MESSAGE_SYNC:
            sync_type = reader.var_uint()
            payload = reader.var_bytes()
            if sync_type == protocol.SYNC_STEP1:
                await self._ws.send(
                    protocol.sync_message(protocol.SYNC_STEP2, self.doc.get_update(payload))
                )
                return
            self._remote = True
            try:
                self.doc.apply_update(payload)
            finally:
                self._remote = False
            if sync_type == protocol.SYNC_STEP2:
                self.synced.set()
            if self.on_remote is not None:
                self.on_remote(self)
        elif kind == protocol.MESSAGE_PRESENCE:
            self.present = json.loads(reader.var_bytes())["present"]
        elif kind == protocol.MESSAGE_PERMISSION:
            self.can_edit = bool(reader.var_uint())

    async def append(self, chunk: str) -> None:
        self.text += chunk
        await self.flush()

    async def flush(self) -> None:
        outbox, self._outbox = self._outbox, []
        for update in outbox:
            await self._ws.send(protocol.sync_message(protocol.SYNC_UPDATE, update))

    @property
    def value(self) -> str:
        return str(self.text)

    async def until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            await asyncio.sleep(0.01)
        return predicate()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
