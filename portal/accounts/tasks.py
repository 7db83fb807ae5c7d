"""Background tasks of the accounts (django-tasks): the sign-up e-mails.

Sign-up queues its e-mail here whether the address is new or known, so the request does the
same work either way and its duration tells nothing (``portal.accounts.signup``).
"""

from __future__ import annotations

from django.utils import translation
from django_tasks import task

from .models import User
from .signup import send_already_registered_email, send_verification_email

KINDS = ("verify", "exists")


@task()
def send_signup_email(kind: str, user_id: int | None, email: str) -> bool:
    """``verify``: the confirmation link to the account ``user_id``; ``exists``: a note to
    ``email`` that it already has an account."""
    if kind not in KINDS:
        return False
    with translation.override("nl-be"):
        if kind == "verify":
            user = (
                User.objects.filter(pk=user_id, is_active=True).first()
                if user_id is not None
                else None
            )
            if user is None or user.email_verified_at is not None:
                return False
            send_verification_email(user)
        else:
            send_already_registered_email(email)
    return True
