"""Membership is granted by the organisation itself (issue 12, item 4).

The attack: a coordinator invited their own address into the police, accepted, and read a
police-only timeline entry. Now nobody invites themselves or accepts their own invitation, a
coordinator's invitation into another organisation gives no access until an admin of that
organisation approves it, and those admins are mailed (without case content) about every
approval that waits and every new member.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collaboration.access import actor_profile
from collaboration.models import Invitation, Membership, Role, Visibility
from collaboration.services import timeline
from collaboration.services.members import _hash
from portal.accounts.models import User
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from tests.factories.legal_bases import standing_basis
from tests.factories.people import PASSWORD

pytestmark = pytest.mark.django_db

POLICE_ONLY = "Proces-verbaal alleen voor politie"


def _police_admin(world: Any, make_user: Callable[..., Any], email: str) -> Any:
    admin = make_user(email=email, full_name="Bea Beheer")
    Membership.objects.create(user=admin, organisation=world.police, role=Role.ORGANISATION_ADMIN)
    return admin


def _police_only_entry(world: Any) -> None:
    timeline.timeline_entry_add(
        actor=world.police_partner,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        kind="note",
        occurred_on=timezone.localdate(),
        title=POLICE_ONLY,
        visibility=Visibility.AUDIENCE,
        sectors=["police"],
    )


def _invite(client: Client, capture: Any, email: str, organisation: Any, role: str = "partner"):
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(
            reverse("collaboration:invite"),
            {"email": email, "organisation": organisation.pk, "role": role},
        )
    return response


def _link(email: str) -> str:
    message = next(m for m in mail.outbox if m.to == [email])
    return re.search(r"/account/uitnodiging/[^/\s]+/", message.body).group(0)


def _accept(client: Client, link: str, capture: Any, name: str = "Nieuwe Agent") -> Any:
    mail.outbox.clear()
    with capture(execute=True):
        return client.post(link, {"full_name": name, "password1": PASSWORD, "password2": PASSWORD})


def _case_page(client: Client, world: Any) -> str:
    return client.get(
        reverse("collaboration:case_detail", args=[world.case.reference])
    ).content.decode()


def test_nobody_invites_themselves(
    world: Any, verified_client: Callable[..., Client], django_capture_on_commit_callbacks: Any
) -> None:
    coordinator = verified_client(world.coordinator)
    for address in (world.coordinator.email, world.coordinator.email.upper()):
        response = _invite(coordinator, django_capture_on_commit_callbacks, address, world.vh)
        assert response.status_code == 200
        assert "U kunt uzelf niet uitnodigen." in response.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox


def test_nobody_accepts_an_invitation_they_sent(
    world: Any, verified_client: Callable[..., Client], django_capture_on_commit_callbacks: Any
) -> None:
    """An existing user invited by themselves (the address changed after sending, or a link to
    a new address opened while signed in as the inviter): refused, nothing granted."""
    coordinator = verified_client(world.coordinator)
    before = set(Membership.objects.filter(user=world.coordinator).values_list("pk", flat=True))
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        email=world.coordinator.email,
        organisation=world.vh,
        role=Role.PRIVACY_OFFICER,
        token_hash=_hash(token),
        invited_by=world.coordinator,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    response = _accept(
        coordinator, f"/account/uitnodiging/{token}/", django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert "Een uitnodiging die u zelf verstuurde" in response.content.decode()
    # a link to a fresh address, opened by its own sender while signed in
    _invite(coordinator, django_capture_on_commit_callbacks, "alias@prive.example", world.vh)
    response = _accept(
        coordinator, _link("alias@prive.example"), django_capture_on_commit_callbacks
    )
    assert "Een uitnodiging die u zelf verstuurde" in response.content.decode()
    assert not User.objects.filter(email="alias@prive.example").exists()
    assert (
        set(Membership.objects.filter(user=world.coordinator).values_list("pk", flat=True))
        == before
    )
    assert not Invitation.objects.filter(accepted_at__isnull=False).exists()


def test_coordinator_invitation_into_the_police_waits_for_a_police_admin(
    world: Any,
    make_user: Callable[..., Any],
    verified_client: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    admin = _police_admin(world, make_user, "beheer@politie-test.example")
    second_admin = _police_admin(world, make_user, "beheer2@politie-test.example")
    coordinator = verified_client(world.coordinator)
    response = _invite(coordinator, capture, "agent@politie-test.example", world.police)
    assert response.status_code == 302
    assert Invitation.objects.get().needs_approval
    newcomer = Client()
    assert _accept(newcomer, _link("agent@politie-test.example"), capture).status_code == 302
    agent = User.objects.get(email="agent@politie-test.example")

    # accepted, but no membership and so no access of any kind
    assert not Membership.objects.filter(user=agent).exists()
    assert not actor_profile(agent).is_member
    agent_client = verified_client(agent)
    assert agent_client.get(reverse("collaboration:referral_create")).status_code == 404
    # both police admins are asked to approve, without case content
    asked = {address for m in mail.outbox for address in m.to}
    assert asked == {admin.email, second_admin.email}
    assert all(world.case.reference not in m.body and "goedkeur" in m.body for m in mail.outbox)

    invitation = Invitation.objects.get()
    approve = reverse("collaboration:invitation_approve", args=[invitation.pk])
    # neither the inviting coordinator, nor the invitee, nor a police partner can approve
    for who in (coordinator, agent_client, verified_client(world.police_partner)):
        assert who.get(approve).status_code == 404
        assert who.post(approve).status_code == 404
    assert not Membership.objects.filter(user=agent).exists()

    admin_client = verified_client(admin)
    members = admin_client.get(reverse("collaboration:members")).content.decode()
    assert "agent@politie-test.example" in members and approve in members
    assert admin_client.get(approve).status_code == 200
    mail.outbox.clear()
    with capture(execute=True):
        assert admin_client.post(approve).status_code == 302
    membership = Membership.objects.get(user=agent, organisation=world.police, is_active=True)
    assert membership.role == Role.PARTNER
    assert actor_profile(agent).is_member
    assert agent_client.get(reverse("collaboration:referral_create")).status_code == 200
    # every admin is told of the new member (the approving one too), no case content
    told = {address for m in mail.outbox for address in m.to}
    assert told == {admin.email, second_admin.email}
    assert all("agent@politie-test.example" in m.body for m in mail.outbox)
    assert all(world.case.reference not in m.body for m in mail.outbox)
    assert AuditEvent.objects.filter(action=AuditAction.MEMBER_APPROVED, actor=admin).count() == 1
    # decided once: the link is gone
    assert admin_client.post(approve).status_code == 404


def test_a_refused_membership_never_gives_access(
    world: Any,
    make_user: Callable[..., Any],
    verified_client: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    admin = _police_admin(world, make_user, "beheer@politie-test.example")
    _invite(verified_client(world.coordinator), capture, "x@politie-test.example", world.police)
    _accept(Client(), _link("x@politie-test.example"), capture)
    invitation = Invitation.objects.get()
    admin_client = verified_client(admin)
    assert (
        admin_client.post(
            reverse("collaboration:invitation_refuse", args=[invitation.pk])
        ).status_code
        == 302
    )
    assert (
        admin_client.post(
            reverse("collaboration:invitation_approve", args=[invitation.pk])
        ).status_code
        == 404
    )
    assert not Membership.objects.filter(user__email="x@politie-test.example").exists()


def test_the_original_attack_fails(
    world: Any,
    make_user: Callable[..., Any],
    verified_client: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Coordinator into the police: not with their own address, and not with a second address
    of theirs either (that account waits for the police and sees nothing)."""
    capture = django_capture_on_commit_callbacks
    _police_admin(world, make_user, "beheer@politie-test.example")
    _police_only_entry(world)
    coordinator = verified_client(world.coordinator)
    assert POLICE_ONLY not in _case_page(coordinator, world)

    response = _invite(coordinator, capture, world.coordinator.email, world.police)
    assert "U kunt uzelf niet uitnodigen." in response.content.decode()
    assert POLICE_ONLY not in _case_page(coordinator, world)

    _invite(coordinator, capture, "sara.prive@example.org", world.police, role=Role.PARTNER)
    link = _link("sara.prive@example.org")
    assert (
        "Een uitnodiging die u zelf verstuurde"
        in _accept(coordinator, link, capture).content.decode()
    )
    alias_browser = Client()
    assert _accept(alias_browser, link, capture).status_code == 302
    alias = User.objects.get(email="sara.prive@example.org")
    alias_client = verified_client(alias)
    assert (
        alias_client.get(
            reverse("collaboration:case_detail", args=[world.case.reference])
        ).status_code
        == 404
    )
    assert POLICE_ONLY not in _case_page(coordinator, world)
    assert not Membership.objects.filter(
        user__in=[alias, world.coordinator], organisation=world.police
    ).exists()


def test_an_admin_grants_their_own_organisation_at_once_and_the_admins_are_told(
    world: Any,
    make_user: Callable[..., Any],
    verified_client: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    admin = _police_admin(world, make_user, "beheer@politie-test.example")
    colleague = _police_admin(world, make_user, "beheer2@politie-test.example")
    response = _invite(verified_client(admin), capture, "nieuw@politie-test.example", world.police)
    assert response.status_code == 302
    assert not Invitation.objects.get().needs_approval
    _accept(Client(), _link("nieuw@politie-test.example"), capture)
    assert Membership.objects.filter(
        user__email="nieuw@politie-test.example", organisation=world.police, is_active=True
    ).exists()
    told = {address for m in mail.outbox for address in m.to}
    assert told == {admin.email, colleague.email}
    assert all("nieuw@politie-test.example" in m.body for m in mail.outbox)


def test_a_coordinator_cannot_invite_into_an_organisation_without_an_admin(
    world: Any, verified_client: Callable[..., Client], django_capture_on_commit_callbacks: Any
) -> None:
    """Nobody could approve it: refused at once, in Dutch, instead of waiting for ever."""
    response = _invite(
        verified_client(world.coordinator),
        django_capture_on_commit_callbacks,
        "iemand@caw-test.example",
        world.caw,
    )
    assert response.status_code == 200
    assert "geen beheerder" in response.content.decode()
    assert not Invitation.objects.exists()
