"""Per-user channel-layer groups, so the server can close a user's live connections.

Every authenticated consumer joins ``user_group(user_id)``; sign-out, sign-out everywhere, a
password or device change, removal and deactivation send ``session.terminate`` to that group and
the consumers close at once. Should that message be lost (a channel-layer outage), each
consumer's heartbeat re-checks its session (``portal.security.websocket.check_session``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

if TYPE_CHECKING:
    from channels.layers import BaseChannelLayer

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{int(user_id)}"


def _send_terminate(layer: BaseChannelLayer, user_id: int) -> None:
    try:
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "session.terminate"})
    except Exception:  # a channel-layer outage must never block signing out
        logger.exception("Could not reach the channel layer to close live connections")


def close_user_sockets(user_id: int) -> None:
    """Tell every live connection of ``user_id`` to close. Callable from synchronous code in
    any thread, also one that runs an event loop (a model signal fired from async code), where
    asgiref refuses ``async_to_sync``: then the message goes out from a short-lived thread."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        _send_terminate(layer, user_id)
        return
    sender = threading.Thread(target=_send_terminate, args=(layer, user_id), daemon=True)
    sender.start()
    sender.join(timeout=10)
