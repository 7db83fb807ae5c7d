"""A small fictional case with a network meeting, and a pycrdt client that speaks the same
protocol as the browser bundle (y-websocket), for the live-notes tests and the benchmark."""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pycrdt import Doc, Text

from collaboration.live_notes import protocol
from collaboration.live_notes.document import TEXT_NAME
from collaboration.live_notes.models import Acknowledgement
from collaboration.models import BreakGlassAccess, Case, Meeting, Organisation, Role
from portal.accounts.models import User
from tests.factories.cases import CaseFactory, CaseParticipantFactory
from tests.factories.meetings import MeetingFactory
from tests.factories.organisations import MembershipFactory, OrganisationFactory
from tests.factories.people import VerifiedUserFactory


@dataclass
class World:
    case: Case
    meeting: Meeting
    director: User
    partner: User
    privacy: User
    outsider: User
    partner_org: Organisation


def build_world(prefix: str = "") -> World:
    """Fictional people and a fictional case; every name here is invented."""

    def org(name: str, kind: str, sector: str, region: str) -> Organisation:
        return OrganisationFactory(name=f"{prefix}{name}", kind=kind, sector=sector, region=region)

    def person(email: str, name: str, organisation: Organisation, role: str) -> User:
        return MembershipFactory(
            user=VerifiedUserFactory(email=f"{prefix}{email}", full_name=name),
            organisation=organisation,
            role=role,
        ).user

    vh = org("Veilig Huis Leuven (test)", "veilig_huis", "welfare", "leuven")
    caw = org("CAW Oost-Brabant (test)", "caw", "welfare", "leuven")
    other = org("CGG Elders (test)", "cgg", "health", "limburg")
    director = person("regisseur@test.example", "Ria Regisseur", vh, Role.CASE_DIRECTOR)
    partner = person("partner@test.example", "Pieter Partner", caw, Role.PARTNER)
    privacy = person("privacy@test.example", "Paula Privacy", vh, Role.PRIVACY_OFFICER)
    outsider = person("buiten@test.example", "Otto Buiten", other, Role.PARTNER)
    case = CaseFactory(
        reference=f"{prefix}LEU-2026-0001"[-20:], region="leuven", case_director=director
    )
    CaseParticipantFactory(case=case, user=partner, organisation=caw, role_in_case="Begeleider")
    BreakGlassAccess.objects.create(
        case=case,
        user=privacy,
        justification="Controle van een fictieve klacht in de testomgeving.",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    meeting = MeetingFactory(case=case, invitees=[partner])
    for user in (director, partner, privacy, outsider):
        Acknowledgement.objects.create(meeting=meeting, user=user)
    return World(case, meeting, director, partner, privacy, outsider, caw)


def signed_in_client(user: User, *, verified: bool = True) -> Client:
    client = Client()
    client.force_login(user)
    if verified:
        session = client.session
        device = TOTPDevice.objects.get(user=user)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def session_cookie(client: Client | None) -> str | None:
    if client is None:
        return None
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def notes_path(meeting_id: int) -> str:
    return f"/ws/samenwerking/overleg/{meeting_id}/notities"


class YClient:
    """One editor: a pycrdt document kept in sync over a ``WebsocketCommunicator``.

    It behaves like y-websocket: answers the server's sync step 1 with step 2, sends its own
    step 1 on open, and sends every local change as an update message.
    """

    def __init__(
        self,
        application: Any,
        meeting_id: int,
        cookie: str | None,
        origin: bytes = b"http://testserver",
    ) -> None:
        headers = [(b"origin", origin), (b"host", b"testserver")]
        if cookie:
            headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
        self.comm = WebsocketCommunicator(application, notes_path(meeting_id), headers=headers)
        self.doc = Doc()
        self.text = self.doc.get(TEXT_NAME, type=Text)
        self.present: list[dict[str, Any]] = []
        self.can_edit: bool | None = None
        self.received_updates = 0
        self.closed_code: int | None = None
        self._outbox: list[bytes] = []
        self.doc.observe(self._on_local_change)
        self._applying_remote = False

    def _on_local_change(self, event: Any) -> None:
        if not self._applying_remote:
            self._outbox.append(event.update)

    async def connect(self) -> tuple[bool, Any]:
        connected, code = await self.comm.connect(timeout=10)
        if connected:
            state = self.doc.get_state()
            await self.comm.send_to(bytes_data=protocol.sync_message(protocol.SYNC_STEP1, state))
        return connected, code

    async def type(self, text: str, index: int | None = None) -> None:
        """Insert ``text`` one character per update, as typing does."""
        position = len(str(self.text)) if index is None else index
        for offset, char in enumerate(text):
            self.text.insert(position + offset, char)
            await self.flush()

    async def flush(self) -> None:
        outbox, self._outbox = self._outbox, []
        for update in outbox:
            await self.comm.send_to(bytes_data=protocol.sync_message(protocol.SYNC_UPDATE, update))

    def _apply(self, update: bytes) -> None:
        self._applying_remote = True
        try:
            self.doc.apply_update(update)
        finally:
            self._applying_remote = False

    async def _handle(self, message: dict[str, Any]) -> None:
        if message["type"] == "websocket.close":
            self.closed_code = message.get("code")
            return
        data = message.get("bytes")
        if not data:
            return
        reader = protocol.Reader(data)
        kind = reader.var_uint()
        if kind == protocol.MESSAGE_SYNC:
            sync_type = reader.var_uint()
            payload = reader.var_bytes()
            if sync_type == protocol.SYNC_STEP1:
                missing = self.doc.get_update(payload)
                await self.comm.send_to(
                    bytes_data=protocol.sync_message(protocol.SYNC_STEP2, missing)
                )
            else:
                self.received_updates += sync_type == protocol.SYNC_UPDATE
                self._apply(payload)
        elif kind == protocol.MESSAGE_PRESENCE:
            import json

            self.present = json.loads(reader.var_bytes())["present"]
        elif kind == protocol.MESSAGE_PERMISSION:
            self.can_edit = bool(reader.var_uint())

    async def pump(self, quiet: float = 0.15) -> int:
        """Handle every message that arrives until the socket is quiet for ``quiet`` seconds."""
        handled = 0
        while not await self.comm.receive_nothing(timeout=quiet):
            await self._handle(await self.comm.receive_output())
            handled += 1
        return handled

    async def until(self, predicate: Any, timeout: float = 5.0) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if predicate():
                return True
            if not await self.comm.receive_nothing(timeout=0.05):
                await self._handle(await self.comm.receive_output())
        return predicate()

    @property
    def value(self) -> str:
        return str(self.text)

    async def close(self) -> None:
        """Close and wait until the consumer has finished: its tear-down stores what is still
        queued (up to 30 s, consumers.py). Channels' default of one second cancels the
        consumer mid-store on a loaded machine, and the test then saw keystrokes 'lost'."""
        await self.comm.disconnect(timeout=60)


def stored_notes_when(
    meeting_id: int,
    done: Callable[[str], bool],
    *,
    render: Callable[[bytes], str] | None = None,
    seconds: float = 15,
) -> str:
    """The meeting's stored notes (plain text, or ``render``-ed) as soon as ``done`` holds, or
    what is stored at the deadline. A server thread may still be storing what closing sockets
    sent; on the suite's in-memory SQLite (one shared cache) a read during that write is refused
    at once ("table is locked") instead of waiting, so such a read is retried."""
    from django.db import OperationalError

    from collaboration.live_notes import document

    render = render or document.plain_text
    deadline = time.monotonic() + seconds
    text = ""
    while True:
        try:
            text = render(document.stored_update(meeting_id))
        except OperationalError as error:
            if "locked" not in str(error):
                raise
        if done(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


async def stored_notes_awaited(
    meeting_id: int, done: Callable[[str], bool], *, seconds: float = 60
) -> str:
    """``stored_notes_when`` for async tests that drive a consumer in their own event loop.

    The consumer stores through the same thread-sensitive executor as the test's
    ``sync_to_async``: a blocking poll there would keep the writer from storing until the poll
    gives up, so this one reads once per turn and yields to the loop in between."""
    from asgiref.sync import sync_to_async

    from collaboration.live_notes import document

    def read() -> str:
        return document.plain_text(document.stored_update(meeting_id))

    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    text = await sync_to_async(read)()
    while not done(text) and loop.time() < deadline:
        await asyncio.sleep(0.05)
        text = await sync_to_async(read)()
    return text


def when_unlocked(operation: Callable[[], Any], *, seconds: float = 15) -> Any:
    """Run ``operation`` (a read or write from the test thread while a server thread may be
    writing), retrying while the suite's in-memory SQLite refuses it with "table is locked"."""
    from django.db import OperationalError

    deadline = time.monotonic() + seconds
    while True:
        try:
            return operation()
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(0.05)
