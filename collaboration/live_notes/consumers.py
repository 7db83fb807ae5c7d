"""``MeetingNotesConsumer``: the Yjs sync protocol over one authenticated WebSocket.

Wiring: ``collaboration/routing.py`` routes ``ws/samenwerking/overleg/<id>/notities`` here, behind
the origin check, session auth and the second-factor check of ``portal/asgi.py``. The consumer

- checks case participation through the shared access rule
  (``collaboration.selectors.meetings.meeting_access``) and the confidentiality acknowledgement
  before accepting; the attempt is audited either way;
- answers a client's sync step 1 from the database (snapshot + pending updates), so a joiner
  gets the merged state even when nobody else is connected;
- queues the client's updates for a writer task that appends them with their audit records and
  relays them to the meeting group only after commit, never back to the sender; the consumer
  keeps relaying others' updates while its own writes are in flight;
- drops updates from read-only participants (recorded once per connection);
- refuses, and closes with ``CLOSE_INVALID_UPDATE``, an update the editor cannot produce
  (``validation.check_update``: unknown formats, non-scalar values, embeds, other types), so it
  is never stored nor relayed; the refusal is audited;
- closes with ``CLOSE_NOTES_FULL`` when the meeting's notes reached their cap
  (``LIVE_NOTES_MAX_STORED_BYTES``, enforced by the append in its transaction);
- rewrites awareness (names, cursors) so each state carries the name the server knows for the
  connection, never the client's claim;
- keeps presence from its own connections (``LiveConnection``), not from client claims.

The base class (``collaboration.consumers.AuthenticatedConsumer``) re-checks the session at its
heartbeat and before each message, and holds every connection to a frame limit and a byte
budget; edits count as activity for the session's idle clock, automatic traffic does not.

No document is kept in memory: any process can serve any client of a meeting.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import close_old_connections
from django.db import connection as django_connection
from django_otp import DEVICE_ID_SESSION_KEY

from collaboration.access import NotFoundOrNotAllowed, can_contribute
from collaboration.consumers import CLOSE_SERVER_ERROR, AuthenticatedConsumer
from collaboration.selectors.meetings import (
    MeetingAccess,
    current_basis,
    has_acknowledged,
    meeting_access,
)
from portal.audit.context import audit_context, session_ref
from portal.audit.events import AuditAction
from portal.security.client_address import scope_client_address

from . import document, pgasync, protocol, relay, services, validation
from .selectors import presence_heartbeat, present_people

logger = logging.getLogger(__name__)
T = TypeVar("T")

# pycrdt initialises itself on the first document a process creates (27 ms measured, more on a
# busy server): pay that when the server starts, not on somebody's first keystroke.
document.is_valid_update(document.EMPTY_UPDATE)

_READ_ONLY = object()  # outbox item: the notes became read only

CLOSE_NOT_ALLOWED = 4404
CLOSE_NOT_ACKNOWLEDGED = 4412
CLOSE_NOTES_FULL = 4413  # the meeting's notes reached LIVE_NOTES_MAX_STORED_BYTES
CLOSE_INVALID_UPDATE = 4422  # an update the editor cannot produce (never stored nor relayed)
MAX_AWARENESS_BYTES = 16 * 1024
# Yjs client ids one connection may speak for in awareness (a browser tab has one; Yjs picks a
# new one in the rare case of a clash).
MAX_AWARENESS_CLIENTS = 4
# Awareness (cursors, names) is relayed to everyone in the meeting: a client gets this many
# messages a second, with this burst; the rest are dropped (editors renew their state often).
AWARENESS_PER_SECOND = 20
AWARENESS_BURST = 40
WRITE_BATCH = 100


class MeetingNotesConsumer(AuthenticatedConsumer):
    access: MeetingAccess | None = None

    # --- connection ----------------------------------------------------------------------

    async def connect(self) -> None:
        self.meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        self.connection_id = uuid.uuid4().hex
        session = self.scope.get("session")
        self._audit_values = {
            "ip_address": scope_client_address(self.scope),
            "session_ref": session_ref(session.session_key if session is not None else None),
            "correlation_id": self.connection_id,
        }
        self.can_edit = False
        self._refusal_recorded = False
        self._awareness: dict[int, int] = {}
        self._join_update: bytes | None = None
        try:
            access = await self._db(
                meeting_access,
                user=self.scope["user"],
                meeting_id=self.meeting_id,
                action=AuditAction.LIVE_NOTES_JOINED,
                purpose="live_notes",
                extra={"connection": self.connection_id},
            )
        except NotFoundOrNotAllowed:
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        if not await self._db(
            has_acknowledged, user=self.scope["user"], meeting_id=self.meeting_id
        ):
            await self.close(code=CLOSE_NOT_ACKNOWLEDGED)
            return
        self.can_edit = access.can_edit
        self.group_name = access.group_name
        self.device = str(await database_sync_to_async(session.get)(DEVICE_ID_SESSION_KEY) or "")
        user = self.scope["user"]
        self.display_name = user.full_name or user.get_short_name()
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.access = access
        self._shared = pgasync.acquire() if django_connection.vendor == "postgresql" else None
        if self._shared is not None and self.can_edit:
            await self._shared.open()
        self._writer = asyncio.create_task(self._write_loop())
        # Join the meeting (through the process's relay) before reading the state: nothing
        # committed after the read is then missed, it arrives as a relay (duplicates are
        # harmless in Yjs). Relayed messages wait in the outbox until the first ones are sent.
        self._outbox = relay.Outbox(self._send_outgoing, self._overflowed)
        await relay.join(self.channel_layer, self.group_name, self)
        await super().connect()
        self._join_update = await self._db(document.stored_update, self.meeting_id)
        await self.send(bytes_data=protocol.permission_message(can_edit=self.can_edit))
        await self.send(
            bytes_data=protocol.sync_message(
                protocol.SYNC_STEP1, document.state_vector(self._join_update)
            )
        )
        self._outbox.start()
        await self._db(services.presence_enter, access=access, channel_name=self.channel_name)
        self._heartbeat = asyncio.create_task(self._heartbeat_loop())
        await self._broadcast_presence()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Channels calls ``disconnect`` only for a clean close. If a handler fails (Redis or
        the database gone, a bug), the same clean-up still runs: no presence row, relay
        membership, task or connection outlives the socket."""
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._tear_down()

    async def disconnect(self, code: int) -> None:
        await self._tear_down()
        await super().disconnect(code)

    async def _tear_down(self) -> None:
        """Leave the meeting; idempotent, and each step runs even if an earlier one fails."""
        if self.access is None or getattr(self, "_torn_down", False):
            return
        self._torn_down = True
        heartbeat = getattr(self, "_heartbeat", None)
        if heartbeat is not None:
            heartbeat.cancel()
        writer = getattr(self, "_writer", None)
        if writer is not None:
            # Let queued updates reach the database before the connection is forgotten.
            self._queue.put_nowait(None)
            try:
                await asyncio.wait_for(writer, timeout=30)
            except Exception:
                logger.exception("Live-notes writer did not finish cleanly")
        for step in (self._leave_relay, self._forget_presence, self._tell_the_others):
            try:
                await step()
            except Exception:
                logger.exception("Leaving the live notes: %s failed", step.__name__)

    async def _leave_relay(self) -> None:
        await relay.leave(self.group_name, self)
        await self._outbox.close()

    async def _forget_presence(self) -> None:
        await self._db(
            services.presence_leave, meeting_id=self.meeting_id, channel_name=self.channel_name
        )

    async def _tell_the_others(self) -> None:
        if self._awareness:
            await self._group_send(
                "notes.awareness",
                protocol.awareness_message(protocol.awareness_removal(self._awareness)),
            )
        await self._broadcast_presence()

    # --- from the client -----------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """One client message. The base class has already held it to the frame limit, the byte
        budget and the session check."""
        if self.access is None or not bytes_data:
            return
        try:
            await self._handle(protocol.Reader(bytes_data), bytes_data)
        except protocol.ProtocolError:
            logger.warning("Malformed live-notes message dropped (meeting %s)", self.meeting_id)
        except ValueError:
            # pycrdt refuses bytes that frame correctly but do not decode (a forged state
            # vector): the message is dropped, the connection lives on.
            logger.warning("Undecodable live-notes message dropped (meeting %s)", self.meeting_id)

    async def _handle(self, reader: protocol.Reader, raw: bytes) -> None:
        kind = reader.var_uint()
        if kind == protocol.MESSAGE_SYNC:
            sync_type = reader.var_uint()
            payload = reader.var_bytes()
            if sync_type == protocol.SYNC_STEP1:
                await self._answer_step1(payload)
            elif sync_type in (protocol.SYNC_STEP2, protocol.SYNC_UPDATE):
                await self._accept_update(payload)
        elif kind == protocol.MESSAGE_AWARENESS:
            payload = reader.var_bytes()
            if len(payload) > MAX_AWARENESS_BYTES:
                return
            if not self._awareness_allowed():
                return
            rewritten = protocol.awareness_rewrite(
                payload,
                name=self.display_name,
                known=self._awareness,
                max_clients=MAX_AWARENESS_CLIENTS,
            )
            if rewritten is None:
                return
            payload, clocks = rewritten
            self._awareness.update(clocks)
            # Echoed to the sender too: it keeps an idle client's connection check alive.
            await self._group_send(
                "notes.awareness", protocol.awareness_message(payload), exclude_sender=False
            )

    def _awareness_allowed(self) -> bool:
        """A token bucket per connection, so one client cannot flood the whole meeting."""
        now = time.monotonic()
        elapsed = now - getattr(self, "_awareness_at", now)
        tokens = getattr(self, "_awareness_tokens", float(AWARENESS_BURST))
        tokens = min(float(AWARENESS_BURST), tokens + elapsed * AWARENESS_PER_SECOND)
        self._awareness_at = now
        if tokens < 1:
            self._awareness_tokens = tokens
            return False
        self._awareness_tokens = tokens - 1
        return True

    async def _answer_step1(self, client_state: bytes) -> None:
        update, self._join_update = self._join_update, None
        if update is None:
            update = await self._db(document.stored_update, self.meeting_id)
        diff = await asyncio.to_thread(document.missing_for, update, client_state)
        await self.send(bytes_data=protocol.sync_message(protocol.SYNC_STEP2, diff))

    async def _accept_update(self, update: bytes) -> None:
        if update == document.EMPTY_UPDATE:
            return
        if not self.can_edit:
            if not self._refusal_recorded:
                self._refusal_recorded = True
                await self._db(
                    services.notes_update_refused,
                    access=self.access,
                    connection_id=self.connection_id,
                )
            return
        try:
            validation.check_update(update)
        except validation.UpdateRefused as refusal:
            await self._refuse_update(str(refusal))
            return
        if not document.is_valid_update(update):
            await self._refuse_update("does not decode")
            return
        if self.socket_session is not None:
            self.socket_session.note_activity()
        self._queue.put_nowait(update)

    async def _refuse_update(self, reason: str) -> None:
        """Neither stored nor relayed. Closing (rather than dropping) keeps the sender from
        building on an edit the others never get; the bundle does not retry this code."""
        logger.warning("Live-notes update refused (meeting %s): %s", self.meeting_id, reason)
        try:
            await self._db(
                services.notes_update_refused,
                access=self.access,
                connection_id=self.connection_id,
                reason=f"invalid_update: {reason}",
            )
        finally:
            await self.end(CLOSE_INVALID_UPDATE)

    # --- writer: append, commit, then relay -----------------------------------------------

    async def _write_loop(self) -> None:
        """Run the writer; if it fails in any way, close the socket rather than keep accepting
        edits that nobody stores (the client then reconnects and resends them)."""
        try:
            await self._write_batches()
        except Exception:
            logger.exception("Live-notes writer failed (meeting %s)", self.meeting_id)
            await self.end(CLOSE_SERVER_ERROR)
        finally:
            if self._shared is not None:
                await self._shared.release()

    async def _write_batches(self) -> None:
        stopping = False
        while not stopping:
            item = await self._queue.get()
            if item is None:
                return
            batch = [item]
            while not self._queue.empty() and len(batch) < WRITE_BATCH:
                nxt = self._queue.get_nowait()
                if nxt is None:
                    stopping = True
                    break
                batch.append(nxt)
            try:
                await self._store(batch)
            except services.NotesReadOnly:
                self.can_edit = False
                await self._safe_send(protocol.permission_message(can_edit=False))
                continue
            except services.NotesFull:
                logger.warning("Live notes of meeting %s reached their cap", self.meeting_id)
                self.can_edit = False
                await self.end(CLOSE_NOTES_FULL)
                return
            except Exception:
                # Nothing was committed; the client still holds its edits and sends them
                # again after it reconnects (sync step 2 carries what the server lacks).
                logger.exception("Storing live-notes updates failed (meeting %s)", self.meeting_id)
                await self.end(CLOSE_SERVER_ERROR)
                return
            relay = batch[0] if len(batch) == 1 else document.merge(batch)
            try:
                await self._group_send(
                    "notes.update", protocol.sync_message(protocol.SYNC_UPDATE, relay)
                )
            except Exception:
                # Stored, but not relayed, and this connection's group may be gone with the
                # channel layer. A writer that died here silently lost every later keystroke
                # (found by make proof); closing makes the client reconnect and every side
                # resynchronise from the database.
                logger.exception("Relaying live-notes updates failed (meeting %s)", self.meeting_id)
                await self.end(CLOSE_SERVER_ERROR)
                return

    async def _store(self, batch: list[bytes]) -> None:
        """Append a batch with its audit record; on PostgreSQL without leaving the loop."""
        if self._shared is not None:
            with audit_context(**self._audit_values):
                await services.anotes_updates_append(
                    shared=self._shared,
                    access=self.access,
                    device=self.device,
                    connection_id=self.connection_id,
                    updates=batch,
                )
            return
        await self._db_hot(
            services.notes_updates_append,
            access=self.access,
            device=self.device,
            connection_id=self.connection_id,
            updates=batch,
        )

    # --- presence heartbeat ----------------------------------------------------------------

    async def _heartbeat_loop(self) -> None:
        """Refresh this connection's presence row while the socket is open, so a process that
        dies leaves rows that go stale instead of people who seem present forever; and check
        on each beat that the person still has access to the case."""
        interval = presence_heartbeat()
        while True:
            await asyncio.sleep(interval)
            try:
                basis = await self._db(
                    current_basis, user_id=self.scope["user"].pk, meeting_id=self.meeting_id
                )
                if basis is None:
                    # Access withdrawn while connected; the sign-out message over the channel
                    # layer may have been lost (Pub/Sub delivers at most once).
                    await self.end(CLOSE_NOT_ALLOWED)
                    return
                if self.can_edit and not can_contribute(basis):
                    self.can_edit = False
                    await self._safe_send(protocol.permission_message(can_edit=False))
                if not await self._db(services.presence_touch, channel_name=self.channel_name):
                    await self._db(
                        services.presence_enter, access=self.access, channel_name=self.channel_name
                    )
                    await self._broadcast_presence()
            except Exception:
                # The database may be restarting; the next beat tries again.
                logger.warning("Presence heartbeat failed (meeting %s)", self.meeting_id)

    # --- from the meeting (through the relay) -------------------------------------------------

    def deliver(self, message: dict[str, Any]) -> None:
        """Called by the process's relay for each message of the meeting group (updates and
        awareness of others, presence, the end of editing)."""
        if message.get("type") == "notes.read_only":
            self._outbox.put(_READ_ONLY)
        elif "message" in message:
            self._outbox.put(message["message"])

    async def _send_outgoing(self, item: bytes | object) -> None:
        if item is _READ_ONLY:
            # The meeting was finalised: stop accepting edits on this connection.
            self.can_edit = False
            item = protocol.permission_message(can_edit=False)
        await self._safe_send(item)  # type: ignore[arg-type]

    async def _overflowed(self) -> None:
        await self.end(CLOSE_SERVER_ERROR)

    # --- helpers -------------------------------------------------------------------------

    async def _group_send(self, kind: str, message: bytes, *, exclude_sender: bool = True) -> None:
        await self.channel_layer.group_send(
            self.group_name,
            {
                "type": kind,
                "message": message,
                "sender": self.channel_name,
                "exclude_sender": exclude_sender,
            },
        )

    async def _broadcast_presence(self) -> None:
        people = await self._db(present_people, self.meeting_id)
        message = protocol.presence_message(people)
        await self.channel_layer.group_send(
            self.group_name, {"type": "notes.presence", "message": message}
        )

    async def _safe_send(self, data: bytes) -> None:
        """Send a relayed message; the socket may have closed before its disconnect arrives
        (the server then raises RuntimeError or, for uvicorn, ClientDisconnected, an OSError)."""
        try:
            await self.send(bytes_data=data)
        except (RuntimeError, OSError):
            logger.debug("Live-notes socket already closed")

    async def _db(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        values = self._audit_values

        def run() -> T:
            with audit_context(**values):
                return func(*args, **kwargs)

        return await database_sync_to_async(run)()

    async def _db_hot(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``_db`` for the write path of every keystroke. ``database_sync_to_async`` resets
        Django's connection health check around each call, which costs a ``SELECT 1`` round
        trip before the write; here the connection is checked (and dropped if broken) only
        after a failure, so a keystroke costs one round trip."""
        values = self._audit_values

        def run() -> T:
            try:
                with audit_context(**values):
                    return func(*args, **kwargs)
            except Exception:
                close_old_connections()
                raise

        return await sync_to_async(run, thread_sensitive=True)()
