"""Who must use a second factor, and where.

Kept in one place so the HTTP middleware, the WebSocket middleware and the templates agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django_otp import user_has_device

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User


def is_protected_path(path: str) -> bool:
    """True for the collaboration area, the Wagtail admin, the Django admin and the audit area."""
    return path.startswith(tuple(settings.SECOND_FACTOR_PROTECTED_PREFIXES))


def requires_second_factor(user: User | AnonymousUser) -> bool:
    """Anyone with collaboration, audit or admin rights must enrol a second factor.

    Learners who only follow training do not. Evaluated per request for unverified users only
    (a verified user has already satisfied it), so a membership granted mid-session counts at once.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    memberships = getattr(user, "memberships", None)
    if memberships is not None and memberships.filter(is_active=True).exists():
        return True
    return user.has_perm("wagtailadmin.access_admin")


def has_confirmed_device(user: User | AnonymousUser) -> bool:
    return bool(user_has_device(user, confirmed=True))
