"""Every WebSocket route, opened as every kind of actor, through the full ASGI application
(origin check, session, user, second factor, router, consumer) - the WebSocket side of the
URL-by-actor matrix in ``test_access_matrix.py``.

The routes are read from the application that ``portal.asgi`` serves: a route that is mounted
without its row in ``WS_MATRIX`` fails ``test_every_mounted_websocket_route_is_in_the_matrix``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = "refused"
ACCEPTED = "accepted"  # the presence socket: answers ping with pong
EDITS = "edits"  # the notes socket, allowed to write
READS = "reads"  # the notes socket, read-only (told so, and its writes dropped)

PRESENCE = "ws/samenwerking/"
NOTES = "ws/samenwerking/overleg/<int:meeting_id>/notities"

ACTORS = (
    "anonymous",
    "password_only",
    "verified_non_member",
    "verified_outsider",  # a member of another region's organisation
    "read_only_participant",  # the privacy officer who broke the glass
    "participant_finalised",  # a participant, on a meeting whose minutes are final
    "participant",
    "case_director",
    "deactivated_account",  # the account switched off by an administrator
    "deactivated_member",  # the membership withdrawn by a coordinator (signed out everywhere)
    "foreign_origin",  # a participant's valid session, from another site's page
)
WS_MATRIX: dict[str, dict[str, str]] = {
    PRESENCE: {
        "anonymous": REFUSED,
        "password_only": REFUSED,
        "verified_non_member": ACCEPTED,
        "verified_outsider": ACCEPTED,
        "read_only_participant": ACCEPTED,
        "participant_finalised": ACCEPTED,
        "participant": ACCEPTED,
        "case_director": ACCEPTED,
        "deactivated_account": REFUSED,
        "deactivated_member": REFUSED,
        "foreign_origin": REFUSED,
    },
    NOTES: {
        "anonymous": REFUSED,
        "password_only": REFUSED,
        "verified_non_member": REFUSED,
        "verified_outsider": REFUSED,
        "read_only_participant": READS,
        "participant_finalised": READS,
        "participant": EDITS,
        "case_director": EDITS,
        "deactivated_account": REFUSED,
        "deactivated_member": REFUSED,
        "foreign_origin": REFUSED,
    },
}


def mounted_websocket_routes() -> list[str]:
    """The route patterns of the URL router inside ``portal.asgi``'s WebSocket stack."""
    from portal.asgi import application

    app = application.application_mapping["websocket"]
    for _depth in range(20):
        if isinstance(app, URLRouter):
            return [str(route.pattern) for route in app.routes]
        app = getattr(app, "application", None) or getattr(app, "inner", None)
    raise AssertionError("no URLRouter in the WebSocket stack")


def test_every_mounted_websocket_route_is_in_the_matrix() -> None:
    routes = mounted_websocket_routes()
    assert sorted(routes) == sorted(WS_MATRIX), "a WebSocket route needs its row in WS_MATRIX"
    for route, row in WS_MATRIX.items():
        assert set(row) == set(ACTORS), route


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    # channels caches one layer per process; channels-redis binds it to the first event loop.
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@dataclass
class Connection:
    path: str
    cookie: str | None
    origin: bytes = b"http://testserver"


def _cookie(client: Client) -> str | None:
    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel else None


def _actors(verified_client: Callable[..., Client], make_user: Callable[..., Any]) -> dict:
    """Fictional people around one case with two meetings (one finalised), each with the session
    cookie a browser of theirs would send."""
    from collaboration.live_notes.models import Acknowledgement
    from collaboration.models import (
        CaseParticipant,
        Meeting,
        MeetingStatus,
        Membership,
        Organisation,
    )
    from collaboration.services.members import membership_deactivate
    from tests.live_notes.world import build_world

    world = build_world()
    finalised = Meeting.objects.create(
        case=world.case,
        kind="network",
        starts_at=timezone.now() - datetime.timedelta(days=1),
        place="Zaal (fictief)",
        created_by=world.director,
        status=MeetingStatus.FINALISED,
    )
    coordinator = make_user(email="coord-ws@test.example")
    Membership.objects.create(
        user=coordinator,
        organisation=Organisation.objects.get(kind="veilig_huis", region="leuven"),
        role="coordinator",
    )

    def participant(email: str) -> Any:
        user = make_user(email=email, full_name="Fictieve Deelnemer")
        Membership.objects.create(user=user, organisation=world.partner_org, role="partner")
        CaseParticipant.objects.create(
            case=world.case, user=user, organisation=world.partner_org, role_in_case="Begeleider"
        )
        for meeting in (world.meeting, finalised):
            Acknowledgement.objects.create(meeting=meeting, user=user)
        return user

    Acknowledgement.objects.create(meeting=finalised, user=world.partner)
    switched_off = participant("uit@test.example")
    withdrawn = participant("ingetrokken@test.example")
    cookies = {
        "anonymous": None,
        "verified_non_member": _cookie(verified_client(make_user(email="los@test.example"))),
        "verified_outsider": _cookie(verified_client(world.outsider)),
        "read_only_participant": _cookie(verified_client(world.privacy)),
        "participant_finalised": _cookie(verified_client(world.partner)),
        "participant": _cookie(verified_client(world.partner)),
        "case_director": _cookie(verified_client(world.director)),
        "deactivated_account": _cookie(verified_client(switched_off)),
        "deactivated_member": _cookie(verified_client(withdrawn)),
        "foreign_origin": _cookie(verified_client(world.partner)),
    }
    half = Client()
    half.force_login(world.partner)
    cookies["password_only"] = _cookie(half)
    # the sessions exist; then the account is switched off and the membership withdrawn
    switched_off.is_active = False
    switched_off.save(update_fields=["is_active"])
    membership_deactivate(
        actor=coordinator, membership=Membership.objects.get(user=withdrawn, is_active=True)
    )
    return {"world": world, "finalised": finalised, "cookies": cookies}


def _connection(route: str, actor: str, setup: dict) -> Connection:
    meeting = setup["finalised"] if actor == "participant_finalised" else setup["world"].meeting
    path = "/" + route.replace("<int:meeting_id>", str(meeting.pk))
    origin = b"https://evil.example" if actor == "foreign_origin" else b"http://testserver"
    return Connection(path=path, cookie=setup["cookies"][actor], origin=origin)


async def _open(connection: Connection) -> tuple[WebsocketCommunicator, bool, Any]:
    from portal.asgi import application

    headers = [(b"origin", connection.origin), (b"host", b"testserver")]
    if connection.cookie:
        cookie = f"{settings.SESSION_COOKIE_NAME}={connection.cookie}"
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, connection.path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def _observe(route: str, connection: Connection) -> str:
    """What the actor gets on ``route``: refused, or what the open socket allows."""
    from collaboration.live_notes import protocol

    communicator, connected, _code = await _open(connection)
    try:
        if not connected:
            return REFUSED
        if route == PRESENCE:
            await communicator.send_json_to({"type": "ping"})
            assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
            return ACCEPTED
        first = await communicator.receive_output(timeout=5)
        if first["type"] == "websocket.close":
            return REFUSED
        reader = protocol.Reader(first["bytes"])
        assert reader.var_uint() == protocol.MESSAGE_PERMISSION  # said before anything else
        return EDITS if reader.var_uint() == 1 else READS
    finally:
        await communicator.disconnect()


async def test_websocket_route_by_actor_matrix(
    verified_client: Callable[..., Client], make_user: Callable[..., Any]
) -> None:
    setup = await sync_to_async(_actors)(verified_client, make_user)
    observed: dict[tuple[str, str], str] = {}
    for route in WS_MATRIX:
        for actor in ACTORS:
            observed[(route, actor)] = await _observe(route, _connection(route, actor, setup))
    wrong = {
        f"{route} as {actor}": f"expected {WS_MATRIX[route][actor]}, got {got}"
        for (route, actor), got in observed.items()
        if got != WS_MATRIX[route][actor]
    }
    assert wrong == {}
    assert len(observed) == len(WS_MATRIX) * len(ACTORS)


async def test_a_read_only_socket_cannot_write(
    verified_client: Callable[..., Client], make_user: Callable[..., Any]
) -> None:
    """Accepted read-only is not a way in: what the socket sends is not stored."""
    from pycrdt import Doc, Text

    from collaboration.live_notes import document, protocol
    from collaboration.live_notes.models import NoteUpdate

    setup = await sync_to_async(_actors)(verified_client, make_user)
    meeting_id = setup["world"].meeting.pk
    for actor in ("read_only_participant", "participant_finalised"):
        communicator, connected, _code = await _open(_connection(NOTES, actor, setup))
        assert connected, actor
        doc = Doc()
        text = doc.get(document.TEXT_NAME, type=Text)
        text += "ingebroken"
        update = doc.get_update()
        await communicator.send_to(bytes_data=protocol.sync_message(protocol.SYNC_UPDATE, update))
        await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()
    stored = await sync_to_async(document.stored_update)(meeting_id)
    assert "ingebroken" not in document.plain_text(stored)
    finalised_id = setup["finalised"].pk
    assert not await sync_to_async(NoteUpdate.objects.filter(meeting_id=finalised_id).exists)()


async def test_open_sockets_close_when_the_membership_is_withdrawn(
    verified_client: Callable[..., Client], make_user: Callable[..., Any]
) -> None:
    """Refused at the next handshake is not enough: the sockets already open are closed."""
    from collaboration.models import Membership
    from collaboration.services.members import membership_deactivate

    setup = await sync_to_async(_actors)(verified_client, make_user)
    world = setup["world"]
    sockets = []
    for route in WS_MATRIX:
        communicator, connected, _code = await _open(_connection(route, "participant", setup))
        assert connected, route
        sockets.append(communicator)

    def withdraw() -> None:
        coordinator = Membership.objects.get(role="coordinator").user
        membership_deactivate(
            actor=coordinator, membership=Membership.objects.get(user=world.partner)
        )

    await sync_to_async(withdraw)()
    for communicator in sockets:
        closed = None
        for _message in range(10):
            output = await communicator.receive_output(timeout=5)
            if output["type"] == "websocket.close":
                closed = output
                break
        assert closed is not None and closed.get("code") == 4403
        await communicator.disconnect()
