"""Django admin as the security spine allows it (imported by admin autodiscovery).

- The change history (django-auditlog's LogEntry) holds the field values of every tracked case
  model, and reading it there wrote no access record; its search even answered a server error.
  It is not browsable in Django admin at all: case history is read in the case workspace, which
  records the access. No other case-data model is registered (a test checks the whole admin).
- Groups carry permissions, so only superusers change them.
- Second-factor devices hold TOTP keys and backup codes: superusers only, and the key is not
  shown even to them (OTP_ADMIN_HIDE_SENSITIVE_DATA).

The libraries' admin modules are imported first so that their registrations exist here,
whatever order autodiscovery takes.
"""

from __future__ import annotations

import auditlog.admin  # noqa: F401  (registers LogEntry)
import django_otp.plugins.otp_static.admin as static_admin
import django_otp.plugins.otp_totp.admin as totp_admin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .admin_guard import SuperuserChangesOnlyMixin, SuperuserOnlyMixin

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


class GuardedGroupAdmin(SuperuserChangesOnlyMixin, GroupAdmin):
    pass


# django_otp ships no type information: its admin classes are Any to mypy.
class GuardedTOTPDeviceAdmin(SuperuserOnlyMixin, totp_admin.TOTPDeviceAdmin):  # type: ignore[misc]
    pass


class GuardedStaticDeviceAdmin(SuperuserOnlyMixin, static_admin.StaticDeviceAdmin):  # type: ignore[misc]
    pass


for model, model_admin in (
    (Group, GuardedGroupAdmin),
    (TOTPDevice, GuardedTOTPDeviceAdmin),
    (StaticDevice, GuardedStaticDeviceAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
