"""One way to sign in (issue 12, item 1): a class test over the resolved URLconf.

Every route that can create an authenticated session, wherever it is mounted (our URLs,
Wagtail's, the admins', two_factor's, under every language prefix), is found from the resolver
and then attacked over HTTP with the right password of people who have a second factor or need
one. The two-step sign-in must ask for the code; every other route must refuse, i.e. leave the
session without a signed-in user (or, at most, with a device of that user verified in it).
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from formtools.wizard.views import WizardView, normalize_name
from two_factor.views import LoginView as TwoFactorLoginView

from portal.accounts.models import User
from portal.accounts.views import SignInView
from tests.factories.people import PASSWORD, totp_code
from tests.security.routes import (
    Route,
    class_sources,
    function_source,
    module_sources,
    resolved_routes,
    session_state,
)

# ``login(``, ``auth_login(``, ``auth.login(``, ``django_otp.login(`` (not ``def login(`` nor
# ``redirect_to_login(``), and any use of a LoginView class.
LOGIN_CALL = re.compile(r"(?<!def )(?<![\w.])(?:\w+\.)?(?:auth_)?login\(|\b\w*LoginView\b")

# Our own account area is exercised whole, login call or not (sign-up, invitations, reset).
OWN_NAMESPACES = ("accounts", "two_factor")

# What the walk must at least find, so that it cannot pass by finding nothing.
KNOWN_LOGIN_ROUTES = {
    "account/aanmelden/",  # the two-step sign-in
    "_util/login/",  # Wagtail's front-end login (Dutch, no prefix) ...
    "en/_util/login/",  # ... and under /en/
    "cms/login/",  # Wagtail admin
    "django-admin/login/",  # Django admin (patched by two_factor)
    "account/herstel/<uidb64>/<token>/",  # Django's reset confirm can post_reset_login
    "account/uitnodiging/<str:token>/",  # invitation accept signs the new member in
    "account/registreren/bevestigen/<str:uidb64>/<str:token>/",  # sign-up confirmation
}


def strong_reason(route: Route) -> str | None:
    """Why the view itself can sign someone in (class, class source or function source)."""
    view_class = route.view_class
    if view_class is not None:
        if issubclass(view_class, auth_views.LoginView | TwoFactorLoginView):
            return "is a LoginView"
        if LOGIN_CALL.search(class_sources(view_class)):
            return "its class calls login()"
    elif LOGIN_CALL.search(function_source(route)):
        return "its function calls login()"
    if "login" in route.name.lower() or "login" in getattr(route.function, "__name__", ""):
        return "is named login"
    return None


def login_capable(route: Route) -> str | None:
    """Strong reasons first; then any login call in the defining modules (helpers count), and
    everything in our own account area."""
    reason = strong_reason(route)
    if reason:
        return reason
    if LOGIN_CALL.search(module_sources(route)):
        return "its module calls login()"
    if _namespace(route) in OWN_NAMESPACES:
        return "is an account page"
    return None


def _namespace(route: Route) -> str:
    try:
        return resolve(route.path()).namespace
    except Resolver404:
        return ""


# --- people -------------------------------------------------------------------------------
@dataclass
class Actor:
    """Someone whose password the attacker has."""

    label: str
    user: User
    device: TOTPDevice | None


def make_actors(make_user: Callable[..., User]) -> list[Actor]:
    member = make_user(full_name="Met App")
    named_default = TOTPDevice.objects.create(user=member, name="default", confirmed=True)
    staff = make_user(full_name="Beheer Met App", is_staff=True)
    # A device under another name made two_factor's wizard skip the code step.
    named_phone = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    unenrolled_staff = make_user(full_name="Beheer Zonder App", is_staff=True)
    return [
        Actor("member with a device named default", member, named_default),
        Actor("staff with a device named phone", staff, named_phone),
        Actor("staff who needs a device and has none", unenrolled_staff, None),
    ]


# --- parameters of routes that need real values -------------------------------------------
def _reset_values(actor: Actor) -> dict[str, str]:
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(actor.user.pk)),
        "token": default_token_generator.make_token(actor.user),
    }


def _invitation_values(actor: Actor) -> dict[str, str]:
    """An open invitation to the actor's own address, as an attacker could obtain one."""
    from collaboration.models import Invitation, Organisation
    from collaboration.services.members import invitation_for_token

    organisation, _ = Organisation.objects.get_or_create(
        name="Politie Test (aanmeldroutes)",
        defaults={"kind": "police", "sector": "police", "region": "oost-vlaanderen"},
    )
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        email=actor.user.email,
        organisation=organisation,
        role="partner",
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        invited_by=actor.user,
        expires_at=timezone.now() + timedelta(days=7),
    )
    assert invitation_for_token(token) is not None, "the invitation token scheme changed"
    return {"token": token}


def _signup_values(actor: Actor) -> dict[str, str]:
    from portal.accounts.signup import email_verification_token

    return {
        "uidb64": urlsafe_base64_encode(force_bytes(actor.user.pk)),
        "token": email_verification_token.make_token(actor.user),
    }


def parameter_values(route: Route, actor: Actor) -> dict[str, str] | None:
    """Real values for a route's parameters, or None when this test does not know them."""
    if not route.parameters:
        return {}
    view_class = route.view_class
    if view_class and issubclass(view_class, auth_views.PasswordResetConfirmView):
        return _reset_values(actor)
    if route.name == "invitation_accept":
        return _invitation_values(actor)
    if route.name == "signup_verify":
        return _signup_values(actor)
    return None


def credentials_payload(actor: Actor) -> dict[str, str]:
    """Every field name a login-ish form in this URLconf could read, with the real password."""
    email = actor.user.email
    data = {
        "username": email,
        "email": email,
        "password": PASSWORD,
        "auth-username": email,
        "auth-password": PASSWORD,
        "new_password1": PASSWORD,
        "new_password2": PASSWORD,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "full_name": "Iemand Anders",
        "next": "/samenwerking/",
    }
    # the management form of every wizard view, on its first step
    for prefix in _wizard_prefixes():
        data[f"{prefix}-current_step"] = "auth"
    return data


@functools.cache
def _wizard_prefixes() -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                normalize_name(route.view_class.__name__)
                for route in resolved_routes()
                if route.view_class and issubclass(route.view_class, WizardView)
            }
        )
    )


# --- the attacks --------------------------------------------------------------------------
def attack_two_step_sign_in(url: str, view_class: type, actor: Actor) -> list[str]:
    """The two-step sign-in: the password never suffices for someone with a device."""
    problems: list[str] = []
    prefix = normalize_name(view_class.__name__)
    client = Client()
    client.get(url)
    response = client.post(
        url,
        {
            f"{prefix}-current_step": "auth",
            "auth-username": actor.user.email,
            "auth-password": PASSWORD,
        },
    )
    user_id, verified = session_state(client)
    if actor.device is not None:
        if user_id is not None:
            problems.append(f"{url}: the password alone signed in {actor.label}")
        if b"token-otp_token" not in response.content:
            problems.append(f"{url}: no code step for {actor.label}")
            return problems
        client.post(
            url, {f"{prefix}-current_step": "token", "token-otp_token": totp_code(actor.device)}
        )
        user_id, verified = session_state(client)
        if user_id != actor.user.pk or not verified:
            problems.append(f"{url}: password and code did not verify {actor.label}")
    else:
        # No device yet: a password-only session confined to enrolment (the gate's job).
        for protected in ("/samenwerking/", "/cms/", "/django-admin/", "/audit/"):
            location = client.get(protected).headers.get("Location", "")
            if not location.startswith("/account/tweestapsverificatie/instellen/"):
                problems.append(
                    f"{url}: {actor.label} reached {protected} without enrolling ({location})"
                )
    return problems


def attack_route(route: Route, url: str, actor: Actor) -> list[str]:
    """GET (following a redirect that stays on the route, as the reset link does), then POST
    the real password under every field name; no session may come out of it."""
    client = Client()
    target = url
    response = client.get(url)
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and location.startswith("/"):
        try:
            if resolve(location.split("?")[0]).func == resolve(url.split("?")[0]).func:
                target = location
        except Resolver404:
            pass
    client.post(target, credentials_payload(actor))
    user_id, verified = session_state(client)
    if user_id is not None and not (user_id == actor.user.pk and verified):
        return [f"{url} ({login_capable(route)}): a session for {actor.label} without a code"]
    return []


def _resolved_view_class(url: str) -> Any:
    try:
        return getattr(resolve(url.split("?")[0]).func, "view_class", None)
    except Resolver404:
        return None


# --- the tests ----------------------------------------------------------------------------
def login_routes() -> dict[str, Route]:
    return {route.template: route for route in resolved_routes() if login_capable(route)}


def test_the_walk_finds_every_known_way_in() -> None:
    found = login_routes()
    missing = KNOWN_LOGIN_ROUTES - set(found)
    assert not missing, f"the URL walk lost {sorted(missing)}"
    # both languages of i18n_patterns are walked
    assert any(t.startswith("en/") for t in found)
    assert any(r.view_class and issubclass(r.view_class, SignInView) for r in found.values()), (
        "the two-step sign-in itself must be found"
    )
    assert any(r.view_class is auth_views.LoginView for r in found.values()), (
        "Wagtail's plain LoginView must be found (shadowed, not removed)"
    )


@pytest.mark.django_db
def test_every_login_capable_route_is_the_two_step_sign_in_or_refuses(
    make_user: Callable[..., User],
) -> None:
    problems: list[str] = []
    routes = login_routes()
    assert len(routes) >= len(KNOWN_LOGIN_ROUTES)
    for template, route in sorted(routes.items()):
        for actor in make_actors(make_user):
            values = parameter_values(route, actor)
            if values is None:
                # Only routes whose module merely mentions a login may use sample values; a
                # view that itself signs people in needs real ones (add them above).
                assert strong_reason(route) is None, (
                    f"{template} {strong_reason(route)}: give this test real parameter values"
                )
                values = {}
            url = route.path(values)
            view_class = _resolved_view_class(url)
            if view_class is not None and issubclass(view_class, SignInView):
                problems += attack_two_step_sign_in(url, view_class, actor)
            else:
                problems += attack_route(route, url, actor)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/_util/login/", "/en/_util/login/"])
def test_wagtails_front_end_login_leads_to_the_two_step_sign_in(
    path: str, make_user: Callable[..., User]
) -> None:
    user = make_user()
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = Client()
    response = client.get(f"{path}?next=/een-pagina/")
    assert response.status_code == 302
    assert response["Location"] == "/account/aanmelden/?next=%2Feen-pagina%2F"
    response = client.get(f"{path}?next=https://elders.example/")
    assert response["Location"] == "/account/aanmelden/"
    response = client.post(path, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert session_state(client) == (None, False)


@pytest.mark.django_db
def test_sign_in_asks_the_code_for_a_device_under_any_name(
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    response = client.post(
        "/account/aanmelden/",
        {
            "sign_in_view-current_step": "auth",
            "auth-username": user.email,
            "auth-password": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert b"token-otp_token" in response.content
    assert session_state(client) == (None, False)
    assert client.get("/samenwerking/").status_code == 302
    response = client.post(
        "/account/aanmelden/",
        {"sign_in_view-current_step": "token", "token-otp_token": totp_code(device)},
    )
    assert response.status_code == 302
    assert session_state(client) == (user.pk, True)


@pytest.mark.django_db
def test_sign_in_asks_a_backup_code_when_only_backup_codes_are_left(
    make_user: Callable[..., User],
) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice

    user = make_user()
    static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    static.token_set.create(token="abcd2345")
    client = Client()
    response = client.post(
        "/account/aanmelden/",
        {
            "sign_in_view-current_step": "auth",
            "auth-username": user.email,
            "auth-password": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert session_state(client) == (None, False)
    response = client.post("/account/aanmelden/", {"wizard_goto_step": "backup"})
    response = client.post(
        "/account/aanmelden/",
        {"sign_in_view-current_step": "backup", "backup-otp_token": "abcd2345"},
    )
    assert response.status_code == 302
    assert session_state(client) == (user.pk, True)


@pytest.mark.django_db
def test_asking_for_a_challenge_before_the_password_is_no_server_error(
    make_user: Callable[..., User],
) -> None:
    """Found from outside: two_factor jumped to a code step that did not exist (a 500)."""
    user = make_user()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = Client()
    response = client.post("/account/aanmelden/", {"challenge_device": device.persistent_id})
    assert response.status_code == 200
    assert b"auth-username" in response.content
    assert session_state(client) == (None, False)
