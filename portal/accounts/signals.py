"""Whatever changes how a person signs in ends their other sessions and live connections.

Connected in ``AccountsConfig.ready``. These are model signals, not view code, so every path is
covered: our own pages, two_factor's wizard, the Django and Wagtail admins, ``manage.py``:

- a second factor added (a confirmed device created, or an existing one becoming confirmed) or
  removed rotates the person's session stamp, so every session opened before it ends; a session
  opened with a password alone before the owner enrolled cannot outlive the enrolment. The view
  that made the change keeps its own session with ``keep_this_session``;
- a new password, a rotated session stamp or a switched-off account sends ``session.terminate``
  to the person's sockets once the change is committed (the session side needs nothing: the
  session hash covers the password and the stamp).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django_otp.models import Device

from portal.security.sockets import close_user_sockets

if TYPE_CHECKING:
    from .http import AuthenticatedHttpRequest

# Changes to these user fields void sessions (password, stamp) or the account itself.
_SESSION_FIELDS = ("password", "session_stamp", "is_active")
_PREVIOUS = "_portal_session_fields_before_save"
_DEVICE_WAS_CONFIRMED = "_portal_device_was_confirmed"


def _close_sockets_on_commit(user_id: int) -> None:
    transaction.on_commit(lambda: close_user_sockets(user_id))


def end_other_sessions(user_id: int, cached_user: Any = None) -> None:
    """Rotate the stamp in the database (and on an already loaded instance), close sockets.

    A queryset update, not ``user.save()``: it also runs while the user is being deleted (the
    devices go first) and cannot overwrite other fields with stale values.
    """
    from .models import User, _new_stamp

    stamp = _new_stamp()
    User.objects.filter(pk=user_id).update(session_stamp=stamp)
    if cached_user is not None and getattr(cached_user, "pk", None) == user_id:
        cached_user.session_stamp = stamp
    _close_sockets_on_commit(user_id)


def keep_this_session(request: AuthenticatedHttpRequest) -> None:
    """After a device change made in this request: the other sessions end, this one stays.

    Also gives this session a fresh id, as any step up in privilege does.
    """
    user = request.user
    user.refresh_from_db(fields=["session_stamp"])
    update_session_auth_hash(request, user)


# --- users ---------------------------------------------------------------------------------
def _user_pre_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(_SESSION_FIELDS):
        return  # e.g. last_login at every sign-in: nothing to compare
    before = sender._default_manager.filter(pk=instance.pk).values(*_SESSION_FIELDS).first()
    setattr(instance, _PREVIOUS, before)


def _user_post_save(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    before = instance.__dict__.pop(_PREVIOUS, None)
    if created or before is None:
        return
    if (
        before["password"] != instance.password
        or before["session_stamp"] != instance.session_stamp
        or (before["is_active"] and not instance.is_active)
    ):
        _close_sockets_on_commit(instance.pk)


# --- devices -------------------------------------------------------------------------------
def _device_user(instance: Device) -> Any:
    field = type(instance)._meta.get_field("user")
    return field.get_cached_value(instance, default=None)


def _device_pre_save(sender: Any, instance: Device, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance._state.adding or instance.pk is None:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "confirmed" not in update_fields:
        return  # routine saves (throttling, last_t, last used) carry update_fields
    before = sender._default_manager.filter(pk=instance.pk).values_list("confirmed", flat=True)
    setattr(instance, _DEVICE_WAS_CONFIRMED, bool(before.first()))


def _device_post_save(sender: Any, instance: Device, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    was_confirmed = instance.__dict__.pop(_DEVICE_WAS_CONFIRMED, None)
    if created:
        added = bool(instance.confirmed)
    else:
        added = was_confirmed is False and bool(instance.confirmed)
    removed = was_confirmed is True and not instance.confirmed
    if added or removed:
        end_other_sessions(instance.user_id, _device_user(instance))


def _device_post_delete(sender: Any, instance: Device, **kwargs: Any) -> None:
    if instance.confirmed:
        end_other_sessions(instance.user_id, _device_user(instance))


def connect() -> None:
    """Connect the handlers to the user model and to every concrete django-otp device model
    (TOTP, static and any plugin installed later)."""
    from .models import User

    pre_save.connect(_user_pre_save, sender=User, dispatch_uid="accounts.user_pre_save")
    post_save.connect(_user_post_save, sender=User, dispatch_uid="accounts.user_post_save")
    for model in apps.get_models():
        if issubclass(model, Device) and not model._meta.abstract:
            uid = f"accounts.device.{model._meta.label_lower}"
            pre_save.connect(_device_pre_save, sender=model, dispatch_uid=f"{uid}.pre_save")
            post_save.connect(_device_post_save, sender=model, dispatch_uid=f"{uid}.post_save")
            post_delete.connect(
                _device_post_delete, sender=model, dispatch_uid=f"{uid}.post_delete"
            )
