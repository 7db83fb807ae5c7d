"""Peer support made safe (issue 16, item 2).

The session page said "het adres staat in uw bevestigingsmail" and the mail repeated the
sentence, so a survivor never learnt where to go; the mails came from "Veilig Huis" with
"Veilig Huis" in the subject; and the agenda's peer session could not be booked (the bookable
one was on another list). Now a session has a private address that only the mails of a
confirmed place carry (confirmation, reminder, update), never a page, the agenda, the iCal file
or the admin list; sender and subject are neutral and set per session kind; and the agenda is
one list in which a bookable event leads to its booking form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import querydict_from_html

from content.models import EventIndexPage, EventPage
from content.training.models import (
    RegistrationStatus,
    SessionKind,
    SessionRegistration,
    TrainingSession,
)
from content.training.services.sessions import (
    registration_accept_offer,
    registration_cancel,
    registration_create,
    registration_link_token,
)
from content.training.tasks import send_due_reminders

pytestmark = pytest.mark.django_db

ADDRESS = "Zaal Fictief, Geheimstraat 7, 9000 Gent"
NEW_ADDRESS = "Huis Verzonnen, Nieuwlaan 3, 9000 Gent"
NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def _publish(parent: Any, page: Any) -> Any:
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _peer(make_session: Callable[..., TrainingSession], **extra: Any) -> TrainingSession:
    return make_session(
        kind=SessionKind.PEER_SUPPORT,
        title="Lotgenoten najaar",
        location="Gent",
        private_address=ADDRESS,
        **extra,
    )


def _register(session: TrainingSession, name: str, capture: Any) -> SessionRegistration:
    with capture(execute=True):
        return registration_create(
            session_id=session.pk, display_name=name, email=f"{name.lower()}@test.example"
        )


def _mails_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if m.to == [address]]


def test_only_the_mails_of_a_confirmed_place_carry_the_address(
    make_session: Callable[..., TrainingSession], django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(NOW, tick=False):
        session = _peer(make_session, capacity=1, in_days=3)
        an = _register(session, "An", capture)
        bo = _register(session, "Bo", capture)
        assert (an.status, bo.status) == (
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.WAITLISTED,
        )
        with capture(execute=True):  # the same address again: "already registered", no address
            registration_create(session_id=session.pk, display_name="X", email="an@test.example")
        [confirmation, again] = _mails_to("an@test.example")
        [waitlisted] = _mails_to("bo@test.example")
        assert confirmation.subject == "Bevestiging afspraak" and ADDRESS in confirmation.body
        assert again.subject == "Bericht over uw afspraak" and ADDRESS not in again.body
        assert ADDRESS not in waitlisted.body and "Gent" in waitlisted.body

    # Two days before: the reminder, to the confirmed place only.
    mail.outbox.clear()
    with time_machine.travel(NOW + timedelta(days=1, hours=12), tick=False), capture(execute=True):
        assert send_due_reminders.call() == 1
    [reminder] = mail.outbox
    assert reminder.to == ["an@test.example"] and reminder.subject == "Herinnering afspraak"
    assert ADDRESS in reminder.body

    # An cancels: no address in the cancellation; Bo's offer has none until Bo takes the place.
    mail.outbox.clear()
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        with capture(execute=True):
            registration_cancel(registration=an)
        [cancelled] = _mails_to("an@test.example")
        [offer] = _mails_to("bo@test.example")
        assert ADDRESS not in cancelled.body and ADDRESS not in offer.body
        with capture(execute=True):
            registration_accept_offer(registration=bo)
        [_offer, confirmed] = _mails_to("bo@test.example")
        assert confirmed.subject == "Bevestiging afspraak" and ADDRESS in confirmed.body


def test_a_mail_with_the_address_is_not_sent_to_a_place_no_longer_confirmed(
    make_session: Callable[..., TrainingSession], django_capture_on_commit_callbacks: Any
) -> None:
    """The task reads the registration when the mail leaves: cancelled in between, no address
    (a reminder marked due, then the registration cancelled before the worker sent it)."""
    from content.training.tasks import send_registration_email

    session = _peer(make_session)
    registration = _register(session, "Cas", django_capture_on_commit_callbacks)
    SessionRegistration.objects.filter(pk=registration.pk).update(
        status=RegistrationStatus.CANCELLED
    )
    mail.outbox.clear()
    for kind in ("confirmed", "reminder", "address_changed"):
        assert send_registration_email.call(registration.pk, kind) is False
    assert mail.outbox == []


def _page(client: Client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return response.content.decode()


def _agenda(home: Any) -> EventIndexPage:
    """A new, empty agenda (one the demo site of another test committed is removed first; this
    test's transaction puts it back)."""
    for existing in EventIndexPage.objects.child_of(home):
        existing.delete()
    return _publish(home, EventIndexPage(title="Agenda", slug="agenda"))


def test_the_address_is_on_no_page_no_agenda_no_calendar_and_not_in_the_admin_list(
    home: Any,
    make_session: Callable[..., TrainingSession],
    make_user: Callable[..., Any],
    verified_client: Callable[..., Client],
    learner_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = _peer(make_session)
    agenda = _agenda(home)
    event = _publish(
        agenda,
        EventPage(
            title="Lotgenotensessie",
            slug="lotgenoten",
            kind="peer_support",
            start=session.starts_at,
            end=session.ends_at,
            location="Gent",
            booking_session=session,
        ),
    )
    confirmed = _register(session, "Dree", django_capture_on_commit_callbacks)
    assert ADDRESS in mail.outbox[-1].body  # it exists, and goes where it should
    cache.clear()  # the anonymous page cache: read the pages as they are now
    urls = [
        reverse("training:session_detail", args=[session.pk]),
        reverse("training:session_list"),
        agenda.url,
        event.url,
        reverse("training:registration_manage", args=[registration_link_token(confirmed)]),
    ]
    for client in (Client(), learner_client):  # anonymous, and a learner who did not register
        for url in urls:
            page = _page(client, url)
            assert ADDRESS not in page and "Geheimstraat" not in page, url
        detail = _page(client, urls[0])
        assert "Het adres krijgt u per e-mail zodra uw plaats bevestigd is." in detail
        ics = client.get(reverse("training:session_ical", args=[session.pk])).content.decode()
        assert "LOCATION:Gent\r\n" in ics and "Geheimstraat" not in ics
    editor = verified_client(make_user(is_staff=True, is_superuser=True))
    listing = _page(editor, reverse(TrainingSession.snippet_viewset.get_url_name("list")))
    assert session.title in listing and "Geheimstraat" not in listing


def _admin_edit(editor: Client, session: TrainingSession, **changes: str) -> None:
    url = reverse(TrainingSession.snippet_viewset.get_url_name("edit"), args=[session.pk])
    data = dict(querydict_from_html(editor.get(url).content.decode(), "w-editor-form").items())
    response = editor.post(url, {**data, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_changed_address_is_mailed_to_confirmed_places_only(
    make_session: Callable[..., TrainingSession],
    make_user: Callable[..., Any],
    verified_client: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    session = _peer(make_session, capacity=1)
    _register(session, "Els", capture)
    _register(session, "Fee", capture)  # waitlisted
    editor = verified_client(make_user(is_staff=True, is_superuser=True))
    mail.outbox.clear()
    with capture(execute=True):
        _admin_edit(editor, session, title="Lotgenoten, nieuwe titel")
    assert mail.outbox == []  # another field: nothing to tell
    with capture(execute=True):
        _admin_edit(editor, session, private_address=NEW_ADDRESS)
    [update] = mail.outbox
    assert update.to == ["els@test.example"] and update.subject == "Wijziging afspraak"
    assert update.from_email == "Secretariaat <noreply@veilighuis.example>"
    assert NEW_ADDRESS in update.body and ADDRESS not in update.body
    for word in ("lotgenot", "geweld", "veilig huis"):
        assert word not in update.body.lower()
    session.refresh_from_db()
    assert session.private_address == NEW_ADDRESS


def test_sender_and_subject_are_set_per_session_kind(
    make_session: Callable[..., TrainingSession],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    training = make_session(kind=SessionKind.IN_PERSON, title="Vorming IFG")
    _register(training, "Gust", capture)
    [professional] = mail.outbox
    assert professional.subject == "Inschrijving bevestigd: Vorming IFG"
    assert professional.from_email == settings.DEFAULT_FROM_EMAIL

    settings.TRAINING_SESSION_MAIL = {
        "peer_support": {
            "sender_name": "Onthaal, dienst afspraken",
            "from_address": "afspraken@neutraal.example",
            "subjects": {"confirmed": "Uw afspraak\r\nBcc: x@evil.example"},
        },
        "in_person": {"sender_name": "Vormingscel", "subjects": {"confirmed": "Ok: %(title)s"}},
    }
    mail.outbox.clear()
    _register(_peer(make_session), "Hil", capture)
    _register(make_session(kind=SessionKind.IN_PERSON, title="Vorming 2"), "Ida", capture)
    peer, other = mail.outbox
    # a sender name with a comma is quoted; a subject from a setting stays on one line
    assert peer.from_email == '"Onthaal, dienst afspraken" <afspraken@neutraal.example>'
    assert peer.subject == "Uw afspraak Bcc: x@evil.example"
    assert peer.message()["Bcc"] is None and ADDRESS in peer.body
    assert other.from_email == "Vormingscel <noreply@veilighuis.example>"
    assert other.subject == "Ok: Vorming 2"


def test_the_agenda_is_one_list_and_a_bookable_event_leads_to_the_form(
    home: Any, make_session: Callable[..., TrainingSession]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    peer = _peer(make_session, in_days=10)
    training = make_session(title="Vorming signalen herkennen", in_days=5)
    agenda = _agenda(home)
    event = _publish(
        agenda,
        EventPage(
            title="Verder na partnergeweld",
            slug="verder",
            kind="peer_support",
            start=timezone.now() + timedelta(days=30),  # the session's time wins
            end=timezone.now() + timedelta(days=30, hours=2),
            location="Gent",
            booking_session=peer,
        ),
    )
    assert (event.start, event.end) == (peer.starts_at, peer.ends_at)
    _publish(
        agenda,
        EventPage(
            title="Infosessie",
            slug="info",
            kind="information",
            start=timezone.now() + timedelta(days=2),
            end=timezone.now() + timedelta(days=2, hours=1),
            location="Online",
        ),
    )
    cache.clear()
    page = _page(Client(), agenda.url)
    titles = re.findall(r'<h2 class="card__title"><a href="([^"]+)">([^<]+)</a>', page)
    assert [t for _url, t in titles] == [
        "Infosessie",
        "Vorming signalen herkennen",
        "Verder na partnergeweld",
    ]
    assert "Lotgenoten najaar" not in page  # the linked session is listed once, as its event
    booking = reverse("training:session_detail", args=[peer.pk])
    assert page.count(f'href="{booking}"') == 1
    assert dict((t, u) for u, t in titles)["Vorming signalen herkennen"] == reverse(
        "training:session_detail", args=[training.pk]
    )
    event_page = _page(Client(), event.url)
    assert f'href="{booking}"' in event_page and "Naar het inschrijvingsformulier" in event_page
    assert "Het adres krijgt u per e-mail zodra uw plaats bevestigd is." in event_page
    # The training app's own list is the agenda now.
    response = Client().get(reverse("training:session_list"))
    assert response.status_code == 302 and response["Location"] == agenda.url

    # The list costs the same queries for more events and sessions.
    client = Client()
    client.get(agenda.url)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(agenda.url)
    for n in range(4):
        session = make_session(title=f"Extra {n}", in_days=20 + n)
        _publish(
            agenda,
            EventPage(
                title=f"Activiteit {n}",
                slug=f"activiteit-{n}",
                kind="training",
                start=session.starts_at,
                end=session.ends_at,
                location="Brugge",
                booking_session=session if n % 2 else None,
            ),
        )
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get(agenda.url)
    assert response.content.decode().count('class="card__title"') == 3 + 4 + 2
    assert len(many) == len(few)


def test_an_event_links_one_session_and_takes_its_time(
    home: Any, make_session: Callable[..., TrainingSession]
) -> None:
    from django.core.exceptions import ValidationError

    session = _peer(make_session)
    agenda = _agenda(home)
    _publish(
        agenda,
        EventPage(
            title="Eerste",
            slug="eerste",
            kind="peer_support",
            start=session.starts_at,
            end=session.ends_at,
            location="Gent",
            booking_session=session,
        ),
    )
    second = EventPage(
        title="Tweede",
        slug="tweede",
        kind="peer_support",
        start=session.starts_at,
        end=session.ends_at,
        location="Gent",
        booking_session=session,
    )
    with pytest.raises(ValidationError) as error:
        agenda.add_child(instance=second)
    assert "verwijst al naar deze sessie" in str(error.value)


def test_the_demo_agenda_lists_every_activity_once(home: Any) -> None:
    """The demo's peer-support event is booked through the demo peer session: one entry, with
    the booking link; the old "the address is in your confirmation mail" sentence is gone."""
    from content.demo_site import ensure_demo_site
    from content.training.demo import ensure_demo_training

    ensure_demo_site()
    ensure_demo_training()
    ensure_demo_training()  # idempotent: linked once
    peer = TrainingSession.objects.get(kind=SessionKind.PEER_SUPPORT)
    assert peer.private_address and peer.location == "Gent"
    [event] = EventPage.objects.filter(booking_session=peer)
    cache.clear()
    page = _page(Client(), EventIndexPage.objects.get().url)
    titles = re.findall(r'<h2 class="card__title"><a href="[^"]+">([^<]+)</a>', page)
    assert len(titles) == len(set(titles)) == 4  # two events, two sessions of their own
    assert event.title in titles and peer.title not in titles
    assert f'href="{reverse("training:session_detail", args=[peer.pk])}"' in page
    assert "bevestigingsmail" not in page and peer.private_address not in page
