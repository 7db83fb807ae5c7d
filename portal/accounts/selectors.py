"""Reads of a person's own account: their second-factor devices.

The account pages show only the signed-in person's own devices, so nothing here is recorded in
the audit trail (sign-ins and device changes are, by ``portal.accounts.signals`` and the
services).
"""

from __future__ import annotations

from typing import Any

import django_otp
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_devices(user: Any) -> list[Any]:
    """Every confirmed second factor of ``user`` (none for an anonymous user)."""
    if not user or not getattr(user, "is_authenticated", False):
        return []
    return list(django_otp.devices_for_user(user, confirmed=True))


def is_backup_codes(device: Any) -> bool:
    """Whether ``device`` is the set of backup codes rather than an authenticator app."""
    return isinstance(device, StaticDevice)


def authenticator_apps(user: Any) -> QuerySet[TOTPDevice]:
    """The confirmed authenticator apps of ``user`` (lazy: the page iterates them)."""
    apps: QuerySet[TOTPDevice] = TOTPDevice.objects.filter(user=user, confirmed=True)
    return apps


def backup_codes_left(user: Any, *, confirmed_only: bool = False) -> int:
    """How many unused backup codes ``user`` has (0 without a set of codes)."""
    devices = StaticDevice.objects.filter(user=user)
    if confirmed_only:
        devices = devices.filter(confirmed=True)
    static = devices.first()
    return static.token_set.count() if static else 0
