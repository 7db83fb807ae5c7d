"""One request on a meeting page, one access record: the view reads the meeting through
``selectors.meetings.meeting_access`` and the service it calls checks the right without
recording a second read (a finalise POST used to write two)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from collaboration.live_notes.models import Acknowledgement
from collaboration.services import plans
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent

from .world import build_world, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> Any:
    return build_world()


def _reads_written_by(request: Callable[[], Any]) -> tuple[Any, list[AuditEvent]]:
    """The response and the access (2xx: reading case data) records the request wrote."""
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = request()
    reads = list(
        AuditEvent.objects.filter(id__gt=last, action__gte=200, action__lt=300).order_by("id")
    )
    return response, reads


def _formset(goal_id: int, organisation_id: int) -> dict[str, str]:
    return {
        "actie-TOTAL_FORMS": "1",
        "actie-INITIAL_FORMS": "0",
        "actie-MIN_NUM_FORMS": "0",
        "actie-MAX_NUM_FORMS": "1000",
        "actie-0-goal": str(goal_id),
        "actie-0-description": "Huisbezoek plannen",
        "actie-0-organisation": str(organisation_id),
        "actie-0-responsible": "",
        "actie-0-due_date": "",
    }


def test_finalise_page_and_post_and_minutes_download_write_one_access_record_each(
    world: Any,
) -> None:
    goal = plans.goal_add(
        actor=world.director, case=world.case, domain="safety", description="Veiligheid thuis"
    )
    client = signed_in_client(world.director)
    meeting_id = world.meeting.pk
    url = reverse("live_notes:finalise", args=[meeting_id])

    page, reads = _reads_written_by(lambda: client.get(url))
    assert page.status_code == 200
    assert [(r.action, r.object_type, r.object_id, r.purpose) for r in reads] == [
        (AuditAction.CASE_VIEWED, "meeting", str(meeting_id), "finalise")
    ]

    posted, reads = _reads_written_by(
        lambda: client.post(url, _formset(goal.pk, world.partner_org.pk))
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    assert [(r.action, r.object_type, r.object_id, r.purpose) for r in reads] == [
        (AuditAction.CASE_VIEWED, "meeting", str(meeting_id), "finalise")
    ]
    # the changes are still each recorded: the action, the timeline entry, the finalising
    changes = AuditEvent.objects.filter(
        id__gt=reads[0].id, action=AuditAction.CASE_CHANGED
    ).values_list("extra__change", flat=True)
    assert sorted(changes) == ["action_added", "meeting_finalised", "timeline_entry"]

    pdf, reads = _reads_written_by(
        lambda: client.get(reverse("live_notes:minutes_pdf", args=[meeting_id]))
    )
    assert pdf.status_code == 200
    assert [(r.action, r.object_id, r.purpose) for r in reads] == [
        (AuditAction.DOCUMENT_DOWNLOADED, str(meeting_id), "minutes_pdf")
    ]


def test_prepare_and_acknowledge_posts_write_one_access_record_each(world: Any) -> None:
    meeting_id = world.meeting.pk
    director = signed_in_client(world.director)
    posted, reads = _reads_written_by(
        lambda: director.post(
            reverse("live_notes:prepare", args=[meeting_id]), {"agenda": "Welkom\nAfspraken"}
        )
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    assert [(r.object_id, r.purpose) for r in reads] == [(str(meeting_id), "prepare")]

    Acknowledgement.objects.filter(user=world.partner, meeting_id=meeting_id).delete()
    partner = signed_in_client(world.partner)
    posted, reads = _reads_written_by(
        lambda: partner.post(
            reverse("live_notes:acknowledge", args=[meeting_id]), {"confirm": "yes"}
        )
    )
    assert posted.status_code == 302
    assert [(r.object_id, r.purpose) for r in reads] == [(str(meeting_id), "acknowledge")]
    assert AuditEvent.objects.filter(
        action=AuditAction.CASE_CHANGED, extra__change="confidentiality_acknowledged"
    ).exists()


def test_a_participant_finalise_post_is_not_found_after_one_access_record(world: Any) -> None:
    client = signed_in_client(world.partner)  # a participant, not the case director
    posted, reads = _reads_written_by(
        lambda: client.post(reverse("live_notes:finalise", args=[world.meeting.pk]), {})
    )
    assert posted.status_code == 404
    assert [(r.object_id, r.purpose) for r in reads] == [(str(world.meeting.pk), "finalise")]
    world.meeting.refresh_from_db()
    assert world.meeting.status != "finalised"
