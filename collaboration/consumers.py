"""WebSocket consumers of the collaboration area.

``AuthenticatedConsumer`` is the base of every consumer. The connection only gets here through
``SecondFactorWebsocketMiddleware``; from then on the base keeps it honest for as long as it is
open, so no consumer has to remember to:

- it joins the user's own group, so sign-out, a password change or reset, a device change and
  sign-out everywhere (``session.terminate``) close the connection at once;
- a heartbeat re-checks the session (``portal.security.websocket.check_session``) every
  ``WEBSOCKET_SESSION_CHECK_SECONDS``: that also catches expiry, and a terminate message the
  channel layer lost (Pub/Sub delivers at most once);
- every incoming message is refused once the cached verdict has lapsed (re-checked first if
  only its expiry time has passed), so nothing is written after the session has ended;
- every incoming message counts against a byte budget (``WEBSOCKET_BYTES_PER_SECOND``, burst
  ``WEBSOCKET_BYTES_BURST``) and a frame limit (``WEBSOCKET_MAX_FRAME_BYTES``);
- a message is handled on the event loop without first waiting for the process's one thread
  for synchronous code (see ``dispatch``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from portal.security.sockets import user_group
from portal.security.websocket import (
    CLOSE_NOT_VERIFIED,
    ByteBudget,
    SocketSession,
    max_frame_bytes,
    session_check_interval,
)

logger = logging.getLogger(__name__)

CLOSE_SESSION_ENDED = 4403  # the server ended the session (session.terminate)
CLOSE_SESSION_INVALID = CLOSE_NOT_VERIFIED  # the heartbeat found the session no longer valid
CLOSE_TOO_LARGE = 1009  # one frame over WEBSOCKET_MAX_FRAME_BYTES
CLOSE_OVER_BUDGET = 4429  # more bytes than the per-connection budget allows
CLOSE_SERVER_ERROR = 1011


class AuthenticatedConsumer(AsyncJsonWebsocketConsumer):
    socket_session: SocketSession | None = None
    ended = False

    async def connect(self) -> None:
        self.socket_session = SocketSession(self.scope)
        self._budget = ByteBudget.from_settings()
        self._max_frame = max_frame_bytes()
        self.user_group_name = user_group(self.scope["user"].pk)
        await self.channel_layer.group_add(self.user_group_name, self.channel_name)
        await self.accept()
        self._session_heartbeat = asyncio.create_task(self._session_heartbeat_loop())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._stop_session_heartbeat()

    async def disconnect(self, code: int) -> None:
        self._stop_session_heartbeat()
        if hasattr(self, "user_group_name"):
            await self.channel_layer.group_discard(self.user_group_name, self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' ``dispatch`` without its ``aclose_old_connections()`` before each message.

        That call hops to the thread every synchronous view of the process also runs in
        (``thread_sensitive``): under HTTP load each keystroke and cursor move waited behind
        whole page requests, and ``make proof`` measured a fan-out p99 of 2.4-2.9 s on a slow
        machine. It is not needed here: every database call of these consumers goes through
        ``database_sync_to_async``, which checks the connection around the call itself, or
        (the live notes' write path) through a connection of its own.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def end(self, code: int) -> None:
        """Close once; from now on nothing this socket sends is handled."""
        if self.ended:
            return
        self.ended = True
        await self.close(code=code)

    async def session_terminate(self, event: dict[str, Any]) -> None:
        await self.end(CLOSE_SESSION_ENDED)

    # --- every incoming message --------------------------------------------------------------

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        session = self.socket_session
        if session is None or self.ended:
            return  # refused before the base connected, or closing
        data = message.get("bytes") or message.get("text") or ""
        if len(data) > self._max_frame:
            await self.end(CLOSE_TOO_LARGE)
            return
        if not self._budget.take(len(data)):
            logger.warning("WebSocket over its byte budget closed (user %s)", session.user_id)
            await self.end(CLOSE_OVER_BUDGET)
            return
        if not session.allows_now() and not await self._session_still_valid():
            return
        await super().websocket_receive(message)

    # --- session heartbeat -------------------------------------------------------------------

    async def _session_still_valid(self) -> bool:
        """Ask the session store again; close the socket unless the session still holds."""
        session = self.socket_session
        if session is None or not session.verdict.valid:
            return False  # never checked, or already found invalid: the close is on its way
        try:
            verdict = await session.recheck()
        except Exception:
            # The database may be restarting. Within the verdict's lifetime the socket lives
            # on; past it, nothing can be vouched for: close, and the client reconnects.
            logger.warning("Session re-check failed (user %s)", session.user_id)
            if session.allows_now():
                return True
            await self.end(CLOSE_SERVER_ERROR)
            return False
        if not verdict.valid:
            logger.info("WebSocket closed: %s (user %s)", verdict.reason, session.user_id)
            await self.end(CLOSE_SESSION_INVALID)
            return False
        return True

    async def _session_heartbeat_loop(self) -> None:
        interval = session_check_interval()
        while not self.ended:
            await asyncio.sleep(interval)
            if not await self._session_still_valid():
                return

    def _stop_session_heartbeat(self) -> None:
        task = getattr(self, "_session_heartbeat", None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()


class PresenceConsumer(AuthenticatedConsumer):
    """A heartbeat socket for the collaboration area: answers ``ping`` with ``pong``.

    It lets a page know its live connection is alive and lets the server end it; the meeting
    notes consumer builds on the same base.
    """

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
