"""The custom user model, in place from the first migration.

E-mail is the login. ``session_stamp`` takes part in the session hash, so rotating it signs the
user out of every browser at once ("sign out everywhere") without scanning the session table.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .managers import UserManager

if TYPE_CHECKING:
    from django_otp.models import Device


def _new_stamp() -> str:
    return secrets.token_hex(16)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a learner who signed up, or partner-agency staff who were invited."""

    class Origin(models.TextChoices):
        SIGNUP = "signup", _("Zelf geregistreerd (vorming)")
        INVITATION = "invitation", _("Uitgenodigd door een coördinator")
        STAFF = "staff", _("Aangemaakt door een beheerder")

    email = models.EmailField(_("e-mailadres"), unique=True)
    full_name = models.CharField(_("volledige naam"), max_length=150)
    preferred_language = models.CharField(
        _("voorkeurstaal"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="nl-be",
    )
    origin = models.CharField(
        _("herkomst van het account"), max_length=20, choices=Origin.choices, default=Origin.STAFF
    )
    email_verified_at = models.DateTimeField(_("e-mailadres bevestigd op"), null=True, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(
        _("toegang tot Django-beheer"),
        default=False,
        help_text=_("Mag het technische beheer openen (altijd met tweestapsverificatie)."),
    )
    date_joined = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    session_stamp = models.CharField(max_length=32, default=_new_stamp, editable=False)

    objects = UserManager()

    # Set on ``request.user`` by django_otp's OTPMiddleware, never stored: the device that
    # verified this session (None: password only) and a shortcut for "there is one". Declared
    # for the type checker; a user loaded outside a request has neither.
    otp_device: Device | None
    is_verified: Callable[[], bool]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # Wagtail shows these names in the admin.
    @property
    def first_name(self) -> str:
        return self.get_short_name()

    @property
    def last_name(self) -> str:
        return " ".join(self.full_name.split(" ")[1:])

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django checks this on every request; the stamp lets us void all sessions at once."""
        return salted_hmac(
            "portal.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def rotate_session_stamp(self) -> None:
        """Invalidate every session of this user (callers save the user)."""
        self.session_stamp = _new_stamp()
