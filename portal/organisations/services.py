"""Joining an organisation: accepting an invitation, granting the membership it asks for, and
the e-mail (people and roles, never case content) that tells the organisation's admins.

Sending invitations, approving them and deactivating members need the collaboration side's view
of who may manage whom (and a deactivation ends case assignments): those stay in
``collaboration.services.members``, built on these.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.audit.events import AuditAction
from portal.audit.writer import record_event

from .models import Invitation, Membership, Organisation, Role
from .selectors import admin_addresses, invitation_for_token


class InvitationNotFound(Http404):
    """No open invitation behind the token, or one this person may not accept: the same 404."""


def mail_organisation_admins(
    *, organisation: Organisation, subject: str, body: str, exclude: Any
) -> None:
    """One e-mail per admin after commit; people and roles only, never case content."""
    recipients = admin_addresses(organisation, exclude=exclude)
    if not recipients:
        return

    def send() -> None:
        for address in recipients:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)

    transaction.on_commit(send)


def members_link() -> str:
    """The members page, where an admin approves, refuses or deactivates."""
    base = str(getattr(settings, "PORTAL_BASE_URL", "")).rstrip("/")
    return base + reverse("collaboration:members")


def membership_grant(*, invitation: Invitation, account: Any, granted_by: Any) -> Membership:
    """Create (or reactivate) the membership and tell the organisation's admins."""
    membership, _created = Membership.objects.update_or_create(
        user=account,
        organisation=invitation.organisation,
        role=invitation.role,
        defaults={"is_active": True},
    )
    organisation = invitation.organisation
    mail_organisation_admins(
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
            "link": members_link(),
        },
    )
    return membership


def _ask_admins_to_approve(*, invitation: Invitation, account: Any) -> None:
    organisation = invitation.organisation
    mail_organisation_admins(
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
            "link": members_link(),
        },
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
        raise InvitationNotFound
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "invited_by")
            .get(pk=invitation.pk)
        )
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise InvitationNotFound
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
            membership_grant(
                invitation=invitation, account=account, granted_by=invitation.invited_by
            )
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
