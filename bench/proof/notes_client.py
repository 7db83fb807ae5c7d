"""A live-notes client that behaves like the browser bundle (y-websocket 3 with the portal's
options), for the fault and load proofs.

Like y-websocket it: sends sync step 1 and its awareness on open; answers the server's step 1
with step 2 (what the server lacks, so edits made while disconnected reach the server); applies
step 2 and updates; sends each local edit as an update while the socket is open; re-sends step 1
every ``resync_seconds`` (the portal's ``LIVE_NOTES_RESYNC_MS``, 20 s); renews its awareness
every 15 s; closes a socket that stayed silent for 30 s; reconnects with backoff
``min(100 ms * 2**failures, 10 s)``; and stops for good on 4401/4403/4404/4412.

Like a load balancer in front of several processes, a reconnect that finds its process down
(connection refused) tries the next one at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections.abc import Callable

import websockets
from pycrdt import Doc, Text

from collaboration.live_notes import protocol

TEXT_NAME = "notes"
FINAL_CLOSE_CODES = {4401, 4403, 4404, 4412}
MESSAGE_RECONNECT_TIMEOUT = 30.0
AWARENESS_RENEW = 15.0
MAX_BACKOFF = 10.0


def _awareness_update(client_id: int, clock: int, state: dict) -> bytes:
    body = json.dumps(state).encode()
    return (
        protocol.write_var_uint(1)
        + protocol.write_var_uint(client_id)
        + protocol.write_var_uint(clock)
        + protocol.write_var_bytes(body)
    )


class NotesClient:
    def __init__(
        self,
        name: str,
        ports: list[int],
        path: str,
        cookie: str,
        *,
        resync_seconds: float = 20.0,
        on_update: Callable[[NotesClient, bytes, float, int], None] | None = None,
    ) -> None:
        self.name = name
        self.ports = ports
        self.port_index = 0
        self.path = path
        self.cookie = cookie
        self.resync_seconds = resync_seconds
        self.on_update = on_update
        self.doc = Doc()
        self.text = self.doc.get(TEXT_NAME, type=Text)
        self.awareness_clock = 0
        self.ws: websockets.ClientConnection | None = None
        self.connected = asyncio.Event()
        self.synced = False
        self.can_edit = False
        self.running = True
        self.final_close: int | None = None
        # figures
        self.connects = 0
        self.failed_attempts = 0
        self.closes: list[str] = []
        self.messages_in = 0
        self.updates_in = 0
        self.updates_out = 0
        self.updates_dropped_offline = 0
        self.last_message = time.monotonic()
        self._task: asyncio.Task | None = None
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue()

    # --- editing ---------------------------------------------------------------------------

    def type_at_end(self, token: str) -> None:
        """Insert ``token`` at the end, as a keystroke burst; sent now if connected."""
        before = self.doc.get_state()
        self.text.insert(len(self.text), token)
        update = self.doc.get_update(before)
        ws = self.ws
        if ws is not None and self.connected.is_set():
            self.updates_out += 1
            self._outbox.put_nowait(protocol.sync_message(protocol.SYNC_UPDATE, update))
        else:
            self.updates_dropped_offline += 1  # still in the doc: step 2 carries it later

    def value(self) -> str:
        return str(self.text)

    async def resync(self) -> None:
        await self._send(protocol.sync_message(protocol.SYNC_STEP1, self.doc.get_state()))

    # --- connection ------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"notes-{self.name}")

    async def stop(self) -> None:
        self.running = False
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _send(self, data: bytes) -> None:
        """Queue ``data`` for the open socket (one sender task keeps the order)."""
        if self.ws is not None:
            self._outbox.put_nowait(data)

    async def _sender(self, ws: websockets.ClientConnection, outbox: asyncio.Queue) -> None:
        while True:
            data = await outbox.get()
            try:
                await ws.send(data)
            except Exception:
                return

    async def _open(self) -> websockets.ClientConnection:
        last_error: Exception | None = None
        for offset in range(len(self.ports)):
            port = self.ports[(self.port_index + offset) % len(self.ports)]
            try:
                ws = await websockets.connect(
                    f"ws://127.0.0.1:{port}{self.path}",
                    origin="http://127.0.0.1",
                    additional_headers={"Cookie": self.cookie},
                    open_timeout=10,
                    ping_interval=None,
                    max_size=None,
                )
            except OSError as error:  # refused: that process is down, try the next one
                last_error = error
                continue
            self.port_index = (self.port_index + offset) % len(self.ports)
            return ws
        raise last_error or OSError("no server")

    async def _run(self) -> None:
        failures = 0
        while self.running:
            try:
                ws = await self._open()
            except Exception as error:
                self.failed_attempts += 1
                self.closes.append(f"connect: {type(error).__name__}")
                await asyncio.sleep(min(0.1 * 2**failures, MAX_BACKOFF))
                failures += 1
                continue
            failures = 0
            self.connects += 1
            self.ws = ws
            self.synced = False
            self.last_message = time.monotonic()
            self._outbox = asyncio.Queue()  # what was queued for the old socket: step 2 covers it
            sender = asyncio.create_task(self._sender(ws, self._outbox))
            self.connected.set()
            await self._send(protocol.sync_message(protocol.SYNC_STEP1, self.doc.get_state()))
            await self._send_awareness()
            timers = asyncio.create_task(self._timers(ws))
            code = None
            try:
                async for message in ws:
                    if isinstance(message, bytes):
                        self._handle(message)
            except websockets.ConnectionClosed:
                pass
            except Exception as error:
                self.closes.append(f"error: {type(error).__name__}")
            finally:
                timers.cancel()
                sender.cancel()
                self.connected.clear()
                self.ws = None
                code = ws.close_code
                with contextlib.suppress(Exception):
                    await ws.close()
            if not self.running:
                return
            self.closes.append(f"closed {code}")
            if code in FINAL_CLOSE_CODES:
                self.final_close = code
                return
            await asyncio.sleep(min(0.1 * 2**failures, MAX_BACKOFF))
            failures += 1

    async def _send_awareness(self) -> None:
        self.awareness_clock += 1
        update = _awareness_update(
            self.doc.client_id, self.awareness_clock, {"user": {"name": self.name}}
        )
        await self._send(protocol.awareness_message(update))

    async def _timers(self, ws: websockets.ClientConnection) -> None:
        last_resync = last_awareness = time.monotonic()
        while True:
            await asyncio.sleep(0.5 + random.random() * 0.2)  # noqa: S311
            now = time.monotonic()
            if now - self.last_message > MESSAGE_RECONNECT_TIMEOUT:
                self.closes.append("silent for 30 s")
                await ws.close()
                return
            if now - last_resync >= self.resync_seconds:
                last_resync = now
                await self.resync()
            if now - last_awareness >= AWARENESS_RENEW:
                last_awareness = now
                await self._send_awareness()

    def _handle(self, message: bytes) -> None:
        now = time.perf_counter()
        self.last_message = time.monotonic()
        self.messages_in += 1
        reader = protocol.Reader(message)
        kind = reader.var_uint()
        if kind == protocol.MESSAGE_SYNC:
            sync_type = reader.var_uint()
            payload = reader.var_bytes()
            if sync_type == protocol.SYNC_STEP1:
                answer = self.doc.get_update(payload)
                self._outbox.put_nowait(protocol.sync_message(protocol.SYNC_STEP2, answer))
            else:
                self.doc.apply_update(payload)
                if sync_type == protocol.SYNC_STEP2:
                    self.synced = True
                else:
                    self.updates_in += 1
                if self.on_update is not None:
                    self.on_update(self, payload, now, sync_type)
        elif kind == protocol.MESSAGE_PERMISSION:
            self.can_edit = message[1:2] == b"\x01"
