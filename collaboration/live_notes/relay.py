"""Fan-out of a meeting's messages inside one server process.

Channels delivers a group message to every member channel separately: each connection's task
wakes, decodes the message and dispatches it. With 15 connections of one meeting in a process
that took 4.4 ms (p50) from the message's arrival to the last handler, more than storing the
edit (measured under ``bench/live_notes.py``). So each process joins a meeting's group once,
with one channel, and hands every message to its local connections' outboxes directly; each
connection's own sender task writes to its socket, so a slow client only delays itself.

Membership is per event loop (a server process has one; each test has its own). Connections
still have their own channel for what concerns them alone (sign-out closes the socket).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

logger = logging.getLogger(__name__)


def meeting_group(meeting_id: int) -> str:
    """The channel-layer group of a meeting, derived on the server only."""
    return f"meeting.{int(meeting_id)}"


def broadcast_read_only(meeting_id: int) -> None:
    """Tell every live client of the meeting that its notes no longer change (finalised,
    cancelled). Call it after commit; a failure is logged, not raised: the server refuses the
    edits anyway, since the meeting row says so."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(meeting_group(meeting_id), {"type": "notes.read_only"})
    except Exception:
        logger.exception("Could not tell live clients that meeting %s turned read-only", meeting_id)


# A connection whose outbox holds this many undelivered messages is not keeping up; it is
# closed and resynchronises from the database when it reconnects.
OUTBOX_LIMIT = 2000


class Member(Protocol):
    channel_name: str

    def deliver(self, message: dict[str, Any]) -> None: ...


class MeetingRelay:
    """The process's subscription to one meeting group, shared by its local connections."""

    def __init__(self, layer: Any, group: str) -> None:
        self.layer = layer
        self.group = group
        self.members: dict[str, Member] = {}
        self.channel = ""
        self._task: asyncio.Task[None] | None = None

    async def _start(self) -> None:
        self.channel = await self.layer.new_channel(prefix="live-notes-relay.")
        await self.layer.group_add(self.group, self.channel)
        self._task = asyncio.create_task(self._run(), name=f"relay {self.group}")

    async def _stop(self) -> None:
        if self._task is not None:
            await _cancel(self._task)
            self._task = None
        try:
            await self.layer.group_discard(self.group, self.channel)
        except Exception:
            logger.warning("Leaving the meeting group failed (%s)", self.group)

    async def _run(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Live-notes relay could not receive (%s)", self.group)
                await asyncio.sleep(0.5)
                continue
            self.fan_out(message)

    def fan_out(self, message: dict[str, Any]) -> None:
        """Hand ``message`` to every local member except, where asked, its sender. One
        member's failure does not keep the message from the others."""
        skip = message.get("sender") if message.get("exclude_sender") else None
        for channel_name, member in list(self.members.items()):
            if channel_name != skip:
                try:
                    member.deliver(message)
                except Exception:
                    logger.exception("Live-notes relay could not deliver (%s)", self.group)


_relays: dict[tuple[asyncio.AbstractEventLoop, str], MeetingRelay] = {}
_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}


def _lock(loop: asyncio.AbstractEventLoop) -> asyncio.Lock:
    for old in [other for other in _locks if other.is_closed()]:
        del _locks[old]
        for key in [key for key in _relays if key[0] is old]:
            del _relays[key]
    return _locks.setdefault(loop, asyncio.Lock())


async def join(layer: Any, group: str, member: Member) -> MeetingRelay:
    """Register ``member``; the first member of the process subscribes to the group. On
    return the subscription stands, so nothing published afterwards is missed."""
    loop = asyncio.get_running_loop()
    async with _lock(loop):
        relay = _relays.get((loop, group))
        if relay is None:
            relay = MeetingRelay(layer, group)
            await relay._start()
            _relays[(loop, group)] = relay
        relay.members[member.channel_name] = member
        return relay


async def leave(group: str, member: Member) -> None:
    """Unregister ``member``; the last one out ends the process's subscription."""
    loop = asyncio.get_running_loop()
    async with _lock(loop):
        relay = _relays.get((loop, group))
        if relay is None:
            return
        relay.members.pop(member.channel_name, None)
        if not relay.members:
            del _relays[(loop, group)]
            await relay._stop()


class Outbox:
    """A connection's queue of outgoing messages and the task that sends them in order.

    Messages put before ``start`` wait: a connection joins the relay before it has sent its
    first messages, and relayed ones must come after those."""

    def __init__(self, send: Callable[[Any], Any], on_overflow: Callable[[], Any]) -> None:
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._send = send
        self._on_overflow = on_overflow
        self._task: asyncio.Task[None] | None = None
        self._overflowed = False
        self._closing: asyncio.Task[Any] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    def put(self, item: Any) -> None:
        if self._overflowed:
            return
        if self._queue.qsize() >= OUTBOX_LIMIT:
            self._overflowed = True
            logger.warning("Live-notes client is not keeping up; closing its connection")
            self._closing = asyncio.create_task(self._on_overflow())
            return
        self._queue.put_nowait(item)

    async def _run(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                await self._send(item)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Sending a live-notes message failed")

    async def close(self) -> None:
        if self._task is None:
            return
        await _cancel(self._task)


async def _cancel(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` and wait for it; what it raised on the way out no longer matters."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
