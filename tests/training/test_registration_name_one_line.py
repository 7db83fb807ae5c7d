"""A registration's name is one line (found by an outside test of the peer-support booking).

The name opens the e-mail ("Beste <name>,"). A script could send a name with line breaks, for
a victim's address, and so write lines of its own ("Uw afspraak is verplaatst naar ...") into
a mail from the neutral sender. The form now joins the name into one line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from content.training.models import SessionKind, SessionRegistration
from portal.security.form_guard import form_token

pytestmark = pytest.mark.django_db

SALT = "content.training.registration-shown"


@pytest.fixture(autouse=True)
def _fresh_counts() -> Iterator[None]:
    cache.delete_many(
        ["training:registration-rate:address:192.0.2.77"]
        + [f"training:registration-rate:session:{n}" for n in range(1, 200)]
    )
    yield


def test_a_name_with_line_breaks_becomes_one_line_in_the_mail(
    make_session: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    session = make_session(kind=SessionKind.PEER_SUPPORT, title="Lotgenoten", capacity=5)
    name = "Anna\r\n\r\nUw afspraak is verplaatst naar Valse Straat 1.\nBcc: x@test.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("training:session_detail", args=[session.pk]),
            {
                "display_name": name,
                "email": "anna@test.example",
                "website": "",
                "shown_at": form_token(time.time() - 10, salt=SALT),
            },
            REMOTE_ADDR="192.0.2.77",
        )
    assert response.status_code == 200
    registration = SessionRegistration.objects.get(email="anna@test.example")
    one_line = "Anna Uw afspraak is verplaatst naar Valse Straat 1. Bcc: x@test.example"
    assert registration.display_name == one_line
    [message] = mail.outbox
    assert f"Beste {one_line}," in message.body
    assert "\nUw afspraak is verplaatst" not in message.body
    assert "\nBcc:" not in message.body
