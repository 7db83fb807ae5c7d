"""WebSocket consumers of the collaboration area.

``AuthenticatedConsumer`` is the base of every consumer: it joins the user's own group so the
server can close the connection at sign-out, removal or deactivation. The connection only gets
here through ``SecondFactorWebsocketMiddleware``.
"""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from portal.security.sockets import user_group

CLOSE_SESSION_ENDED = 4403


class AuthenticatedConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.user_group_name = user_group(self.scope["user"].pk)
        await self.channel_layer.group_add(self.user_group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "user_group_name"):
            await self.channel_layer.group_discard(self.user_group_name, self.channel_name)

    async def session_terminate(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_SESSION_ENDED)


class PresenceConsumer(AuthenticatedConsumer):
    """A heartbeat socket for the collaboration area: answers ``ping`` with ``pong``.

    It lets a page know its live connection is alive and lets the server end it; the meeting
    notes consumer builds on the same base.
    """

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
