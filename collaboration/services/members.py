"""People: invitations by e-mail (an expiring link to account creation; the second-factor
enrolment then follows from ``portal.security.policy``) and deactivation of a member, which ends
their sessions and live connections at once.

Membership is granted by the organisation itself. Nobody invites themselves (not by address, not
by accepting their own invitation). An invitation from an admin of the organisation, or from a
coordinator into the Veilig Huis they coordinate for, gives the role on acceptance; any other
invitation (a coordinator inviting someone into the police, say) creates the account on
acceptance but no membership, and so no access, until an admin of that organisation approves
it. Those admins get an e-mail (no case content) for every approval that waits and for every
new member.

Accepting an invitation and granting the membership it asks for need no case and live on the
ground floor (``portal.organisations.services``); they are re-exported here.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.audit.events import AuditAction
from portal.audit.writer import record_event
from portal.organisations.selectors import admin_addresses, token_digest
from portal.organisations.selectors import invitation_for_token as invitation_for_token
from portal.organisations.services import invitation_accept as invitation_accept
from portal.organisations.services import membership_grant
from portal.security.sockets import close_user_sockets

from ..access import NotFoundOrNotAllowed, actor_profile
from ..models import CaseParticipant, Invitation, Membership, Organisation, Role

INVITATION_DAYS = 7


_hash = token_digest


def may_manage(actor: Any, organisation: Organisation) -> bool:
    """Coordinators manage people in their region; organisation admins in their organisation."""
    profile = actor_profile(actor)
    return (
        organisation.region in profile.coordinator_regions
        or organisation.pk in profile.admin_organisation_ids
    )


def _grants_membership(actor: Any, organisation: Organisation) -> bool:
    """Whether ``actor``'s invitation speaks for ``organisation``: its own admin, or a
    coordinator holding that role in this very organisation (their Veilig Huis)."""
    return Membership.objects.filter(
        user=actor,
        organisation=organisation,
        role__in=(Role.ORGANISATION_ADMIN, Role.COORDINATOR),
        is_active=True,
        organisation__is_active=True,
        user__is_active=True,
    ).exists()


def _send_invitation_mail(*, email: str, link: str) -> None:
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    subject = _("Uitnodiging voor het samenwerkingsportaal van Veilig Huis")
    body = _(
        "Goeddag,\n\n"
        "U bent uitgenodigd om een account aan te maken in het samenwerkingsportaal van "
        "Veilig Huis. De link is %(days)s dagen geldig:\n%(link)s\n\n"
        "Bij het aanmaken stelt u ook een tweede stap in (een authenticator-app).\n"
        "Verwachtte u deze uitnodiging niet? Dan mag u deze e-mail negeren."
    ) % {"days": INVITATION_DAYS, "link": f"{base}{link}"}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=False)


def invitation_send(
    *, actor: Any, email: str, organisation: Organisation, role: str
) -> tuple[Invitation, str]:
    """Invite a person; returns the invitation and the token (only ever sent by e-mail)."""
    if not may_manage(actor, organisation):
        raise NotFoundOrNotAllowed
    profile = actor_profile(actor)
    if role not in Role.values:
        raise ValidationError({"role": _("Kies een rol uit de lijst.")})
    if role in (Role.COORDINATOR, Role.PRIVACY_OFFICER, Role.CASE_DIRECTOR) and (
        organisation.region not in profile.coordinator_regions
    ):
        raise ValidationError({"role": _("Alleen een coördinator kan deze rol toekennen.")})
    email = User.objects.normalize_email(email.strip()).lower()
    if email == (actor.email or "").strip().lower():
        raise ValidationError({"email": _("U kunt uzelf niet uitnodigen.")})
    needs_approval = not _grants_membership(actor, organisation)
    if needs_approval and not admin_addresses(organisation):
        raise ValidationError(
            {
                "organisation": _(
                    "Deze dienst heeft nog geen beheerder in het portaal die nieuwe leden "
                    "goedkeurt. Vraag eerst een beheerder aan te stellen."
                )
            }
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        organisation=organisation,
        role=role,
        token_hash=_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
        needs_approval=needs_approval,
    )
    invitation.full_clean()
    with transaction.atomic():
        invitation.save()
        record_event(
            action=AuditAction.INVITATION_SENT,
            actor=actor,
            organisation=organisation.name,
            role=role,
            object_type="invitation",
            object_id=invitation.pk,
            subject=email,
            extra={"needs_approval": needs_approval},
        )
        link = reverse("accounts:invitation_accept", args=[token])
        transaction.on_commit(lambda: _send_invitation_mail(email=email, link=link))
    return invitation, token


def pending_approvals(actor: Any) -> QuerySet[Invitation]:
    """Accepted invitations that wait for ``actor`` as an admin of their organisation."""
    profile = actor_profile(actor)
    return (
        Invitation.objects.filter(
            organisation_id__in=profile.admin_organisation_ids,
            organisation__is_active=True,
            needs_approval=True,
            accepted_at__isnull=False,
            approved_at__isnull=True,
            revoked_at__isnull=True,
        )
        .exclude(accepted_user=actor)
        .exclude(invited_by=actor)
        .select_related("organisation", "accepted_user", "invited_by")
        .order_by("accepted_at", "id")
    )


def pending_approval_for(actor: Any, invitation_id: int) -> Invitation:
    """One waiting approval ``actor`` may decide, else not found (the same for every refusal)."""
    invitation = pending_approvals(actor).filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFoundOrNotAllowed
    return invitation


def _decide(*, actor: Any, invitation: Invitation) -> Invitation:
    """Lock and re-check a waiting approval: only an admin of the organisation decides, and
    never on their own membership or on an invitation they sent."""
    current = pending_approval_for(actor, invitation.pk)
    locked = (
        # of=self: PostgreSQL locks no row of the nullable side of the accepted_user join
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "accepted_user", "invited_by")
        .get(pk=current.pk)
    )
    if locked.approved_at is not None or locked.revoked_at is not None:
        raise NotFoundOrNotAllowed
    return locked


def invitation_approve(*, actor: Any, invitation: Invitation) -> Membership:
    """An admin of the organisation grants the role the invitation asked for."""
    with transaction.atomic():
        invitation = _decide(actor=actor, invitation=invitation)
        account = invitation.accepted_user
        if account is None or not account.is_active:
            raise NotFoundOrNotAllowed
        invitation.approved_at = timezone.now()
        invitation.decided_by = actor
        invitation.save(update_fields=["approved_at", "decided_by"])
        membership = membership_grant(invitation=invitation, account=account, granted_by=actor)
        record_event(
            action=AuditAction.MEMBER_APPROVED,
            actor=actor,
            organisation=invitation.organisation.name,
            role=invitation.role,
            object_type="membership",
            object_id=membership.pk,
            subject=account.email,
            extra={"invitation": invitation.pk, "invited_by": invitation.invited_by_id},
        )
    return membership


def invitation_refuse(*, actor: Any, invitation: Invitation) -> Invitation:
    """An admin of the organisation refuses: the account stays, without this membership."""
    with transaction.atomic():
        invitation = _decide(actor=actor, invitation=invitation)
        invitation.revoked_at = timezone.now()
        invitation.decided_by = actor
        invitation.save(update_fields=["revoked_at", "decided_by"])
        record_event(
            action=AuditAction.MEMBER_REFUSED,
            actor=actor,
            organisation=invitation.organisation.name,
            role=invitation.role,
            object_type="invitation",
            object_id=invitation.pk,
            subject=invitation.accepted_user.email if invitation.accepted_user else "",
        )
    return invitation


def membership_deactivate(*, actor: Any, membership: Membership) -> Membership:
    """Withdraw a role. The person is signed out everywhere and their live connections close;
    their case assignments for that organisation end."""
    if not may_manage(actor, membership.organisation):
        raise NotFoundOrNotAllowed
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        CaseParticipant.objects.filter(
            user_id=membership.user_id, organisation_id=membership.organisation_id
        ).update(is_active=False)
        person = membership.user
        person.rotate_session_stamp()
        person.save(update_fields=["session_stamp"])
        record_event(
            action=AuditAction.MEMBER_DEACTIVATED,
            actor=actor,
            organisation=membership.organisation.name,
            role=membership.role,
            object_type="membership",
            object_id=membership.pk,
            subject=person.email,
        )
        user_id = person.pk
        transaction.on_commit(lambda: close_user_sockets(user_id))
    return membership
