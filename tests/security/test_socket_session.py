"""Sockets end with the session (issue 12, item 6, the socket side).

An open live-notes socket survived a password change and a password reset and kept receiving
notes: the heartbeat re-checked case access, never the session. The class test opens *every*
route mounted in ``portal.asgi`` (found by walking the application) with a verified session,
changes one thing about that session, and waits for the socket to close at the next heartbeat
(``WEBSOCKET_SESSION_CHECK_SECONDS``, small here). Each change is made twice where it can be:
through the model, as the application does it (its signals may close the socket at once with
``session.terminate``, 4403), and *silently*, as if that message had been lost (Pub/Sub
delivers at most once): then only the heartbeat's session check (4401) can close it.

Then the idle clock: edits count as activity (someone typing notes for half an hour is not cut
off), automatic traffic does not, and a write after expiry is refused before the next beat.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Any

import pytest
import time_machine
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from collaboration.live_notes import protocol
from collaboration.live_notes.models import Acknowledgement, NoteUpdate
from collaboration.models import CaseParticipant, Membership, Role
from portal.accounts.models import User
from portal.security.sessions import AUTH_AT_KEY, SEEN_AT_KEY
from portal.security.sockets import close_user_sockets
from portal.security.websocket import CLOSE_NOT_VERIFIED
from tests.factories.people import PASSWORD
from tests.live_notes.world import World, build_world, session_cookie, signed_in_client

from .socket_routes import close_code, communicator, mounted_websocket_routes, route_path

pytestmark = pytest.mark.django_db(transaction=True)

BEAT = 0.1  # seconds between session re-checks in these tests
ENDED_BY_SIGNAL_OR_HEARTBEAT = {4403, CLOSE_NOT_VERIFIED}
ONLY_THE_HEARTBEAT = {CLOSE_NOT_VERIFIED}


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def fast_heartbeat(settings) -> None:
    settings.WEBSOCKET_SESSION_CHECK_SECONDS = BEAT


def _store(session_key: str):
    return import_module(django_settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def _edit_session(session_key: str, **values: Any) -> None:
    store = _store(session_key)
    for key, value in values.items():
        store[key] = value
    store.save()


_counter = iter(range(1, 100_000))


def _participant(world: World) -> User:
    """A fresh verified participant of the world's case (one per socket: changes are per user)."""
    user = User.objects.create_user(
        email=f"deelnemer{next(_counter)}@test.example",
        password=PASSWORD,
        full_name="Fictieve Deelnemer",
    )
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    Membership.objects.create(user=user, organisation=world.partner_org, role=Role.PARTNER)
    CaseParticipant.objects.create(
        case=world.case, user=user, organisation=world.partner_org, role_in_case="Begeleider"
    )
    Acknowledgement.objects.create(meeting=world.meeting, user=user)
    return user


# --- the changes ---------------------------------------------------------------------------


def password_via_model(user: User, key: str) -> None:
    user.set_password("een-nieuw-lang-wachtwoord-77")
    user.save()


def password_silently(user: User, key: str) -> None:
    User.objects.filter(pk=user.pk).update(password=make_password("nog-een-ander-wachtwoord-5"))


def stamp_via_model(user: User, key: str) -> None:
    user.rotate_session_stamp()
    user.save(update_fields=["session_stamp"])


def stamp_silently(user: User, key: str) -> None:
    User.objects.filter(pk=user.pk).update(session_stamp="geroteerd-zonder-signaal")


def session_deleted(user: User, key: str) -> None:
    _store(key).delete()


def device_removed(user: User, key: str) -> None:
    TOTPDevice.objects.filter(user=user).delete()


def device_unconfirmed_silently(user: User, key: str) -> None:
    TOTPDevice.objects.filter(user=user).update(confirmed=False)


def account_switched_off_silently(user: User, key: str) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)


def absolute_limit_passed(user: User, key: str) -> None:
    """Signed in 12 h and a minute ago, active a moment ago."""
    now = int(time.time())
    absolute = int(django_settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds())
    _edit_session(key, **{AUTH_AT_KEY: now - absolute - 60, SEEN_AT_KEY: now})


def signed_out_everywhere(user: User, key: str) -> None:
    close_user_sockets(user.pk)


CHANGES: dict[str, tuple[Callable[[User, str], None], set[int]]] = {
    "password changed (set_password + save)": (password_via_model, ENDED_BY_SIGNAL_OR_HEARTBEAT),
    "password changed, terminate lost": (password_silently, ONLY_THE_HEARTBEAT),
    "session stamp rotated": (stamp_via_model, ENDED_BY_SIGNAL_OR_HEARTBEAT),
    "session stamp rotated, terminate lost": (stamp_silently, ONLY_THE_HEARTBEAT),
    "session deleted": (session_deleted, ONLY_THE_HEARTBEAT),
    "device removed": (device_removed, ENDED_BY_SIGNAL_OR_HEARTBEAT),
    "device unconfirmed, terminate lost": (device_unconfirmed_silently, ONLY_THE_HEARTBEAT),
    "account switched off, terminate lost": (account_switched_off_silently, ONLY_THE_HEARTBEAT),
    "absolute limit passed": (absolute_limit_passed, ONLY_THE_HEARTBEAT),
    "signed out everywhere (session.terminate)": (signed_out_everywhere, {4403}),
}


async def _open_verified(world: World, route: str) -> tuple[Any, User, str]:
    def make() -> tuple[User, str]:
        user = _participant(world)
        return user, session_cookie(signed_in_client(user))

    user, key = await sync_to_async(make)()
    comm = communicator(route_path(route, {"meeting_id": world.meeting.pk}), cookie=key)
    connected, code = await comm.connect(timeout=5)
    assert connected, f"{route}: a verified participant was refused ({code})"
    # Control: several heartbeats pass and the socket stays open.
    assert await close_code(comm, timeout=5 * BEAT) is None, f"{route}: closed before any change"
    return comm, user, key


@pytest.mark.parametrize("change", CHANGES)
async def test_every_socket_route_closes_when_its_session_ends(change: str) -> None:
    make_change, expected = CHANGES[change]
    world = await sync_to_async(build_world)()
    closed: dict[str, int | None] = {}
    for route in await sync_to_async(mounted_websocket_routes)():
        comm, user, key = await _open_verified(world, route)
        await sync_to_async(make_change)(user, key)
        closed[route] = await close_code(comm, timeout=5)
        await comm.disconnect()
    assert {route: code for route, code in closed.items() if code not in expected} == {}


async def test_every_socket_route_closes_past_the_idle_limit() -> None:
    """The clock pinned past the 30 idle minutes (time-machine): the next beat closes."""
    world = await sync_to_async(build_world)()
    idle = django_settings.SESSION_IDLE_TIMEOUT.total_seconds()
    closed: dict[str, int | None] = {}
    for route in await sync_to_async(mounted_websocket_routes)():
        comm, _user, _key = await _open_verified(world, route)
        with time_machine.travel(time.time() + idle + 60, tick=True):
            closed[route] = await close_code(comm, timeout=5)
        await comm.disconnect()
    assert closed == dict.fromkeys(closed, CLOSE_NOT_VERIFIED)


# --- the idle clock on the notes socket -------------------------------------------------------


def _notes_route() -> str:
    return next(route for route in mounted_websocket_routes() if "notities" in route)


def _seen_at(key: str) -> int:
    return int(_store(key)[SEEN_AT_KEY])


async def _wait_for(predicate: Callable[[], Any], timeout: float = 5.0) -> bool:
    """Poll a (database) condition until it holds; never a fixed sleep."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await sync_to_async(predicate)():
            return True
        await asyncio.sleep(0.02)
    return bool(await sync_to_async(predicate)())


def _edit(text: str) -> bytes:
    from pycrdt import Doc, Text

    doc = Doc()
    doc.get("notes", type=Text).insert(0, text)
    return protocol.sync_message(protocol.SYNC_UPDATE, doc.get_update())


async def test_typing_notes_counts_as_activity_for_the_idle_clock() -> None:
    world = await sync_to_async(build_world)()
    comm, _user, key = await _open_verified(world, await sync_to_async(_notes_route)())
    idle = django_settings.SESSION_IDLE_TIMEOUT.total_seconds()
    # Nothing on the HTTP side for 29 minutes; the person is typing in the meeting.
    almost = int(time.time() - idle + 60)
    await sync_to_async(_edit_session)(key, **{SEEN_AT_KEY: almost})
    await comm.send_to(bytes_data=_edit("Ik typ nog."))
    assert await _wait_for(lambda: _seen_at(key) > almost + 60)
    # Twenty minutes later the session is still alive: the edit counted.
    with time_machine.travel(time.time() + 20 * 60, tick=True):
        assert await close_code(comm, timeout=5 * BEAT) is None
    await comm.disconnect()


async def test_automatic_traffic_does_not_count_as_activity() -> None:
    world = await sync_to_async(build_world)()
    comm, _user, key = await _open_verified(world, await sync_to_async(_notes_route)())
    idle = django_settings.SESSION_IDLE_TIMEOUT.total_seconds()
    almost = int(time.time() - idle + 60)
    await sync_to_async(_edit_session)(key, **{SEEN_AT_KEY: almost})
    awareness = protocol.awareness_message(protocol.awareness_removal({99: 1}))
    for _beat in range(5):  # awareness renewals and resynchronisation, as an idle tab sends
        await comm.send_to(bytes_data=awareness)
        await comm.send_to(bytes_data=protocol.sync_message(protocol.SYNC_STEP1, b"\x00"))
        assert await close_code(comm, timeout=BEAT) is None
    assert await sync_to_async(_seen_at)(key) == almost
    with time_machine.travel(time.time() + 120, tick=True):
        assert await close_code(comm, timeout=5) == CLOSE_NOT_VERIFIED
    await comm.disconnect()


async def test_a_write_after_expiry_is_refused_before_the_next_heartbeat(settings) -> None:
    """No database query per keystroke, yet no keystroke is stored once the session's idle
    time is up: the cached verdict knows when it lapses, and a write past it re-checks."""
    settings.WEBSOCKET_SESSION_CHECK_SECONDS = 3600
    world = await sync_to_async(build_world)()
    route = await sync_to_async(_notes_route)()
    comm, _user, _key = await _open_verified(world, route)
    idle = django_settings.SESSION_IDLE_TIMEOUT.total_seconds()
    with time_machine.travel(time.time() + idle + 60, tick=True):
        await comm.send_to(bytes_data=_edit("Te laat."))
        assert await close_code(comm, timeout=5) == CLOSE_NOT_VERIFIED
    assert not await sync_to_async(NoteUpdate.objects.filter(meeting=world.meeting).exists)()
    await comm.disconnect()
