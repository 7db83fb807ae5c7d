"""Authentication events into the audit trail (sign-in, codes, lockout, devices, sign-out).

Connected in ``SecurityConfig.ready``. Only identifiers are recorded, never passwords or codes.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.signals import user_verified

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event

SECOND_FACTOR_SENDER = "portal.security.lockout"


@receiver(user_logged_in, dispatch_uid="audit.sign_in")
def on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(
        action=AuditAction.SIGN_IN_SUCCEEDED, actor=user, object_type="user", object_id=user.pk
    )


@receiver(user_login_failed, dispatch_uid="audit.sign_in_failed")
def on_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")[:254]
    if sender == SECOND_FACTOR_SENDER:
        action = AuditAction.SECOND_FACTOR_FAILED
    else:
        action = AuditAction.SIGN_IN_FAILED
    record_event(action=action, outcome=Outcome.DENIED, actor_label=username, object_type="user")


@receiver(user_verified, dispatch_uid="audit.second_factor")
def on_second_factor(sender: Any, request: Any, user: Any, device: Any, **kwargs: Any) -> None:
    record_event(
        action=AuditAction.SECOND_FACTOR_SUCCEEDED,
        actor=user,
        object_type="device",
        object_id=getattr(device, "persistent_id", ""),
    )


@receiver(user_locked_out, dispatch_uid="audit.locked_out")
def on_locked_out(
    sender: Any,
    request: Any,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    record_event(
        action=AuditAction.LOCKED_OUT,
        outcome=Outcome.DENIED,
        actor_label=str(username or "")[:254],
        object_type="user",
    )


@receiver(user_logged_out, dispatch_uid="audit.sign_out")
def on_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(
            action=AuditAction.SIGNED_OUT, actor=user, object_type="user", object_id=user.pk
        )


@receiver(post_save, sender=TOTPDevice, dispatch_uid="audit.device_saved")
def on_device_saved(
    sender: Any, instance: TOTPDevice, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    # Enrolment creates the device unconfirmed or confirmed depending on the flow; record the
    # moment it becomes usable. Routine saves (throttling, last_t) carry update_fields.
    if instance.confirmed and (created or (update_fields and "confirmed" in update_fields)):
        record_event(
            action=AuditAction.DEVICE_ADDED,
            actor=instance.user,
            object_type="device",
            object_id=instance.persistent_id,
        )


@receiver(post_delete, sender=TOTPDevice, dispatch_uid="audit.device_deleted")
def on_device_deleted(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    record_event(
        action=AuditAction.DEVICE_REMOVED,
        actor=instance.user,
        object_type="device",
        object_id=instance.persistent_id,
    )
