"""The process-local relay: one group subscription per process and meeting, fan-out without
echo, and a client that cannot keep up is cut off instead of holding the others back."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.layers import get_channel_layer

from collaboration.live_notes import relay


class Listener:
    """A member that records what reaches it (what a consumer's outbox would send)."""

    def __init__(self, channel_name: str) -> None:
        self.channel_name = channel_name
        self.received: list[Any] = []

    def deliver(self, message: dict[str, Any]) -> None:
        self.received.append(message["message"])


async def _until(predicate: Any, timeout: float = 3.0) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


@pytest.mark.django_db(transaction=True)
async def test_one_subscription_fans_out_without_echo_and_ends_with_the_last_member() -> None:
    layer = get_channel_layer()
    group = "live-notes-relay-test"
    ria, pieter, an = Listener("ria"), Listener("pieter"), Listener("an")
    first = await relay.join(layer, group, ria)
    assert await relay.join(layer, group, pieter) is first
    assert await relay.join(layer, group, an) is first
    await layer.group_send(
        group, {"type": "notes.update", "message": b"u1", "sender": "ria", "exclude_sender": True}
    )
    await layer.group_send(group, {"type": "notes.presence", "message": b"p1"})
    assert await _until(lambda: len(pieter.received) == 2 and len(an.received) == 2)
    assert pieter.received == [b"u1", b"p1"]
    assert ria.received == [b"p1"]  # not her own update back
    for member in (ria, pieter, an):
        await relay.leave(group, member)
    # The last one out left the group: a new member gets a new subscription.
    again = await relay.join(layer, group, Listener("later"))
    assert again is not first
    await relay.leave(group, again.members["later"])


async def test_a_client_that_cannot_keep_up_is_closed_not_waited_for(monkeypatch) -> None:
    monkeypatch.setattr(relay, "OUTBOX_LIMIT", 5)
    stuck = asyncio.Event()
    closed: list[bool] = []

    async def send(item: Any) -> None:
        await stuck.wait()  # a client whose socket no longer drains

    async def on_overflow() -> None:
        closed.append(True)

    outbox = relay.Outbox(send, on_overflow)
    outbox.start()
    for number in range(20):
        outbox.put(number)  # never blocks the caller (the relay)
    assert await _until(lambda: closed == [True])
    await outbox.close()
