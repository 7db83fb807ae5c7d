"""People: invitations by e-mail (an expiring link to account creation; the second-factor
enrolment then follows from ``portal.security.policy``) and deactivation of a member, which ends
their sessions and live connections at once."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.audit.events import AuditAction
from portal.audit.writer import record_event
from portal.security.sockets import close_user_sockets

from ..access import NotFoundOrNotAllowed, actor_profile
from ..models import CaseParticipant, Invitation, Membership, Organisation, Role

INVITATION_DAYS = 7


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_manage(actor: Any, organisation: Organisation) -> bool:
    """Coordinators manage people in their region; organisation admins in their organisation."""
    profile = actor_profile(actor)
    return (
        organisation.region in profile.coordinator_regions
        or organisation.pk in profile.admin_organisation_ids
    )


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
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        organisation=organisation,
        role=role,
        token_hash=_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
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
        )
        link = reverse("accounts:invitation_accept", args=[token])
        transaction.on_commit(lambda: _send_invitation_mail(email=email, link=link))
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    """The open, unexpired invitation behind ``token``, or None."""
    return (
        Invitation.objects.select_related("organisation")
        .filter(
            token_hash=_hash(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def invitation_accept(
    *, token: str, full_name: str, password: str, user: Any | None = None
) -> User:
    """Create the account (or use the signed-in account with the invited address) and the
    membership. The caller signs the new user in; the middleware then demands enrolment."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise NotFoundOrNotAllowed
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise NotFoundOrNotAllowed
        existing = User.objects.filter(email__iexact=invitation.email).first()
        if existing is not None:
            if user is None or user.pk != existing.pk:
                raise ValidationError(
                    _(
                        "Er bestaat al een account met dit e-mailadres. Meld u eerst aan en "
                        "open de link daarna opnieuw."
                    )
                )
            account = existing
        else:
            if not full_name.strip():
                raise ValidationError({"full_name": _("Vul uw naam in.")})
            account = User(
                email=invitation.email,
                full_name=full_name.strip(),
                origin=User.Origin.INVITATION,
                email_verified_at=timezone.now(),
            )
            validate_password(password, account)
            account.set_password(password)
            account.full_clean()
            account.save()
        Membership.objects.update_or_create(
            user=account,
            organisation=invitation.organisation,
            role=invitation.role,
            defaults={"is_active": True},
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = account
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        record_event(
            action=AuditAction.INVITATION_ACCEPTED,
            actor=account,
            organisation=invitation.organisation.name,
            role=invitation.role,
            object_type="invitation",
            object_id=invitation.pk,
        )
    return account


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
