"""Per-user channel-layer groups, so the server can close a user's live connections.

Every authenticated consumer joins ``user_group(user_id)``; sign-out, sign-out everywhere, a
password or device change, removal and deactivation send ``session.terminate`` to that group and
the consumers close at once. Should that message be lost (a channel-layer outage), each
consumer's heartbeat re-checks its session (``portal.security.websocket.check_session``).
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{int(user_id)}"


def close_user_sockets(user_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "session.terminate"})
    except Exception:  # a channel-layer outage must never block signing out
        logger.exception("Could not reach the channel layer to close live connections")
