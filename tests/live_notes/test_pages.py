"""Meeting pages: confidentiality acknowledgement, access, finalising into minutes and actions."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.urls import reverse

from collaboration.live_notes import document
from collaboration.live_notes.models import Acknowledgement, Minutes, NoteUpdate
from collaboration.models import Action, Goal, MeetingStatus, TimelineEntry
from collaboration.services import plans
from collaboration.services.minutes import AgreedAction, meeting_finalise
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent

from .world import build_world, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _seed_notes(world, text: str) -> None:
    from pycrdt import Doc, Text

    doc = Doc()
    doc.get(document.TEXT_NAME, type=Text).insert(0, text)
    update = doc.get_update()
    NoteUpdate.objects.create(
        meeting=world.meeting,
        user=world.director,
        connection_id="seed",
        size=len(update),
        data=update,
    )


def test_outsider_gets_the_same_404_as_for_a_missing_meeting(world) -> None:
    client = signed_in_client(world.outsider)
    forbidden = client.get(reverse("live_notes:meeting", args=[world.meeting.pk]))
    missing = client.get(reverse("live_notes:meeting", args=[world.meeting.pk + 500]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content
    assert world.case.reference.encode() not in forbidden.content


def test_password_only_session_is_sent_to_the_second_factor(world) -> None:
    client = signed_in_client(world.partner, verified=False)
    response = client.get(reverse("live_notes:meeting", args=[world.meeting.pk]))
    assert response.status_code == 302
    assert not response["Location"].startswith("/samenwerking/")


def test_participant_acknowledges_before_seeing_the_notes(world) -> None:
    Acknowledgement.objects.filter(user=world.partner).delete()
    _seed_notes(world, "Vertrouwelijke fictieve notitie")
    client = signed_in_client(world.partner)
    url = reverse("live_notes:meeting", args=[world.meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Vertrouwelijkheidsverklaring" in page.content.decode()
    assert b"Vertrouwelijke fictieve notitie" not in page.content
    assert b"data-live-notes" not in page.content

    ack = reverse("live_notes:acknowledge", args=[world.meeting.pk])
    refused = client.post(ack, {})
    assert refused.status_code == 400
    assert not Acknowledgement.objects.filter(user=world.partner).exists()
    assert client.post(ack, {"confirm": "yes"}).status_code == 302
    assert Acknowledgement.objects.filter(user=world.partner, meeting=world.meeting).exists()

    page = client.get(url).content.decode()
    assert "data-live-notes" in page
    assert 'data-can-edit="true"' in page
    assert "Vertrouwelijke fictieve notitie" in page  # the read-only fallback copy
    assert 'src="/static/live_notes/live-notes.js"' in page
    assert "<script>" not in page  # configuration travels in data- attributes and json_script


def test_break_glass_reader_gets_a_read_only_page(world) -> None:
    page = signed_in_client(world.privacy).get(
        reverse("live_notes:meeting", args=[world.meeting.pk])
    )
    assert page.status_code == 200
    assert 'data-can-edit="false"' in page.content.decode()
    finalise = signed_in_client(world.privacy).get(
        reverse("live_notes:finalise", args=[world.meeting.pk])
    )
    assert finalise.status_code == 404


def test_finalising_fixes_hashed_minutes_and_creates_the_actions(world) -> None:
    _seed_notes(world, "Afspraak: CAW plant een huisbezoek.\nSchool volgt op.")
    goal = plans.goal_add(
        actor=world.director, case=world.case, domain="safety", description="Veiligheid thuis"
    )
    client = signed_in_client(world.director)
    url = reverse("live_notes:finalise", args=[world.meeting.pk])
    assert client.get(url).status_code == 200
    data = {
        "actie-TOTAL_FORMS": "3",
        "actie-INITIAL_FORMS": "0",
        "actie-MIN_NUM_FORMS": "0",
        "actie-MAX_NUM_FORMS": "1000",
        "actie-0-goal": str(goal.pk),
        "actie-0-description": "Huisbezoek plannen",
        "actie-0-organisation": str(world.partner_org.pk),
        "actie-0-responsible": str(world.partner.pk),
        "actie-0-due_date": "2030-02-01",
        # untouched rows stay empty and are skipped
        "actie-1-goal": "",
        "actie-1-organisation": "",
        "actie-2-goal": "",
        "actie-2-organisation": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    world.meeting.refresh_from_db()
    assert world.meeting.status == MeetingStatus.FINALISED
    minutes = Minutes.objects.get(meeting=world.meeting)
    assert "CAW plant een huisbezoek." in minutes.html
    assert hashlib.sha256(minutes.html.encode()).hexdigest() == minutes.html_sha256
    assert hashlib.sha256(bytes(minutes.pdf)).hexdigest() == minutes.pdf_sha256
    assert bytes(minutes.pdf).startswith(b"%PDF")
    action = Action.objects.get(goal=goal)
    assert action.description == "Huisbezoek plannen"
    assert action.organisation == world.partner_org
    assert action.responsible == world.partner
    assert action.due_date == datetime.date(2030, 2, 1)
    entry = TimelineEntry.objects.get(case=world.case, kind="network_meeting")
    assert "Verslag afgerond" in entry.body
    assert minutes.pdf_sha256 not in entry.body  # the hash is in the minutes' details only
    assert AuditEvent.objects.filter(
        action=AuditAction.CASE_CHANGED, extra__change="meeting_finalised"
    ).exists()

    page = client.get(reverse("live_notes:meeting", args=[world.meeting.pk])).content.decode()
    assert minutes.pdf_sha256 in page and minutes.html_sha256 in page
    assert "data-live-notes" not in page  # no editor any more
    pdf = client.get(reverse("live_notes:minutes_pdf", args=[world.meeting.pk]))
    assert pdf.status_code == 200 and pdf.content == bytes(minutes.pdf)

    # Immutable: a second finalise is refused, and the row cannot be saved again.
    with pytest.raises(ValueError):
        minutes.save()
    assert client.get(url).status_code == 404


def test_finalise_is_all_or_nothing(world) -> None:
    _seed_notes(world, "Notitie")
    with pytest.raises(Exception):  # noqa: B017 - action_add's ValidationError
        meeting_finalise(
            actor=world.director,
            meeting_id=world.meeting.pk,
            actions=[
                AgreedAction(
                    goal_id=999_999,
                    description="Bestaat niet",
                    organisation_id=world.partner_org.pk,
                    responsible=None,
                    due_date=None,
                )
            ],
        )
    world.meeting.refresh_from_db()
    assert world.meeting.status != MeetingStatus.FINALISED
    assert not Minutes.objects.exists()
    assert not Goal.objects.exists()


def test_only_the_director_finalises(world) -> None:
    response = signed_in_client(world.partner).get(
        reverse("live_notes:finalise", args=[world.meeting.pk])
    )
    assert response.status_code == 404


def test_compaction_command_folds_long_logs(world) -> None:
    from django.core.management import call_command

    from collaboration.live_notes.models import NoteSnapshot

    for word in ("een ", "twee ", "drie"):
        _seed_notes(world, word)
    before = document.plain_text(document.stored_update(world.meeting.pk))
    call_command("compact_live_notes", "--min", "3")
    assert not NoteUpdate.objects.filter(snapshot__isnull=True).exists()
    assert NoteSnapshot.objects.filter(meeting=world.meeting).count() == 1
    assert document.plain_text(document.stored_update(world.meeting.pk)) == before


def test_director_prepares_agenda_attendance_and_starts_the_meeting(world) -> None:
    from collaboration.live_notes.models import AgendaItem, Attendance
    from collaboration.models import FamilyMember

    child = FamilyMember.objects.create(
        case=world.case, name="Fictief Kind", family_role="child", birth_year=2015
    )
    client = signed_in_client(world.director)
    url = reverse("live_notes:prepare", args=[world.meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "agenda": "Welkom\n\nAfspraken",
            "started": "on",
            f"person_{world.partner.pk}": "apologies",
            f"person_{world.director.pk}": "present",
            "family": [str(child.pk)],
        },
    )
    assert response.status_code == 302
    world.meeting.refresh_from_db()
    assert world.meeting.status == MeetingStatus.LIVE
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Welkom", "Afspraken"]
    rows = {
        (a.user_id, a.family_member_id): (a.status, a.organisation_id)
        for a in Attendance.objects.all()
    }
    assert rows[(world.partner.pk, None)] == ("apologies", world.partner_org.pk)
    assert rows[(world.director.pk, None)][0] == "present"
    assert rows[(None, child.pk)][0] == "present"
    page = client.get(reverse("live_notes:meeting", args=[world.meeting.pk])).content.decode()
    assert "Verontschuldigd" in page and "Afspraken" in page
    # Partners may not prepare.
    assert signed_in_client(world.partner).get(url).status_code == 404


def test_updates_committed_together_share_one_audit_record(world) -> None:
    from pycrdt import Doc, Text

    from collaboration.live_notes.services import notes_updates_append
    from collaboration.selectors.meetings import meeting_access

    doc = Doc()
    text = doc.get(document.TEXT_NAME, type=Text)
    updates = []
    for char in "abc":
        before = doc.get_state()
        text += char
        updates.append(doc.get_update(before))
    access = meeting_access(user=world.director, meeting_id=world.meeting.pk)
    ids = notes_updates_append(access=access, device="d", connection_id="c", updates=updates)
    assert len(ids) == 3 and len(set(ids)) == 3
    events = AuditEvent.objects.filter(action=AuditAction.LIVE_NOTES_UPDATED)
    assert events.count() == 1
    assert events.get().extra["update_ids"] == ids
    assert document.plain_text(document.stored_update(world.meeting.pk)) == "abc"
