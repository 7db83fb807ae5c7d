"""Reads about organisations and invitations that need no case: the open invitation behind a
token and the addresses of an organisation's admins."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone

from .models import Invitation, Membership, Organisation, Role


def token_digest(token: str) -> str:
    """What an invitation stores instead of its token."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The open, unexpired invitation behind ``token``, or None."""
    return (
        Invitation.objects.select_related("organisation")
        .filter(
            token_hash=token_digest(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def admin_addresses(organisation: Organisation, *, exclude: Any = None) -> list[str]:
    """The active admins of ``organisation`` (one address each)."""
    admins = Membership.objects.filter(
        organisation=organisation, role=Role.ORGANISATION_ADMIN, is_active=True
    ).filter(user__is_active=True)
    if exclude is not None:
        admins = admins.exclude(user=exclude)
    return sorted(set(admins.values_list("user__email", flat=True)))
