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
"""

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


def _admin_addresses(organisation: Organisation, *, exclude: Any = None) -> list[str]:
    """The active admins of ``organisation`` (one address each)."""
    admins = Membership.objects.filter(
        organisation=organisation, role=Role.ORGANISATION_ADMIN, is_active=True
    ).filter(user__is_active=True)
    if exclude is not None:
        admins = admins.exclude(user=exclude)
    return sorted(set(admins.values_list("user__email", flat=True)))


def _mail_admins(*, organisation: Organisation, subject: str, body: str, exclude: Any) -> None:
    """One e-mail per admin after commit; people and roles only, never case content."""
    recipients = _admin_addresses(organisation, exclude=exclude)
    if not recipients:
        return

    def send() -> None:
        for address in recipients:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)

    transaction.on_commit(send)


def _members_link() -> str:
    return getattr(settings, "PORTAL_BASE_URL", "").rstrip("/") + reverse("collaboration:members")


def _grant(*, invitation: Invitation, account: Any, granted_by: Any) -> Membership:
    """Create (or reactivate) the membership and tell the organisation's admins."""
    membership, _created = Membership.objects.update_or_create(
        user=account,
        organisation=invitation.organisation,
        role=invitation.role,
        defaults={"is_active": True},
    )
    organisation = invitation.organisation
    _mail_admins(
        organisation=organisation,
        exclude=account,
        subject=_("Nieuw lid van %(organisation)s in het samenwerkingsportaal")
        % {"organisation": organisation.name},
        body=_(
            "Goeddag,\n\n"
            "%(name)s (%(email)s) is nu lid van %(organisation)s in het samenwerkingsportaal "
            "van Veilig Huis, met de rol %(role)s. Toegekend door: %(by)s.\n\n"
            "Kent u deze persoon niet, of hoort die rol niet bij hem of haar? Deactiveer het "
            "lidmaatschap dan meteen:\n%(link)s"
        )
        % {
            "name": account.full_name,
            "email": account.email,
            "organisation": organisation.name,
            "role": Role(invitation.role).label,
            "by": granted_by.full_name or granted_by.email,
            "link": _members_link(),
        },
    )
    return membership


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
    if needs_approval and not _admin_addresses(organisation):
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
    """Create the account (or use the signed-in account with the invited address) and, when the
    invitation speaks for the organisation, the membership; otherwise the acceptance waits for
    an admin of the organisation. The caller signs the new user in; the middleware then
    demands enrolment."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise NotFoundOrNotAllowed
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "invited_by")
            .get(pk=invitation.pk)
        )
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise NotFoundOrNotAllowed
        existing = User.objects.filter(email__iexact=invitation.email).first()
        if (user is not None and user.pk == invitation.invited_by_id) or (
            existing is not None and existing.pk == invitation.invited_by_id
        ):
            raise ValidationError(
                _("Een uitnodiging die u zelf verstuurde, kunt u niet aanvaarden.")
            )
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
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = account
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        if invitation.needs_approval:
            _ask_admins_to_approve(invitation=invitation, account=account)
        else:
            _grant(invitation=invitation, account=account, granted_by=invitation.invited_by)
        record_event(
            action=AuditAction.INVITATION_ACCEPTED,
            actor=account,
            organisation=invitation.organisation.name,
            role=invitation.role,
            object_type="invitation",
            object_id=invitation.pk,
            extra={"awaiting_approval": invitation.needs_approval},
        )
    return account


def _ask_admins_to_approve(*, invitation: Invitation, account: Any) -> None:
    organisation = invitation.organisation
    _mail_admins(
        organisation=organisation,
        exclude=account,
        subject=_("Een nieuw lid van %(organisation)s wacht op uw goedkeuring")
        % {"organisation": organisation.name},
        body=_(
            "Goeddag,\n\n"
            "%(by)s nodigde %(name)s (%(email)s) uit als %(role)s van %(organisation)s in het "
            "samenwerkingsportaal van Veilig Huis. Die persoon krijgt pas toegang nadat een "
            "beheerder van %(organisation)s dat goedkeurt:\n%(link)s"
        )
        % {
            "by": invitation.invited_by.full_name or invitation.invited_by.email,
            "name": account.full_name,
            "email": account.email,
            "role": Role(invitation.role).label,
            "organisation": organisation.name,
            "link": _members_link(),
        },
    )


def pending_approvals(actor: Any) -> Any:
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
        membership = _grant(invitation=invitation, account=account, granted_by=actor)
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
