"""Enrolment is no bypass (issue 12, item 2): a class test over every device-adding route.

two_factor's SetupView checked for an existing device on GET only, and only for one named
"default"; a POST from a password-only session enrolled the attacker's authenticator and
``django_otp.login()`` marked the session verified. Here every route that can add a second
factor is found from the resolved URLconf (and from two_factor's own URL list, so a stock view
mounted later is recognised), and each step of each wizard is attacked, GET and POST, from a
password-only session of someone who already has a device (named "default" and otherwise).
"""

from __future__ import annotations

import base64
import inspect
import re
from binascii import unhexlify
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.admin import ModelAdmin
from django.test import Client
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from formtools.wizard.views import WizardView, normalize_name
from two_factor.plugins.registry import registry
from two_factor.views import QRGeneratorView as StockQRGeneratorView
from two_factor.views import SetupView as StockSetupView

from portal.accounts.models import User
from tests.factories.people import PASSWORD, totp_code
from tests.security.routes import (
    Route,
    class_sources,
    function_source,
    resolved_routes,
    session_state,
)

# Creating a device (any django-otp model) or a backup code. (Verifying with an existing
# device, as the code step does, is not adding one.)
DEVICE_WRITE = re.compile(
    r"\b\w*Device\.objects\.(?:create|get_or_create|update_or_create|bulk_create)\("
    r"|\b\w*device_set\.(?:create|get_or_create|update_or_create)\("
    r"|\btoken_set\.create\("
)
QR_SECRET_SESSION_KEY = StockSetupView.session_key_name


def device_writing_services() -> set[str]:
    """The account services that create devices or backup codes: views call these instead of
    the ORM (``portal.accounts.services``), so a call of one counts as writing a device."""
    from portal.accounts import services

    return {
        name
        for name, function in vars(services).items()
        if inspect.isfunction(function)
        and function.__module__ == services.__name__
        and DEVICE_WRITE.search(inspect.getsource(function))
    }


def writes_devices(source: str) -> bool:
    if DEVICE_WRITE.search(source):
        return True
    return any(re.search(rf"\b{name}\(", source) for name in device_writing_services())


KNOWN_DEVICE_ROUTES = {
    "account/tweestapsverificatie/instellen/",
    "account/tweestapsverificatie/qr/",
    "account/reservecodes/",
    "account/tweestapsverificatie/codes/",
    "django-admin/otp_totp/totpdevice/add/",
    "django-admin/otp_static/staticdevice/add/",
}


def stock_device_views() -> set[type]:
    """The device-adding views two_factor ships, read from its own URL list."""
    from two_factor import urls as two_factor_urls

    patterns, _namespace = two_factor_urls.urlpatterns
    found: set[type] = set()
    for pattern in patterns:
        view_class = getattr(getattr(pattern, "callback", None), "view_class", None)
        if view_class is None:
            continue
        if issubclass(view_class, StockSetupView | StockQRGeneratorView) or DEVICE_WRITE.search(
            class_sources(view_class)
        ):
            found.add(view_class)
    return found


def _model_admin(route: Route) -> ModelAdmin | None:
    admin = route.model_admin or getattr(route.function, "__self__", None)
    return admin if isinstance(admin, ModelAdmin) else None


def adds_devices(route: Route) -> str | None:
    view_class = route.view_class
    if view_class is not None:
        if any(issubclass(view_class, stock) for stock in stock_device_views()):
            return "is (a subclass of) two_factor's device view"
        if writes_devices(class_sources(view_class)):
            return "its class creates devices or verifies"
    elif writes_devices(function_source(route)):
        return "its function creates devices or verifies"
    admin = _model_admin(route)
    if admin is not None and issubclass(admin.model, Device):
        return f"admin of {admin.model._meta.label}"
    return None


def device_routes() -> dict[str, Route]:
    return {route.template: route for route in resolved_routes() if adds_devices(route)}


def wizard_steps(view_class: type) -> list[str]:
    """Every step the setup wizard can have: its fixed steps and each method's setup forms."""
    steps = list(dict(view_class.form_list))
    for method in registry.get_methods():
        steps += [step for step in method.get_setup_forms(None) if step not in steps]
    if {"sms", "call"} & set(steps):
        steps.append("validation")
    return steps


# --- the attacker's password-only session -------------------------------------------------
def password_only(user: User) -> Client:
    user.refresh_from_db()
    client = Client()
    client.force_login(user)
    assert session_state(client) == (user.pk, False)
    return client


def snapshot(user: User) -> tuple[Any, ...]:
    """Everything that would show a second factor was added or changed."""
    return (
        sorted(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed", "key")),
        sorted(StaticDevice.objects.filter(user=user).values_list("pk", "confirmed")),
        sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)),
    )


def _step_fields(step: str, key: str) -> dict[str, str]:
    if step == "method":
        return {"method-method": "generator"}
    if step == "generator":
        totp = TOTP(unhexlify(key.encode()))
        return {"generator-token": f"{totp.token():06d}"}
    return {}


def _cleaned(step: str, key: str) -> dict[str, Any]:
    if step == "method":
        return {"method": "generator"}
    if step == "generator":
        return {"token": int(_step_fields(step, key)["generator-token"])}
    return {}


def plant_wizard(client: Client, prefix: str, steps: list[str], at: str, key: str) -> None:
    """Put the session where a user who passed every earlier step would be, with the secret
    shown: so each step is attacked on its own, not only the first."""
    done = steps[: steps.index(at)]
    session = client.session
    session[f"wizard_{prefix}"] = {
        "step": at,
        "step_data": {
            step: {f"{prefix}-current_step": [step]}
            | {name: [value] for name, value in _step_fields(step, key).items()}
            for step in done
        },
        "step_files": {},
        "extra_data": {"keys": {"generator": key}},
        "validated_step_data": {step: _cleaned(step, key) for step in done},
    }
    session[QR_SECRET_SESSION_KEY] = base64.b32encode(unhexlify(key)).decode()
    session.save()


def refused(client: Client, user: User, before: tuple[Any, ...], response: Any) -> list[str]:
    problems = []
    if snapshot(user) != before:
        problems.append("a second factor was added or changed")
    if session_state(client)[1]:
        problems.append("the session became verified")
    if response.status_code == 200:
        problems.append("the step was served (200)")
    return problems


def admin_payload(user: User) -> dict[str, str]:
    """What an add form of the admin for a device model would take."""
    return {
        "user": str(user.pk),
        "name": "aanvaller",
        "confirmed": "on",
        "key": random_hex(20),
        "step": "30",
        "t0": "0",
        "digits": "6",
        "tolerance": "1",
        "drift": "0",
        "token_set-TOTAL_FORMS": "1",
        "token_set-INITIAL_FORMS": "0",
        "token_set-0-token": "aanvaller1",
    }


@pytest.fixture
def owners(make_user: Callable[..., User]) -> list[User]:
    """People with a confirmed authenticator, under two_factor's name and under another."""
    people = []
    for name in ("default", "phone"):
        user = make_user(full_name=f"Eigenaar {name}")
        TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        people.append(user)
    return people


# --- the tests ----------------------------------------------------------------------------
def test_the_walk_finds_every_device_adding_route() -> None:
    stock = stock_device_views()
    assert {StockSetupView, StockQRGeneratorView} <= stock
    assert "backup_codes_renew" in device_writing_services()
    found = device_routes()
    missing = KNOWN_DEVICE_ROUTES - set(found)
    assert not missing, f"the URL walk lost {sorted(missing)}"


@pytest.mark.django_db
def test_no_device_adding_route_or_step_works_from_a_password_only_session(
    owners: list[User],
) -> None:
    problems: list[str] = []
    for template, route in sorted(device_routes().items()):
        view_class = route.view_class
        url = route.path({"pk": "1", "object_id": "1"})
        for user in owners:
            label = f"{template} as {user.full_name}"
            if view_class is not None and issubclass(view_class, WizardView):
                prefix = normalize_name(view_class.__name__)
                steps = wizard_steps(view_class)
                for step in steps:
                    for method in ("GET", "POST"):
                        client = password_only(user)
                        plant_wizard(client, prefix, steps, step, random_hex(20))
                        before = snapshot(user)
                        if method == "GET":
                            response = client.get(url)
                        else:
                            key = client.session[f"wizard_{prefix}"]["extra_data"]["keys"]
                            data = {f"{prefix}-current_step": step}
                            data |= _step_fields(step, key["generator"])
                            response = client.post(url, data)
                        problems += [
                            f"{label}, step {step!r}, {method}: {p}"
                            for p in refused(client, user, before, response)
                        ]
            else:
                for method in ("GET", "POST"):
                    client = password_only(user)
                    plant_wizard(client, "setup_view", ["generator"], "generator", random_hex(20))
                    before = snapshot(user)
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, admin_payload(user))
                    problems += [
                        f"{label}, {method}: {p}" for p in refused(client, user, before, response)
                    ]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_first_enrolment_still_works_and_ends_an_older_password_only_session(
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    older = password_only(user)  # e.g. someone who learnt the password before the owner enrolled
    owner = password_only(user)
    url = "/account/tweestapsverificatie/instellen/"
    owner.get(url)
    html = owner.post(url, {"setup_view-current_step": "welcome"}).content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html).group(1)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    response = owner.post(
        url,
        {"setup_view-current_step": "generator", "generator-token": f"{TOTP(key).token():06d}"},
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert session_state(owner) == (user.pk, True)
    assert owner.get("/samenwerking/").status_code == 200
    assert session_state(older) == (None, False)
    assert older.get("/account/").status_code == 302  # back to sign-in
    assert older.get(url).status_code == 302


@pytest.mark.django_db
def test_a_verified_owner_cannot_stack_a_second_authenticator(
    owners: list[User], verified_client: Callable[..., Client]
) -> None:
    for user in owners:
        client = verified_client(user)
        before = snapshot(user)
        response = client.get("/account/tweestapsverificatie/instellen/")
        assert response.status_code == 302
        assert response["Location"] == "/account/"
        response = client.post(
            "/account/tweestapsverificatie/instellen/", {"setup_view-current_step": "welcome"}
        )
        assert response["Location"] == "/account/"
        assert snapshot(user) == before


@pytest.mark.django_db
def test_password_change_needs_the_second_factor_once_a_device_exists(
    owners: list[User],
) -> None:
    for user in owners:
        client = password_only(user)
        response = client.post(
            "/account/wachtwoord/",
            {
                "old_password": PASSWORD,
                "new_password1": "winter-aan-de-schelde-2033",
                "new_password2": "winter-aan-de-schelde-2033",
            },
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/account/verifieren/")
        user.refresh_from_db()
        assert user.check_password(PASSWORD)
        assert client.get("/account/wachtwoord/").status_code == 302


@pytest.mark.django_db
def test_a_password_only_session_cannot_fetch_the_qr_code(owners: list[User]) -> None:
    for user in owners:
        client = password_only(user)
        plant_wizard(client, "setup_view", ["generator"], "generator", random_hex(20))
        assert client.get("/account/tweestapsverificatie/qr/").status_code == 404


@pytest.mark.django_db
def test_backup_codes_work_again_after_the_code_step(owners: list[User]) -> None:
    """Refusing a password-only session is not refusing the owner: after the code, it works."""
    for user in owners:
        client = password_only(user)
        device = TOTPDevice.objects.get(user=user)
        response = client.post("/account/verifieren/", {"otp_token": totp_code(device)})
        assert response.status_code == 302
        response = client.post("/account/reservecodes/")
        assert response.status_code == 200
        assert StaticToken.objects.filter(device__user=user).count() == 10
        assert session_state(client) == (user.pk, True)  # this session survives the new device
