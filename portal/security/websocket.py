"""The WebSocket side of the security spine.

django-otp's middleware runs for HTTP only. ``SecondFactorWebsocketMiddleware`` refuses the
handshake unless the session's verified device exists, is confirmed and belongs to
``scope["user"]``, and the session has not expired. It sits inside Channels'
``AuthMiddlewareStack`` (which resolves the user) and ``AllowedHostsOriginValidator``.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from .sessions import session_is_expired

# Close code sent when a handshake is refused (4000-4999 are ours to define).
CLOSE_NOT_VERIFIED = 4401


@database_sync_to_async
def _verified_device_owner(persistent_id: str | None) -> int | None:
    if not persistent_id:
        return None
    device = Device.from_persistent_id(persistent_id)
    if device is None or not device.confirmed:
        return None
    return device.user_id


async def scope_is_verified(scope: dict[str, Any]) -> bool:
    user = scope.get("user")
    session = scope.get("session")
    if user is None or not user.is_authenticated or not user.is_active or session is None:
        return False
    persistent_id = await database_sync_to_async(session.get)(DEVICE_ID_SESSION_KEY)
    owner = await _verified_device_owner(persistent_id)
    if owner is None or owner != user.pk:
        return False
    expired = await database_sync_to_async(session_is_expired)(session, verified=True)
    return not expired


class SecondFactorWebsocketMiddleware:
    """Lets a WebSocket through only for a session verified with a second factor."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await self.inner(scope, receive, send)
        if await scope_is_verified(scope):
            scope = dict(scope, otp_verified=True)
            return await self.inner(scope, receive, send)
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.close", "code": CLOSE_NOT_VERIFIED})
        return None
