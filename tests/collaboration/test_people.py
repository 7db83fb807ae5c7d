"""Invitations lead to account creation and then to mandatory second-factor enrolment;
deactivation ends sessions and live connections; the consult inbox is for coordinators."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collaboration.models import (
    ConsultRequest,
    ConsultStatus,
    Invitation,
    Membership,
    Referral,
    Role,
)
from portal.accounts.models import User
from portal.security.once import new_token

pytestmark = pytest.mark.django_db


def _invite(world, verified_client, django_capture_on_commit_callbacks, email="nieuw@caw.example"):
    client = verified_client(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("collaboration:invite"),
            # into the coordinator's own Veilig Huis: granted on acceptance (elsewhere an admin
            # of that organisation approves first, see test_membership_approval.py)
            {"email": email, "organisation": world.vh.pk, "role": Role.CASE_DIRECTOR},
        )
    assert response.status_code == 302
    link = re.search(r"/account/uitnodiging/[^/\s]+/", mail.outbox[-1].body).group(0)
    return link


def test_invitation_creates_account_then_forces_enrolment(
    world, verified_client, django_capture_on_commit_callbacks
) -> None:
    link = _invite(world, verified_client, django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in Invitation.objects.get().token_hash  # only the hash is stored
    client = Client()
    bad = client.post(
        link, {"full_name": "Nieuwe Collega", "password1": "kort", "password2": "kort"}
    )
    assert bad.status_code == 200 and "Er is een probleem" in bad.content.decode()
    assert not User.objects.filter(email="nieuw@caw.example").exists()
    password = "een-heel-lang-wachtwoord-77"
    response = client.post(
        link, {"full_name": "Nieuwe Collega", "password1": password, "password2": password}
    )
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@caw.example")
    assert user.origin == User.Origin.INVITATION
    assert Membership.objects.filter(
        user=user, organisation=world.vh, role=Role.CASE_DIRECTOR
    ).exists()
    # the collaboration area sends the new member to enrolment first
    gate = client.get(reverse("collaboration:home"))
    assert gate.status_code == 302 and gate["Location"].startswith(reverse("two_factor:setup"))
    # the link works once
    assert Client().get(link).status_code == 404


def test_expired_or_unknown_invitation_is_404(
    world, verified_client, django_capture_on_commit_callbacks
) -> None:
    link = _invite(world, verified_client, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert Client().get(link).status_code == 404
    assert Client().get("/account/uitnodiging/verzonnen-token/").status_code == 404


def test_partner_cannot_invite_and_coordinator_cannot_invite_elsewhere(
    world, verified_client
) -> None:
    response = verified_client(world.caw_partner).get(reverse("collaboration:invite"))
    assert response.status_code == 404
    response = verified_client(world.coordinator).post(
        reverse("collaboration:invite"),
        {"email": "x@example.org", "organisation": world.other_caw.pk, "role": Role.PARTNER},
    )
    assert response.status_code == 200  # not one of the choices: error summary
    assert not Invitation.objects.exists()


def test_deactivation_ends_sessions_and_sockets(
    world, verified_client, django_capture_on_commit_callbacks
) -> None:
    victim = verified_client(world.caw_partner)
    url = reverse("collaboration:case_detail", args=[world.case.reference])
    assert victim.get(url).status_code == 200
    membership = Membership.objects.get(user=world.caw_partner)
    with (
        mock.patch("collaboration.services.members.close_user_sockets") as close,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = verified_client(world.coordinator).post(
            reverse("collaboration:membership_deactivate", args=[membership.pk])
        )
    assert response.status_code == 302
    close.assert_called_once_with(world.caw_partner.pk)
    response = victim.get(url)
    assert response.status_code == 302  # signed out everywhere
    assert not world.case.participants.get(user=world.caw_partner).is_active


def test_consult_inbox_answer_close_and_convert(world, verified_client) -> None:
    consult = ConsultRequest.objects.create(
        name="Leerkracht",
        organisation="School",
        email="l@school.example",
        region="oost-vlaanderen",
        question="Fictieve vraag",
    )
    other = ConsultRequest.objects.create(
        name="Elders",
        organisation="School",
        email="e@school.example",
        region="limburg",
        question="Andere regio",
    )
    client = verified_client(world.coordinator)
    inbox = client.get(reverse("collaboration:consult_inbox")).content.decode()
    assert "Leerkracht" in inbox and "Elders" not in inbox
    assert client.get(reverse("collaboration:consult_detail", args=[other.pk])).status_code == 404
    empty = client.post(reverse("collaboration:consult_detail", args=[consult.pk]), {"answer": ""})
    assert "Er is een probleem" in empty.content.decode()
    client.post(reverse("collaboration:consult_detail", args=[consult.pk]), {"answer": "Advies"})
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.ANSWERED and consult.answered_by == world.coordinator
    response = client.post(
        reverse("collaboration:consult_convert", args=[consult.pk]),
        {
            "once": new_token(),
            "organisation": world.vh.pk,
            "family_composition": "Moeder en twee kinderen",
            "violence_forms": ["partner"],
            "life_domains": ["safety"],
            "criterion_complexity": "a",
            "criterion_multiple_domains": "b",
            "criterion_stuck_help": "c",
            "urgency": "normal",
        },
    )
    assert response.status_code == 302
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.CONVERTED
    assert Referral.objects.filter(consult=consult).exists()
    assert (
        verified_client(world.caw_partner).get(reverse("collaboration:consult_inbox")).status_code
        == 404
    )


def test_referral_form_error_summary_and_nothing_saved(world, verified_client) -> None:
    client = verified_client(world.referrer)
    before = Referral.objects.count()
    response = client.post(reverse("collaboration:referral_create"), {"organisation": world.clb.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Er is een probleem" in body and "Vormen van geweld" in body
    assert Referral.objects.count() == before


def test_due_actions_notified_once_without_content(
    world, django_capture_on_commit_callbacks
) -> None:
    from collaboration.models import Notification
    from collaboration.services import plans
    from collaboration.services.notifications import actions_due_notify

    goal = plans.goal_add(
        actor=world.director, case=world.case, domain="housing", description="Dak"
    )
    for days, who in ((1, world.caw_partner), (30, world.police_partner)):
        plans.action_add(
            actor=world.director,
            case=world.case,
            goal_id=goal.pk,
            description="Geheime actie",
            organisation_id=world.caw.pk if who == world.caw_partner else world.police.pk,
            responsible=who,
            due_date=timezone.localdate() + datetime.timedelta(days=days),
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions_due_notify() == 1
        assert actions_due_notify() == 0  # once per action
    assert Notification.objects.filter(kind="action_due", user=world.caw_partner).count() == 1
    assert not Notification.objects.filter(kind="action_due", user=world.police_partner).exists()
    assert len(mail.outbox) == 1 and "Geheime" not in mail.outbox[0].body
