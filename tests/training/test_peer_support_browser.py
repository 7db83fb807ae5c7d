"""Booking a peer-support session from the public agenda, in headless Chromium with axe on
every page (issue 16, item 2): agenda, event, booking form, confirmation page. The address
reaches the mailbox and no page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from content.models import EventIndexPage, EventPage
from content.training.models import SessionKind, SessionRegistration, TrainingSession
from tests.axe import assert_no_axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ADDRESS = "Zaal Fictief, Geheimstraat 7, 9000 Gent"


def _publish(parent: Any, page: Any) -> Any:
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_book_a_peer_session_from_the_agenda(
    live_server: Any, page: Any, home: Any, make_session: Callable[..., TrainingSession]
) -> None:
    cache.clear()  # rate limits and cached pages of earlier runs
    base = live_server.url
    with time_machine.travel(timezone.now(), tick=True) as clock:
        session = make_session(
            kind=SessionKind.PEER_SUPPORT,
            title="Lotgenoten najaar",
            location="Gent",
            private_address=ADDRESS,
            capacity=8,
        )
        for existing in EventIndexPage.objects.child_of(home):  # a demo site of another test
            existing.delete()
        agenda = _publish(home, EventIndexPage(title="Agenda", slug="agenda"))
        _publish(
            agenda,
            EventPage(
                title="Verder na partnergeweld",
                slug="verder",
                kind="peer_support",
                start=session.starts_at,
                end=session.ends_at,
                location="Gent",
                booking_session=session,
            ),
        )

        page.goto(base + agenda.url)
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Verder na partnergeweld", exact=True).click()
        page.get_by_role("heading", name="Verder na partnergeweld", level=1).wait_for()
        assert "Het adres krijgt u per e-mail" in page.content()
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Naar het inschrijvingsformulier").click()
        page.get_by_label("Voornaam of schuilnaam").fill("Roos")
        page.get_by_label("E-mailadres").fill("roos@test.example")
        assert_no_axe_violations(page)
        assert "Geheimstraat" not in page.content()
        clock.shift(10)  # a person takes a few seconds to fill in the form
        page.get_by_role("button", name="Inschrijven").click()
        page.get_by_role("heading", name="Inschrijving ontvangen").wait_for()
        assert_no_axe_violations(page)
        assert "Geheimstraat" not in page.content()

    registration = SessionRegistration.objects.get(session=session)
    assert registration.display_name == "Roos" and registration.status == "confirmed"
    [confirmation] = [m for m in mail.outbox if m.to == ["roos@test.example"]]
    assert confirmation.subject == "Bevestiging afspraak" and ADDRESS in confirmation.body
    assert "Veilig Huis" not in confirmation.from_email
