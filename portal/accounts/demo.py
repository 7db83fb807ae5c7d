"""Fictional demo people, one per role, each with a known password and TOTP device.

Used by ``load_demo_content`` and the development-only ``demo_otp`` command. All names are
invented; the e-mail domain is the reserved ``.example``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

DEMO_PASSWORD = "VeiligHuis-demo-2026"  # noqa: S105  (documented in the README; demo only)


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    # A fixed, per-person TOTP key (hex) so the README and tests can reproduce codes.
    totp_key: str | None
    is_staff: bool = False
    is_superuser: bool = False


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "coordinator@veilighuis.example",
        "Sara Demeester",
        "3132333435363738393031323334353637383930",
    ),
    DemoPerson(
        "regisseur@veilighuis.example",
        "Jonas Van Acker",
        "3132333435363738393031323334353637383931",
    ),
    DemoPerson(
        "partner@caw.example", "Leen Verstraete", "3132333435363738393031323334353637383932"
    ),
    DemoPerson(
        "privacy@veilighuis.example", "Koen Martens", "3132333435363738393031323334353637383933"
    ),
    DemoPerson(
        "beheer@politie.example", "Nadia El Khatib", "3132333435363738393031323334353637383934"
    ),
    DemoPerson(
        "redactie@veilighuis.example",
        "Ine Claeys",
        "3132333435363738393031323334353637383935",
        is_staff=True,
        is_superuser=True,
    ),
    DemoPerson("lerende@school.example", "Tom Peeters", None),
)


@transaction.atomic
def ensure_demo_people() -> dict[str, User]:
    """Create or refresh the demo people; safe to run again."""
    users: dict[str, User] = {}
    for person in DEMO_PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(
                email=person.email,
                password=DEMO_PASSWORD,
                full_name=person.full_name,
                is_staff=person.is_staff,
                is_superuser=person.is_superuser,
                origin=User.Origin.STAFF if person.totp_key else User.Origin.SIGNUP,
            )
        if person.totp_key:
            TOTPDevice.objects.update_or_create(
                user=user,
                name="default",
                defaults={"key": person.totp_key, "confirmed": True},
            )
        users[person.email] = user
    return users


def current_totp_code(email: str) -> str | None:
    device = TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def demo_step(context: dict[str, Any]) -> None:
    """One demo person per role; they are left in ``context["users"]`` for the organisations."""
    context["users"] = ensure_demo_people()
