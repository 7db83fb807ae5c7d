"""Changes to a person's own second factor: new backup codes, removing the authenticator app.

Each runs in one transaction with its audit row. Ending the other sessions and closing the
person's sockets follows from the device signals (``portal.accounts.signals``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit.events import AuditAction
from portal.audit.writer import record_event

from .models import User

BACKUP_CODE_COUNT = 10


def user_lock_row(*, user: Any) -> None:
    """Lock ``user``'s row until the surrounding transaction ends, so two enrolments at once
    are decided one after the other."""
    User.objects.select_for_update().filter(pk=user.pk).first()


def backup_codes_renew(*, user: Any) -> tuple[list[str], bool]:
    """Replace ``user``'s backup codes with ``BACKUP_CODE_COUNT`` new ones; returns the codes
    (shown once) and whether this made the set (a new second factor)."""
    with transaction.atomic():
        device, created = StaticDevice.objects.get_or_create(
            user=user, name="backup", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        for code in codes:
            device.token_set.create(token=code)
        record_event(
            action=AuditAction.BACKUP_CODES_RENEWED,
            actor=user,
            object_type="device",
            object_id=device.persistent_id,
        )
    return codes, created


def second_factor_remove(*, user: Any) -> None:
    """Remove ``user``'s authenticator apps and backup codes. Removing a device rotates the
    session stamp and closes the user's sockets (``portal.accounts.signals``): every session
    verified with it ends."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
