"""Live-notes input is validated (issue 12, item 8).

- An update the editor cannot produce (a list as a heading level, an unknown format, an embed,
  another shared type) is refused through the real consumer: not stored, not relayed, audited,
  and the sender's socket closed with 4422. What the editor does produce passes.
- Stored data that slipped in anyway (a row written straight into the log) never breaks the
  meeting page, finalising or joining: the renderer ignores what it does not know.
- Awareness carries the name the server knows for the connection, never the client's claim.
- A byte budget per connection (4429) and a frame limit (1009); a cap on what one meeting's
  notes store in all (4413), enforced in the append's transaction.
"""

from __future__ import annotations

import asyncio
import json
import random

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse
from pycrdt import Array, Doc, Map, Text

from collaboration.live_notes import document, protocol, validation
from collaboration.live_notes.consumers import CLOSE_INVALID_UPDATE, CLOSE_NOTES_FULL
from collaboration.live_notes.models import Minutes, NotesVolume, NoteUpdate
from collaboration.live_notes.services import NotesFull, notes_updates_append
from collaboration.selectors.meetings import meeting_access
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent

from .world import YClient, build_world, session_cookie, signed_in_client, stored_notes_awaited

FORGED_NAME = "Sara Demeester (coördinator)"


def application():
    from portal.asgi import application as app

    return app


def _update(build) -> bytes:
    doc = Doc()
    text = doc.get(document.TEXT_NAME, type=Text)
    build(doc, text)
    return doc.get_update()


def _list_valued_header(doc: Doc, text: Text) -> None:
    text.insert(0, "Kop\n")
    text.format(0, 4, {"header": [1]})


# --- what the check accepts and refuses (no database) ----------------------------------------

EDITOR_MADE = {
    "typing": lambda d, t: t.insert(0, "Afspraak: CAW belt moeder."),
    "accents and emoji": lambda d, t: t.insert(0, "één café € 🙂"),
    "deleting": lambda d, t: (t.insert(0, "abcdef"), t.__delitem__(slice(1, 4))),
    "bold italic underline strike": lambda d, t: (
        t.insert(0, "a", {"bold": True}),
        t.insert(1, "b", {"italic": True}),
        t.insert(2, "c", {"underline": True}),
        t.insert(3, "d", {"strike": True}),
    ),
    "formats removed (null)": lambda d, t: (
        t.insert(0, "vet", {"bold": True}),
        t.format(0, 3, {"bold": None}),
    ),
    "headings 1 to 6": lambda d, t: [
        t.insert(len(str(t)), f"Kop {level}\n", {"header": level}) for level in range(1, 7)
    ],
    "lists": lambda d, t: [
        t.insert(len(str(t)), f"{kind}\n", {"list": kind})
        for kind in ("ordered", "bullet", "checked", "unchecked")
    ],
}


@pytest.mark.parametrize("name", EDITOR_MADE)
def test_what_the_editor_makes_passes(name: str) -> None:
    validation.check_update(_update(EDITOR_MADE[name]))


def test_removing_a_format_stored_before_the_check_passes() -> None:
    """What the bundle's clean-up of old notes sends: ``null`` for a name it does not know."""
    doc = Doc()
    text = doc.get(document.TEXT_NAME, type=Text)
    text.insert(0, "oude link", {"link": "https://example.org"})
    before = doc.get_state()
    text.format(0, 9, {"link": None})
    validation.check_update(doc.get_update(before))
    assert validation.format_is_allowed("link", None)
    assert not validation.format_is_allowed("n" * 65, None)
    assert not validation.format_is_allowed("link", "https://example.org")


def test_random_editing_sessions_pass_update_by_update_and_merged() -> None:
    """Many small edits, as typing makes them, and their merge (what a rejoin sends)."""
    rng = random.Random(12)
    for _session in range(20):
        doc = Doc()
        text = doc.get(document.TEXT_NAME, type=Text)
        updates: list[bytes] = []
        doc.observe(lambda event, out=updates: out.append(event.update))
        for _step in range(60):
            length = len(str(text))
            action = rng.random()
            if action < 0.55 or length < 3:
                attrs = rng.choice([None, {"bold": True}, {"header": 2}, {"list": "bullet"}])
                text.insert(rng.randint(0, length), rng.choice(["a", "bc", "\n", " "]), attrs)
            elif action < 0.8:
                start = rng.randint(0, length - 1)
                del text[start : min(length, start + rng.randint(1, 3))]
            else:
                start = rng.randint(0, length - 1)
                stop = min(length, start + rng.randint(1, 4))
                key, value = rng.choice([("italic", True), ("italic", None), ("header", 3)])
                text.format(start, stop, {key: value})
        for update in updates:
            validation.check_update(update)
        validation.check_update(document.merge(updates))
        validation.check_update(doc.get_update(b"\x00"))


REFUSED = {
    "a list as heading level": _list_valued_header,
    "an object as bold": lambda d, t: t.insert(0, "x", {"bold": {"a": 1}}),
    "a string as heading level": lambda d, t: t.insert(0, "x\n", {"header": "1"}),
    "heading level 7": lambda d, t: t.insert(0, "x\n", {"header": 7}),
    "an unknown list kind": lambda d, t: t.insert(0, "x\n", {"list": "<script>"}),
    "a link": lambda d, t: t.insert(0, "klik", {"link": "javascript:alert(1)"}),
    "a colour": lambda d, t: t.insert(0, "rood", {"color": "red"}),
    "an embed": lambda d, t: (t.insert(0, "ab"), t.insert_embed(1, {"image": "x.png"})),
    "a nested map": lambda d, t: (t.insert(0, "ab"), t.insert_embed(1, Map({"a": 1}))),
    "another root text": lambda d, t: d.get("andere", type=Text).insert(0, "x"),
    "a root map": lambda d, t: d.get("meta", type=Map).__setitem__("k", 1),
    "a root array": lambda d, t: d.get("lijst", type=Array).append(1),
}


@pytest.mark.parametrize("name", REFUSED)
def test_what_the_editor_cannot_make_is_refused(name: str) -> None:
    with pytest.raises(validation.UpdateRefused):
        validation.check_update(_update(REFUSED[name]))


@pytest.mark.parametrize(
    "data", [b"\xff\xff\xff", b"\x01\x01", b"", _update(EDITOR_MADE["typing"]) + b"\x00"]
)
def test_bytes_that_do_not_frame_as_an_update_are_refused(data: bytes) -> None:
    with pytest.raises(validation.UpdateRefused):
        validation.check_update(data)


def test_the_renderer_ignores_unknown_and_malformed_formats() -> None:
    def build(doc: Doc, text: Text) -> None:
        text.insert(0, "Kop\n", {"header": [1]})
        text.insert(4, "vet", {"bold": {"x": 1}, "link": "javascript:x"})
        text.insert(7, "\n", {"list": ["bullet"]})
        text.insert(8, "echt vet", {"bold": True})
        text.insert(16, "\n", {"header": 2.0})

    html = document.to_html(_update(build))
    assert html == "<p>Kop</p>\n<p>vet</p>\n<h3><strong>echt vet</strong></h3>"


# --- through the real consumer and pages -------------------------------------------------------

db = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def world():
    return await sync_to_async(build_world)()


async def joined(world, user) -> YClient:
    cookie = await sync_to_async(lambda: session_cookie(signed_in_client(user)))()
    client = YClient(application(), world.meeting.pk, cookie)
    connected, code = await client.connect()
    assert connected, code
    await client.pump()
    return client


async def _send_update(client: YClient, update: bytes) -> None:
    await client.comm.send_to(bytes_data=protocol.sync_message(protocol.SYNC_UPDATE, update))


def _stored_count(world) -> int:
    return NoteUpdate.objects.filter(meeting=world.meeting).count()


@db
async def test_a_list_valued_format_is_refused_not_stored_not_relayed(world) -> None:
    ria = await joined(world, world.director)
    pieter = await joined(world, world.partner)
    await ria.pump()
    await _send_update(pieter, _update(_list_valued_header))
    assert await pieter.until(lambda: pieter.closed_code is not None)
    assert pieter.closed_code == CLOSE_INVALID_UPDATE
    await ria.pump(quiet=0.4)
    assert ria.value == "" and ria.received_updates == 0
    assert await sync_to_async(_stored_count)(world) == 0
    refusal = await sync_to_async(
        lambda: AuditEvent.objects.get(
            action=AuditAction.LIVE_NOTES_UPDATED, actor=world.partner, outcome="denied"
        )
    )()
    assert refusal.extra["reason"].startswith("invalid_update: format 'header'")
    # The meeting goes on for everyone else.
    await ria.type("Verder.")
    await ria.pump()
    # The writer stores a moment after the keystrokes arrive: wait for it, not for a clock.
    stored = await stored_notes_awaited(world.meeting.pk, lambda text: text == "Verder.")
    assert stored == "Verder."
    assert await sync_to_async(_stored_count)(world) == len("Verder.")
    await pieter.close()
    await ria.close()


def _finalise(client, meeting_id: int):
    url = reverse("live_notes:finalise", args=[meeting_id])
    return client.post(
        url,
        {
            "actie-TOTAL_FORMS": "0",
            "actie-INITIAL_FORMS": "0",
            "actie-MIN_NUM_FORMS": "0",
            "actie-MAX_NUM_FORMS": "1000",
        },
    )


def _plant_malformed_rows(world) -> None:
    """Rows written straight into the log, around every check: a list-valued heading, an embed,
    another root, and bytes that are no Yjs update at all."""
    good = _update(lambda d, t: t.insert(0, "Goede notitie.\n"))
    for data in (
        good,
        _update(_list_valued_header),
        _update(REFUSED["an embed"]),
        _update(REFUSED["another root text"]),
        b"\xff\xfe garbage",
    ):
        NoteUpdate.objects.create(
            meeting=world.meeting,
            user=world.director,
            connection_id="planted",
            size=len(data),
            data=data,
        )


@db
async def test_malformed_stored_rows_break_neither_page_nor_finalising_nor_joining(world) -> None:
    await sync_to_async(_plant_malformed_rows)(world)

    def pages() -> None:
        client = signed_in_client(world.director)
        page = client.get(reverse("live_notes:meeting", args=[world.meeting.pk]))
        assert page.status_code == 200
        assert "Goede notitie." in page.content.decode()
        assert client.get(reverse("live_notes:finalise", args=[world.meeting.pk])).status_code == (
            200
        )

    await sync_to_async(pages)()
    pieter = await joined(world, world.partner)
    assert "Goede notitie." in pieter.value
    await pieter.close()

    def finalise() -> None:
        client = signed_in_client(world.director)
        response = _finalise(client, world.meeting.pk)
        assert response.status_code == 302, response.content.decode()[:500]
        assert "Goede notitie." in Minutes.objects.get(meeting=world.meeting).html
        after = client.get(reverse("live_notes:meeting", args=[world.meeting.pk]))
        assert after.status_code == 200

    await sync_to_async(finalise)()


@db
async def test_awareness_carries_the_name_the_server_knows(world) -> None:
    ria = await joined(world, world.director)
    pieter = await joined(world, world.partner)
    await ria.pump()
    seen: list[dict] = []
    handle = ria._handle

    async def collect(message) -> None:
        data = message.get("bytes") or b""
        if data[:1] == bytes([protocol.MESSAGE_AWARENESS]):
            reader = protocol.Reader(data)
            reader.var_uint()
            payload = protocol.Reader(reader.var_bytes())
            for _ in range(payload.var_uint()):
                client_id, _clock = payload.var_uint(), payload.var_uint()
                seen.append({"id": client_id, "state": json.loads(payload.var_bytes())})
        await handle(message)

    ria._handle = collect
    state = {
        "user": {"name": FORGED_NAME, "color": "#8a2f7b", "role": "coordinator"},
        "cursor": {"anchor": None, "head": None},
        "admin": True,
    }
    payload = (
        protocol.write_var_uint(1)
        + protocol.write_var_uint(777)
        + protocol.write_var_uint(3)
        + protocol.write_var_bytes(json.dumps(state).encode())
    )
    await pieter.comm.send_to(bytes_data=protocol.awareness_message(payload))
    assert await ria.until(lambda: len(seen) == 1)
    assert seen[0]["id"] == 777
    assert seen[0]["state"] == {
        "user": {"name": "Pieter Partner", "color": "#8a2f7b"},
        "cursor": {"anchor": None, "head": None},
    }
    assert FORGED_NAME not in json.dumps(seen)

    # A connection speaks for a few Yjs clients at most: it cannot take over everyone's.
    many = protocol.write_var_uint(10) + b"".join(
        protocol.write_var_uint(1000 + n)
        + protocol.write_var_uint(1)
        + protocol.write_var_bytes(b"null")
        for n in range(10)
    )
    await pieter.comm.send_to(bytes_data=protocol.awareness_message(many))
    assert await ria.until(lambda: len(seen) >= 4)
    await ria.pump(quiet=0.3)
    assert {entry["id"] for entry in seen[1:]} == {1000, 1001, 1002}
    await pieter.close()
    await ria.close()


@db
async def test_a_frame_over_the_limit_closes_the_socket(world, settings) -> None:
    settings.WEBSOCKET_MAX_FRAME_BYTES = 4096
    pieter = await joined(world, world.partner)
    big = _update(lambda d, t: t.insert(0, "x" * 5000))
    await _send_update(pieter, big)
    assert await pieter.until(lambda: pieter.closed_code is not None)
    assert pieter.closed_code == 1009
    assert await sync_to_async(_stored_count)(world) == 0
    await pieter.close()


@db
async def test_a_stream_over_the_byte_budget_is_cut_off(world) -> None:
    """The defaults: 256 KiB a second, burst 1 MiB, frames of at most 256 KiB. Twenty frames
    of 250 KB sent at once (the 10 MB attack in miniature) are cut off after the burst."""
    from django.conf import settings as django_settings

    burst = django_settings.WEBSOCKET_BYTES_BURST
    rate = django_settings.WEBSOCKET_BYTES_PER_SECOND
    assert (burst, rate, django_settings.WEBSOCKET_MAX_FRAME_BYTES) == (2**20, 2**18, 2**18)
    pieter = await joined(world, world.partner)
    frames = []
    for n in range(20):
        frames.append(_update(lambda d, t, n=n: t.insert(0, chr(65 + n) * 250_000)))
    loop = asyncio.get_running_loop()
    started = loop.time()
    for frame in frames:
        await _send_update(pieter, frame)
    assert await pieter.until(lambda: pieter.closed_code is not None, timeout=20)
    elapsed = loop.time() - started
    assert pieter.closed_code == 4429
    await pieter.close()  # the consumer's clean-up waits for its writer
    stored = await sync_to_async(
        lambda: sum(NoteUpdate.objects.filter(meeting=world.meeting).values_list("size", flat=True))
    )()
    assert 0 < stored <= burst + rate * elapsed


@db
async def test_a_meetings_notes_stop_at_their_cap(world, settings) -> None:
    settings.LIVE_NOTES_MAX_STORED_BYTES = 2000
    ria = await joined(world, world.director)
    pieter = await joined(world, world.partner)
    await ria.pump()
    # Paragraphs of about 530 bytes, each stored (and relayed) before the next is sent.
    for stored_so_far in range(1, 4):
        ria.text.insert(len(ria.value), "x" * 500)
        await ria.flush()
        assert await pieter.until(lambda n=stored_so_far: pieter.received_updates == n)
    ria.text.insert(len(ria.value), "x" * 500)  # the fourth would pass 2000 bytes
    await ria.flush()
    assert await ria.until(lambda: ria.closed_code is not None)
    assert ria.closed_code == CLOSE_NOTES_FULL

    def totals() -> tuple[int, int]:
        sizes = NoteUpdate.objects.filter(meeting=world.meeting).values_list("size", flat=True)
        return sum(sizes), NotesVolume.objects.get(meeting=world.meeting).stored_bytes

    stored, counted = await sync_to_async(totals)()
    assert stored == counted and 1500 < stored <= 2000
    # Another participant cannot add to it either.
    pieter.text.insert(0, "y" * 500)
    await pieter.flush()
    assert await pieter.until(lambda: pieter.closed_code is not None)
    assert pieter.closed_code == CLOSE_NOTES_FULL
    assert (await sync_to_async(totals)())[0] == stored
    await ria.close()
    await pieter.close()


@pytest.mark.django_db
def test_the_append_refuses_a_batch_past_the_cap_and_stores_nothing(settings) -> None:
    """Both paths: the one statement on PostgreSQL, the Python one elsewhere."""
    settings.LIVE_NOTES_MAX_STORED_BYTES = 100
    world = build_world()
    access = meeting_access(user=world.director, meeting_id=world.meeting.pk)
    first = _update(lambda d, t: t.insert(0, "a" * 20))
    notes_updates_append(access=access, device="", connection_id="c", updates=[first])
    audits = AuditEvent.objects.filter(action=AuditAction.LIVE_NOTES_UPDATED).count()
    with pytest.raises(NotesFull):
        notes_updates_append(
            access=access, device="", connection_id="c", updates=[first, b"\x00" * 60]
        )
    assert NoteUpdate.objects.filter(meeting=world.meeting).count() == 1
    assert NotesVolume.objects.get(meeting=world.meeting).stored_bytes == len(first)
    assert AuditEvent.objects.filter(action=AuditAction.LIVE_NOTES_UPDATED).count() == audits
