"""Certificates: PDF for the owner, public verification (valid, expired, revoked, unknown)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content.training.models import Certificate, Enrolment
from content.training.services.certificates import (
    certificate_issue,
    certificate_revoke,
    new_certificate_code,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(make_course, learner) -> Certificate:
    course = make_course(lessons=0, quiz=False, training_hours=Decimal("2.5"))
    enrolment = Enrolment.objects.create(user=learner, course=course, completed_at=timezone.now())
    return certificate_issue(enrolment=enrolment)


def test_code_format_and_randomness() -> None:
    codes = {new_certificate_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 17 and code.startswith("VH-")
        assert not set(code[3:].replace("-", "")) & set("ILOU")


def test_issue_is_idempotent(certificate: Certificate) -> None:
    assert certificate_issue(enrolment=certificate.enrolment).pk == certificate.pk


def test_public_verification_states(make_course, learner) -> None:
    course = make_course(
        lessons=0, quiz=False, training_hours=Decimal("2.5"), certificate_valid_months=12
    )
    enrolment = Enrolment.objects.create(user=learner, course=course, completed_at=timezone.now())
    certificate = certificate_issue(enrolment=enrolment)
    client = Client()
    url = reverse("training:certificate_verify", args=[certificate.code])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dit attest is geldig." in html and "Fien Fictief" in html and "2,5" in html
    assert page["X-Robots-Tag"] == "noindex"
    # Lower case, as typed over from paper, works too.
    assert (
        client.get(
            reverse("training:certificate_verify", args=[certificate.code.lower()])
        ).status_code
        == 200
    )

    # What a certificate says cannot change once issued: a year later it has expired.
    assert certificate.expires_at is not None
    with time_machine.travel(certificate.expires_at + timedelta(days=1)):
        assert "Dit attest is verlopen." in client.get(url).content.decode()

    certificate_revoke(certificate=certificate, reason="Fout uitgereikt")
    assert "Dit attest is ingetrokken." in client.get(url).content.decode()


def test_unknown_code_is_404_with_a_dutch_message() -> None:
    response = Client().get(reverse("training:certificate_verify", args=["VH-0000-0000-0000"]))
    assert response.status_code == 404
    assert "Wij vinden geen attest met de code VH-0000-0000-0000." in response.content.decode()


def test_lookup_form_redirects_to_the_verification_page() -> None:
    response = Client().get(reverse("training:certificate_lookup"), {"code": " vh-abcd-efgh-jkmn "})
    assert response["Location"] == reverse(
        "training:certificate_verify", args=["VH-ABCD-EFGH-JKMN"]
    )


def test_pdf_for_the_owner_only(
    certificate: Certificate, learner_client: Client, make_user
) -> None:
    url = reverse("training:certificate_download", args=[certificate.code])
    response = learner_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 1500
    other = Client()
    other.force_login(make_user())
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign-in
