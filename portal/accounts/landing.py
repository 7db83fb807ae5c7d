"""Where a sign-in leads when it has no safe ``next``.

The sign-in wizard and the verification step of a password-only session both end here. Members
of a partner agency start in the case workspace; everyone else (learners, editors without a
membership) on "Mijn account" (``LOGIN_REDIRECT_URL``), which links on to their training.
Named URLs only: this floor imports nothing of the collaboration app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

WORKSPACE_URL_NAME = "collaboration:home"


def landing_url(user: Any) -> str:
    """The workspace for an active member of an organisation, else "Mijn account"."""
    memberships = getattr(user, "memberships", None)
    if memberships is not None and memberships.filter(is_active=True).exists():
        return reverse(WORKSPACE_URL_NAME)
    return resolve_url(settings.LOGIN_REDIRECT_URL)
