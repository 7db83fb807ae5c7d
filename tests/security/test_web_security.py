"""Proof under attack (HTTP side): CSRF on every state-changing URL, open redirects, session
fixation, clickjacking and headers on every kind of response."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver

from tests.factories.organisations import MembershipFactory, OrganisationFactory
from tests.factories.people import PASSWORD, totp_code
from tests.portal.test_gate import _walk

LOGIN = "/account/aanmelden/"


def all_urls() -> list[str]:
    urls = set()
    for path in _walk(get_resolver().url_patterns):
        if path.startswith(("/cms/", "/django-admin/")):
            continue  # third-party admin apps: covered by the gate test and Django's own CSRF
        urls.add(path)
    return sorted(urls)


@pytest.mark.django_db
def test_every_url_refuses_a_post_without_csrf_token(make_user, verified_client) -> None:
    """No URL of ours accepts a state change without a CSRF token, signed in or not."""
    staff = make_user(is_staff=True, is_superuser=True)
    signed_in = verified_client(staff)
    signed_in.handler.enforce_csrf_checks = True
    anonymous = Client(enforce_csrf_checks=True)
    accepted = []
    for url in all_urls():
        for client in (anonymous, signed_in):
            response = client.post(url, {"x": "1"})
            # 403 (CSRF), 404/405 (no such object or method) are refusals, and so are a redirect
            # to sign-in and the 301 that adds a missing slash. A 2xx, or a 302/303 elsewhere
            # (the answer to a form that was acted on), would mean the POST got through.
            if response.status_code < 300 or (
                response.status_code in (302, 303)
                and "/account/" not in response.get("Location", "")
            ):
                accepted.append((url, response.status_code))
    exempt = {("/healthz", 200)}  # read-only liveness, answers any method without state
    assert [item for item in accepted if item not in exempt] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
    ],
)
def test_sign_in_next_cannot_leave_the_site(make_user, make_device, target: str) -> None:
    user = make_user()
    device = make_device(user)
    client = Client()
    url = f"{LOGIN}?next={target}"
    client.post(
        url,
        {
            "sign_in_view-current_step": "auth",
            "auth-username": user.email,
            "auth-password": PASSWORD,
        },
    )
    response = client.post(
        url, {"sign_in_view-current_step": "token", "token-otp_token": totp_code(device)}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith(
        ("//", "/\\")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_verify_next_cannot_leave_the_site(make_user, make_device, target: str) -> None:
    user = make_user()
    device = make_device(user)
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/account/verifieren/?next={target}", {"otp_token": totp_code(device), "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/"


@pytest.mark.django_db
def test_session_fixation_a_planted_session_id_is_not_kept(make_user, make_device) -> None:
    user = make_user()
    device = make_device(user)
    attacker = Client()
    attacker.get(LOGIN)
    planted = attacker.cookies["vh_session"].value
    victim = Client()
    victim.cookies["vh_session"] = planted
    victim.post(
        LOGIN,
        {
            "sign_in_view-current_step": "auth",
            "auth-username": user.email,
            "auth-password": PASSWORD,
        },
    )
    victim.post(LOGIN, {"sign_in_view-current_step": "token", "token-otp_token": totp_code(device)})
    assert victim.cookies["vh_session"].value != planted
    assert victim.get("/samenwerking/").status_code == 200
    assert attacker.get("/samenwerking/").status_code == 302


@pytest.mark.django_db
def test_headers_on_every_kind_of_response(make_user, verified_client, settings) -> None:
    from portal.audit.events import AuditAction
    from portal.audit.writer import record_event

    officer = make_user()
    organisation = OrganisationFactory(
        name="VH Test", kind="veilig_huis", sector="welfare", region="leuven"
    )
    MembershipFactory(user=officer, organisation=organisation, role="privacy_officer")
    record_event(action=AuditAction.CASE_VIEWED, actor=officer)
    client = verified_client(officer)
    responses = {
        "html": client.get("/samenwerking/"),
        "redirect": Client().get("/samenwerking/"),
        "not found": client.get("/bestaat-niet/"),
        "csv": client.get("/audit/export.csv"),
        "static": Client().get("/static/css/site.css"),
        "plain": Client().get("/healthz"),
        "method not allowed": client.get("/account/afmelden/"),
    }
    for kind, response in responses.items():
        assert response["X-Frame-Options"] == "DENY", kind
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", kind
        assert "camera=()" in response["Permissions-Policy"], kind
        if kind != "static":
            assert "frame-ancestors 'none'" in response["Content-Security-Policy"], kind
