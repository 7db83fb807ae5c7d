"""Dutch error pages without traces; demo content and the development-only code command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import path

from collaboration.models import Membership, Organisation
from portal.accounts.demo import DEMO_PEOPLE, current_totp_code
from portal.accounts.models import User
from tests.factories.people import totp_code


def _boom(request):
    raise RuntimeError("geheime-stacktrace-inhoud")


urlpatterns = [path("boom/", _boom)]
handler500 = "portal.errors.server_error"


@pytest.mark.django_db
def test_404_is_dutch(client: Client) -> None:
    response = client.get("/deze-pagina-bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.portal.test_errors_and_demo")
def test_500_is_dutch_and_shows_no_trace() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Er ging iets mis" in body
    assert "geheime-stacktrace-inhoud" not in body
    assert "Traceback" not in body


@pytest.mark.django_db
def test_load_demo_content_is_idempotent() -> None:
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
    ) == counts
    names = set(Organisation.objects.values_list("name", flat=True))
    assert "Veilig Huis Oost-Vlaanderen" in names and "CLB Gent" in names
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {
        "kg",
        "vk",
        "ocj_sdj",
        "ocmw",
        "caw",
        "cgg",
        "police",
        "parket",
        "justitiehuis",
    } <= kinds
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"coordinator", "case_director", "partner", "privacy_officer", "org_admin"}
    emails = set(User.objects.values_list("email", flat=True))
    assert {person.email for person in DEMO_PEOPLE} <= emails


@pytest.mark.django_db
def test_demo_people_can_sign_in_with_password_and_their_code() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    email = "coordinator@veilighuis.example"
    device = TOTPDevice.objects.get(user__email=email)
    assert current_totp_code(email) == totp_code(device)
    client = Client()
    client.post(
        "/account/aanmelden/",
        {
            "sign_in_view-current_step": "auth",
            "auth-username": email,
            "auth-password": "VeiligHuis-demo-2026",
        },
    )
    response = client.post(
        "/account/aanmelden/",
        {"sign_in_view-current_step": "token", "token-otp_token": current_totp_code(email)},
    )
    assert response.status_code == 302
    assert client.get("/samenwerking/").status_code == 200


def test_demo_otp_does_not_exist_without_debug() -> None:
    with pytest.raises(CommandError, match="Unknown command"):
        call_command("demo_otp", "coordinator@veilighuis.example")


@pytest.mark.django_db
def test_a_form_without_csrf_token_is_refused_in_dutch(make_user) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    response = client.post("/account/overal-afmelden/")
    assert response.status_code == 403
    assert "Het formulier is verlopen" in response.content.decode()
