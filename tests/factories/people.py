"""People: users with the one test password, their confirmed TOTP device, and the helpers that
act as their authenticator app and as django-otp's verified login."""

from __future__ import annotations

import time
from typing import Any

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from portal.accounts.models import User

PASSWORD = "een-lang-test-wachtwoord-42"


class UserFactory(DjangoModelFactory):
    """A person who signs in with ``PASSWORD`` (hashed by ``create_user``)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@test.example")
    full_name = "Fictieve Persoon"
    password = PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return model_class.objects.create_user(*args, **kwargs)


class TOTPDeviceFactory(DjangoModelFactory):
    """A confirmed authenticator app, as enrolment leaves it."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "default"
    confirmed = True


class VerifiedUserFactory(UserFactory):
    """A person with a confirmed TOTP device (``user.totpdevice_set``)."""

    device = factory.RelatedFactory(TOTPDeviceFactory, factory_related_name="user")


def device_of(user: User) -> TOTPDevice:
    """The person's confirmed device."""
    return TOTPDevice.objects.get(user=user, confirmed=True)


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code an authenticator app shows for ``device`` at time ``at``."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def verify_session(client: Client, device: TOTPDevice) -> None:
    """Mark the client's session as verified with ``device``, as django-otp's login does."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
