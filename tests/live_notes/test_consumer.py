"""The live-notes consumer over a real channel layer and database: refusals, join from the
database, convergence, no echo, read-only drops, sign-out, compaction and the audit trail."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from collaboration.live_notes import document
from collaboration.live_notes.consumers import CLOSE_NOT_ACKNOWLEDGED
from collaboration.live_notes.models import (
    Acknowledgement,
    LiveConnection,
    NoteSnapshot,
    NoteUpdate,
)
from collaboration.live_notes.services import notes_compact
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.security.sockets import close_user_sockets

from .world import YClient, build_world, session_cookie, signed_in_client, stored_notes_awaited

pytestmark = pytest.mark.django_db(transaction=True)


def application():
    from portal.asgi import application as app

    return app


@pytest.fixture
async def world():
    return await sync_to_async(build_world)()


async def client_for(world, user, **kwargs) -> YClient:
    cookie = await sync_to_async(lambda: session_cookie(signed_in_client(user, **kwargs)))()
    return YClient(application(), world.meeting.pk, cookie)


async def joined(world, user) -> YClient:
    client = await client_for(world, user)
    connected, code = await client.connect()
    assert connected, code
    await client.pump()
    return client


# --- refusals -----------------------------------------------------------------------------


async def test_anonymous_is_refused(world) -> None:
    client = YClient(application(), world.meeting.pk, None)
    connected, _ = await client.connect()
    assert not connected


async def test_password_only_session_is_refused(world) -> None:
    client = await client_for(world, world.partner, verified=False)
    connected, _ = await client.connect()
    assert not connected


async def test_foreign_origin_is_refused(world) -> None:
    cookie = await sync_to_async(lambda: session_cookie(signed_in_client(world.partner)))()
    client = YClient(application(), world.meeting.pk, cookie, origin=b"https://evil.example")
    connected, _ = await client.connect()
    assert not connected


async def test_outsider_is_refused_and_the_attempt_audited(world) -> None:
    client = await client_for(world, world.outsider)
    connected, _ = await client.connect()
    assert not connected
    denied = await sync_to_async(
        AuditEvent.objects.filter(
            action=AuditAction.LIVE_NOTES_JOINED, actor=world.outsider, outcome="denied"
        ).count
    )()
    assert denied == 1


async def test_unknown_meeting_is_refused_like_a_forbidden_one(world) -> None:
    cookie = await sync_to_async(lambda: session_cookie(signed_in_client(world.partner)))()
    client = YClient(application(), world.meeting.pk + 999, cookie)
    connected, _code = await client.connect()
    assert not connected


async def test_participant_must_acknowledge_confidentiality_first(world) -> None:
    await sync_to_async(
        Acknowledgement.objects.filter(meeting=world.meeting, user=world.partner).delete
    )()
    client = await client_for(world, world.partner)
    connected, code = await client.connect()
    assert not connected
    assert code == CLOSE_NOT_ACKNOWLEDGED


# --- editing together ---------------------------------------------------------------------


async def test_two_clients_converge_and_the_sender_gets_no_echo(world) -> None:
    ria = await joined(world, world.director)
    pieter = await joined(world, world.partner)
    await ria.pump()  # Pieter's arrival (presence)
    assert ria.can_edit and pieter.can_edit

    await ria.type("Afspraak: ")
    assert await pieter.until(lambda: pieter.value == "Afspraak: ")
    # The sender's own updates never come back to it.
    assert await ria.comm.receive_nothing(timeout=0.3)
    await ria.pump()
    assert ria.received_updates == 0

    # Concurrent edits on both sides converge.
    await asyncio.gather(ria.type("CAW belt moeder.", index=10), pieter.type("Ok. ", index=0))
    assert await ria.until(lambda: len(ria.value) == len("Afspraak: CAW belt moeder.Ok. "))
    assert await pieter.until(lambda: pieter.value == ria.value)
    assert "CAW belt moeder." in ria.value and "Ok. " in ria.value
    await ria.close()
    await pieter.close()

    stored = await sync_to_async(document.stored_update)(world.meeting.pk)
    assert document.plain_text(stored) == ria.value


async def test_joiner_gets_the_merged_state_from_the_database(world) -> None:
    ria = await joined(world, world.director)
    await ria.type("Gezin woont in Leuven.")
    await ria.pump()
    await ria.close()  # nobody is connected any more

    count = await sync_to_async(NoteUpdate.objects.filter(meeting=world.meeting).count)()
    assert count == len("Gezin woont in Leuven.")

    pieter = await joined(world, world.partner)
    assert pieter.value == "Gezin woont in Leuven."
    await pieter.close()


async def test_offline_edits_are_merged_on_reconnect(world) -> None:
    ria = await joined(world, world.director)
    await ria.type("Eerste regel.")
    await ria.pump()
    await ria.close()

    # Ria keeps typing while disconnected; her document keeps the edits.
    offline = YClient(application(), world.meeting.pk, None)
    offline.doc = ria.doc
    ria.text.insert(len(ria.value), " Offline zin.")
    ria._outbox.clear()  # never sent: the socket was closed

    again = await client_for(world, world.director)
    again.doc, again.text = ria.doc, ria.text
    connected, _ = await again.connect()
    assert connected
    await again.pump()  # answers the server's step 1 with what the server lacks
    await again.close()

    pieter = await joined(world, world.partner)
    # The joiner's state arrives after the join; wait for it (a loaded machine is slower).
    expected = "Eerste regel. Offline zin."
    assert await pieter.until(lambda: pieter.value == expected, timeout=60), pieter.value
    await pieter.close()


async def test_read_only_participant_updates_are_dropped(world) -> None:
    ria = await joined(world, world.director)
    paula = await joined(world, world.privacy)  # break-the-glass: reads, never writes
    await ria.pump()
    assert paula.can_edit is False and ria.can_edit is True

    await paula.type("Mag niet.")
    assert await ria.comm.receive_nothing(timeout=0.4)
    await ria.type("Wel.")
    assert await paula.until(lambda: "Wel." in paula.value)
    await ria.pump()
    assert ria.value == "Wel."

    stored = await sync_to_async(document.stored_update)(world.meeting.pk)
    assert document.plain_text(stored) == "Wel."
    refused = await sync_to_async(
        AuditEvent.objects.filter(
            action=AuditAction.LIVE_NOTES_UPDATED, actor=world.privacy, outcome="denied"
        ).count
    )()
    assert refused == 1
    await ria.close()
    await paula.close()


async def test_every_update_has_its_audit_record(world) -> None:
    ria = await joined(world, world.director)
    # Letters outside 0-9a-f: the record holds hex digests, which may contain "abc" by chance.
    await ria.type("xyz")
    await ria.pump()
    await ria.close()

    def rows():
        updates = list(NoteUpdate.objects.filter(meeting=world.meeting).order_by("id"))
        events = list(
            AuditEvent.objects.filter(action=AuditAction.LIVE_NOTES_UPDATED, actor=world.director)
        )
        joins = AuditEvent.objects.filter(
            action=AuditAction.LIVE_NOTES_JOINED, actor=world.director, outcome="allowed"
        ).count()
        return updates, events, joins

    updates, events, joins = await sync_to_async(rows)()
    # Three keystrokes, three updates; a fourth when a keystroke left before the client had
    # answered the server's sync step 1 (its answer then carries that keystroke again: Yjs
    # merges the duplicate). Either way every stored update has exactly one audit record.
    assert len(updates) in (3, 4) and joins == 1
    # Each update is listed in exactly one audit record (updates that queued up together
    # share the record of their transaction).
    audited = [i for e in events for i in e.extra["update_ids"]]
    assert sorted(audited) == [u.pk for u in updates]
    assert all(len(e.extra["update_ids"]) == len(e.extra["sizes"]) for e in events)
    assert all(u.user_id == world.director.pk and u.size > 0 for u in updates)
    # The last one out compacted the log: the bytes moved into the snapshot, the metadata stayed.
    assert all(u.snapshot_id is not None and bytes(u.data) == b"" for u in updates)
    assert all(u.device.startswith("otp_totp.totpdevice/") for u in updates)
    assert all(e.case_reference == world.case.reference for e in events)
    assert all("xyz" not in str(e.extra) for e in events)


async def test_presence_comes_from_server_connections(world) -> None:
    ria = await joined(world, world.director)
    pieter = await joined(world, world.partner)
    assert await ria.until(
        lambda: {p["name"] for p in ria.present} == {"Ria Regisseur", "Pieter Partner"}
    )
    await pieter.close()
    assert await ria.until(lambda: [p["name"] for p in ria.present] == ["Ria Regisseur"])
    await ria.close()
    assert await sync_to_async(LiveConnection.objects.count)() == 0


async def test_presence_of_a_dead_process_goes_stale_and_is_pruned(world, settings) -> None:
    """A process killed without goodbyes leaves its rows; they stop counting once no heartbeat
    refreshes them, and the periodic task deletes them. Live connections keep beating."""
    import datetime as dt

    from django.utils import timezone

    from collaboration.live_notes.selectors import present_people
    from collaboration.live_notes.tasks import prune_stale_connections

    settings.LIVE_NOTES_PRESENCE_HEARTBEAT = 0.2
    ria = await joined(world, world.director)

    def plant_dead_connection() -> None:
        LiveConnection.objects.create(
            meeting=world.meeting,
            user=world.partner,
            channel_name="specific.dead-process!gone",
            can_edit=True,
            seen_at=timezone.now() - dt.timedelta(minutes=5),
        )
        # Ria's own row was also written long ago: her heartbeat must bring it back.
        LiveConnection.objects.filter(user=world.director).update(
            seen_at=timezone.now() - dt.timedelta(minutes=5)
        )

    await sync_to_async(plant_dead_connection)()
    assert await sync_to_async(present_people)(world.meeting.pk) == []
    await asyncio.sleep(0.6)
    names = [p["name"] for p in await sync_to_async(present_people)(world.meeting.pk)]
    assert names == ["Ria Regisseur"]
    removed = await sync_to_async(prune_stale_connections.call)()
    assert removed == 1
    assert await sync_to_async(LiveConnection.objects.filter(user=world.partner).exists)() is False
    # A row pruned during a long stall is written again by the next beat.
    await sync_to_async(LiveConnection.objects.filter(user=world.director).delete)()
    assert await ria.until(lambda: False, timeout=0.6) is False
    assert await sync_to_async(LiveConnection.objects.filter(user=world.director).count)() == 1
    await ria.close()
    assert await sync_to_async(LiveConnection.objects.count)() == 0


async def test_an_undecodable_state_vector_is_dropped_and_the_connection_lives_on(world) -> None:
    """A participant's forged sync step 1 (framed correctly, not a Yjs state vector) must not
    kill the consumer: before, it died without clean-up and stayed "present" for ever."""
    from collaboration.live_notes import protocol

    pieter = await joined(world, world.partner)
    ria = await joined(world, world.director)
    await pieter.comm.send_to(
        bytes_data=protocol.sync_message(protocol.SYNC_STEP1, b"\xff\xff\xff")
    )
    await pieter.pump()
    assert pieter.closed_code is None
    await ria.type("nog altijd verbonden")
    assert await pieter.until(lambda: pieter.value == "nog altijd verbonden")
    await pieter.close()
    await ria.close()
    assert await sync_to_async(LiveConnection.objects.count)() == 0


async def test_access_withdrawn_while_connected_closes_at_the_next_heartbeat(
    world, settings
) -> None:
    """If the sign-out message over the channel layer is lost, the heartbeat's fresh access
    check still ends the connection of someone taken off the case."""
    from collaboration.models import CaseParticipant

    settings.LIVE_NOTES_PRESENCE_HEARTBEAT = 0.2
    pieter = await joined(world, world.partner)
    await sync_to_async(CaseParticipant.objects.filter(user=world.partner).delete)()
    assert await pieter.until(lambda: pieter.closed_code is not None, timeout=3)
    assert pieter.closed_code == 4404
    await pieter.close()
    assert await sync_to_async(LiveConnection.objects.count)() == 0


async def test_one_client_cannot_flood_the_meeting_with_awareness(world) -> None:
    from collaboration.live_notes import protocol
    from collaboration.live_notes.consumers import AWARENESS_BURST

    ria = await joined(world, world.director)
    pieter = await joined(world, world.partner)
    seen: list[bytes] = []
    handle = pieter._handle

    async def counting(message):
        data = message.get("bytes") or b""
        if data[:1] == bytes([protocol.MESSAGE_AWARENESS]):
            seen.append(data)
        await handle(message)

    pieter._handle = counting
    for clock in range(1, 301):
        await ria.comm.send_to(
            bytes_data=protocol.awareness_message(protocol.awareness_removal({4242: clock}))
        )
    await pieter.pump(quiet=0.5)
    # The burst and what refills while sending get through; the flood does not.
    assert AWARENESS_BURST <= len(seen) < 150
    await ria.close()
    await pieter.close()


async def test_sign_out_closes_the_socket(world) -> None:
    pieter = await joined(world, world.partner)
    await sync_to_async(close_user_sockets)(world.partner.pk)
    assert await pieter.until(lambda: pieter.closed_code is not None)
    assert pieter.closed_code == 4403
    await pieter.close()


# --- compaction ---------------------------------------------------------------------------


async def test_compaction_preserves_the_document(world) -> None:
    ria = await joined(world, world.director)
    await ria.type("Netwerkoverleg: ")
    await ria.pump()
    ria.text.insert(0, "[concept] ")
    await ria.flush()
    await ria.pump()
    before = ria.value
    await ria.close()  # the last one out also triggers compaction (immediate backend)

    def state():
        pending = NoteUpdate.objects.filter(meeting=world.meeting, snapshot__isnull=True).count()
        return pending, NoteSnapshot.objects.filter(meeting=world.meeting).count()

    assert await sync_to_async(state)() == (0, 1)
    # More edits after the snapshot, then a second compaction folds them in too.
    again = await joined(world, world.partner)
    assert again.value == before
    await again.type("!")
    await again.pump()
    assert await sync_to_async(state)() == (1, 1)
    folded = await sync_to_async(notes_compact)(meeting_id=world.meeting.pk)
    assert folded == 1
    assert await sync_to_async(state)() == (0, 1)
    await again.close()

    joiner = await joined(world, world.director)
    assert joiner.value == before + "!"
    await joiner.close()
    # Metadata of every update stays in the log.
    total = await sync_to_async(NoteUpdate.objects.filter(meeting=world.meeting).count)()
    assert total == len("Netwerkoverleg: ") + 1 + 1


async def test_finalising_turns_open_editors_read_only(world) -> None:
    from collaboration.services.minutes import meeting_finalise

    ria = await joined(world, world.director)
    await ria.type("Slot.")
    await ria.pump()
    # Finalising freezes what is stored: wait until the keystrokes are (the writer stores them
    # a moment after they arrive, longer on a loaded machine).
    assert await stored_notes_awaited(world.meeting.pk, lambda text: text == "Slot.") == "Slot."
    await sync_to_async(meeting_finalise)(
        actor=world.director, meeting_id=world.meeting.pk, actions=[]
    )
    assert await ria.until(lambda: ria.can_edit is False)
    await ria.type(" Te laat.")
    await ria.pump()
    await ria.close()
    stored = await sync_to_async(document.stored_update)(world.meeting.pk)
    assert document.plain_text(stored) == "Slot."
