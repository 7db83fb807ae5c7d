"""Removing a professional or a family member from a case with a reason (issue 15 item 1): by
the case director or a coordinator of the region. Rows stay: a removed participant loses access
at once (the same 404 as a case that does not exist; their live sockets are told to close), a
removed family member leaves the current lists; both are listed on the case page as
"Verwijderd op <datum> door <naam>: <reden>". Anyone else gets the same 404 as for nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import CaseParticipant, FamilyMember
from collaboration.services import cases
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.security.sockets import user_group
from tests.factories.legal_bases import standing_basis

pytestmark = pytest.mark.django_db

REASON = "Geen rol meer in de begeleiding"
MEMBER_NAME = "Mila Fictiefnaam"


def _page(client: Client, world: Any) -> str:
    response = client.get(reverse("collaboration:case_detail", args=[world.case.reference]))
    return response.content.decode() if response.status_code == 200 else ""


def _not_found_body(client: Client) -> bytes:
    return client.get(reverse("collaboration:case_detail", args=["VH-OVL-1999-9999"])).content


def _participant(world: Any, user: Any) -> CaseParticipant:
    return CaseParticipant.objects.get(case=world.case, user=user)


def _member(world: Any) -> FamilyMember:
    return FamilyMember.objects.create(
        case=world.case, name=MEMBER_NAME, birth_year=2014, family_role="child"
    )


async def _terminate_sent_on_removal(user_id: int, remove: Callable[[], None]) -> Any:
    """Listen in the user's socket group (as their consumers do, in one event loop), remove,
    and return the first message the group receives."""
    layer = get_channel_layer()
    assert layer is not None
    channel = await layer.new_channel()
    await layer.group_add(user_group(user_id), channel)
    await sync_to_async(remove)()
    return await asyncio.wait_for(layer.receive(channel), timeout=10)


# --- participants ---------------------------------------------------------------------------


def test_director_removes_a_participant_who_loses_access_at_once(
    world: Any, verified_client: Any
) -> None:
    partner = verified_client(world.caw_partner)
    director = verified_client(world.director)
    case_url = reverse("collaboration:case_detail", args=[world.case.reference])
    assert partner.get(case_url).status_code == 200
    participant = _participant(world, world.caw_partner)
    url = reverse("collaboration:participant_remove", args=[world.case.reference, participant.pk])
    assert director.get(url).status_code == 200
    refused = director.post(url, {"reason": "   "})
    assert refused.status_code == 200
    assert "Dit is een verplicht veld." in refused.content.decode()
    assert _participant(world, world.caw_partner).is_active
    assert director.post(url, {"reason": REASON}).status_code == 302

    participant.refresh_from_db()
    assert participant.is_active is False
    assert participant.removed_by == world.director
    assert participant.removal_reason == REASON
    # the removed person's next request: the same 404 as a case that does not exist
    response = partner.get(case_url)
    assert response.status_code == 404
    assert response.content == _not_found_body(partner)
    # case members read who removed them, when and why
    page = _page(verified_client(world.police_partner), world)
    assert f"Verwijderd op {participant.removed_at:%-d}" in page
    assert world.director.full_name in page and REASON in page
    event = AuditEvent.objects.get(action=AuditAction.CASE_PERSON_REMOVED)
    assert event.case_reference == world.case.reference
    assert event.extra["removed_user_id"] == world.caw_partner.pk
    assert REASON not in str(event.extra)  # the reason is case content, not audit metadata
    # removed twice: not found
    assert director.post(url, {"reason": REASON}).status_code == 404


def test_coordinator_may_remove_others_get_not_found(world: Any, verified_client: Any) -> None:
    participant = _participant(world, world.police_partner)
    url = reverse("collaboration:participant_remove", args=[world.case.reference, participant.pk])
    for who in ("caw_partner", "police_partner", "outsider_member", "privacy"):
        client = verified_client(getattr(world, who))
        assert client.get(url).status_code == 404, who
        assert client.post(url, {"reason": REASON}).status_code == 404, who
        with pytest.raises(NotFoundOrNotAllowed):
            cases.participant_remove(
                actor=getattr(world, who),
                case=world.case,
                participant_id=participant.pk,
                reason=REASON,
            )
    assert _participant(world, world.police_partner).is_active
    coordinator = verified_client(world.coordinator)
    assert coordinator.post(url, {"reason": REASON}).status_code == 302
    assert _participant(world, world.police_partner).removed_by == world.coordinator


def test_reason_is_required_and_at_most_2000_characters(world: Any) -> None:
    participant = _participant(world, world.caw_partner)
    for reason in ("", " \n ", "x" * 2001):
        with pytest.raises(ValidationError) as refused:
            cases.participant_remove(
                actor=world.director,
                case=world.case,
                participant_id=participant.pk,
                reason=reason,
            )
        assert "reason" in refused.value.message_dict
    assert _participant(world, world.caw_partner).is_active
    assert not AuditEvent.objects.filter(action=AuditAction.CASE_PERSON_REMOVED).exists()
    cases.participant_remove(
        actor=world.director, case=world.case, participant_id=participant.pk, reason="x" * 2000
    )
    assert not _participant(world, world.caw_partner).is_active


def test_removed_participants_sockets_are_told_to_close_after_commit(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    participant = _participant(world, world.caw_partner)

    def remove() -> None:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            cases.participant_remove(
                actor=world.director, case=world.case, participant_id=participant.pk, reason=REASON
            )
        assert callbacks

    message = async_to_sync(_terminate_sent_on_removal)(world.caw_partner.pk, remove)
    assert message == {"type": "session.terminate"}


def test_adding_a_removed_participant_again_clears_the_removal(world: Any) -> None:
    participant = _participant(world, world.caw_partner)
    cases.participant_remove(
        actor=world.director, case=world.case, participant_id=participant.pk, reason=REASON
    )
    cases.participant_add(
        actor=world.director,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        user=world.caw_partner,
        organisation_id=participant.organisation_id,
        role_in_case="Crisisbegeleiding",
    )
    participant.refresh_from_db()
    assert participant.is_active
    assert participant.removed_at is None and participant.removal_reason == ""


# --- family members -------------------------------------------------------------------------


def test_director_removes_a_family_member_listed_as_removed(
    world: Any, verified_client: Any
) -> None:
    member = _member(world)
    director = verified_client(world.director)
    partner = verified_client(world.caw_partner)
    before = _page(partner, world)
    assert before.count(MEMBER_NAME) == 1
    url = reverse("collaboration:family_remove", args=[world.case.reference, member.pk])
    assert url in _page(director, world)
    assert url not in before  # a participant may not remove
    assert director.get(url).status_code == 200
    assert director.post(url, {"reason": REASON}).status_code == 302

    member.refresh_from_db()
    assert FamilyMember.objects.filter(pk=member.pk).exists()  # not deleted
    assert member.removed_by == world.director and member.removal_reason == REASON
    page = _page(partner, world)
    assert "Verwijderde gezinsleden" in page
    assert page.count(MEMBER_NAME) == 1  # listed once, as removed
    assert f"Verwijderd op {member.removed_at:%-d}" in page and REASON in page
    assert url not in _page(director, world)  # no remove link for a removed member
    event = AuditEvent.objects.get(action=AuditAction.CASE_PERSON_REMOVED)
    assert (event.object_type, event.object_id) == ("family_member", str(member.pk))
    # removed twice: not found
    assert director.post(url, {"reason": REASON}).status_code == 404
    with pytest.raises(NotFoundOrNotAllowed):
        cases.family_member_remove(
            actor=world.director, case=world.case, member_id=member.pk, reason=REASON
        )


def test_family_member_removal_refused_as_not_found_for_others(
    world: Any, verified_client: Any
) -> None:
    member = _member(world)
    url = reverse("collaboration:family_remove", args=[world.case.reference, member.pk])
    for who in ("caw_partner", "police_partner", "outsider_member", "privacy"):
        client = verified_client(getattr(world, who))
        assert client.get(url).status_code == 404, who
        assert client.post(url, {"reason": REASON}).status_code == 404, who
        with pytest.raises(NotFoundOrNotAllowed):
            cases.family_member_remove(
                actor=getattr(world, who), case=world.case, member_id=member.pk, reason=REASON
            )
    with pytest.raises(ValidationError):
        cases.family_member_remove(
            actor=world.coordinator, case=world.case, member_id=member.pk, reason=""
        )
    member.refresh_from_db()
    assert member.removed_at is None
    cases.family_member_remove(
        actor=world.coordinator, case=world.case, member_id=member.pk, reason=REASON
    )
    member.refresh_from_db()
    assert member.removed_by == world.coordinator
