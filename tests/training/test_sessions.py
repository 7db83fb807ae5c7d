"""Sessions: capacity, waitlist, offers, cancellation by link, peer-support minimum data,
attendance for coordinators, retention, reminders and iCal."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Role
from content.training.models import RegistrationStatus, SessionKind, SessionRegistration
from content.training.services.learning import TrainingError
from content.training.services.sessions import (
    offers_expire,
    peer_support_purge,
    registration_cancel,
    registration_create,
    registration_from_token,
    registration_link_token,
)
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.security.form_guard import form_token
from tests.factories.organisations import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

Status = RegistrationStatus
_after_commit = None


@pytest.fixture(autouse=True)
def _hooks(django_capture_on_commit_callbacks) -> None:
    """E-mails leave after commit; these tests roll back, so run the hooks at each step."""
    global _after_commit
    _after_commit = django_capture_on_commit_callbacks


def step(func, *args, **kwargs):
    with _after_commit(execute=True):
        return func(*args, **kwargs)


def _register(session, n: int, **extra):
    return step(
        registration_create,
        session_id=session.pk,
        display_name=f"Persoon {n}",
        email=f"p{n}@test.example",
        **extra,
    )


def _manage_url_from(message) -> str:
    match = re.search(r"http://[^\s]+/vorming/inschrijving/([^\s/]+)/", message.body)
    assert match, message.body
    return reverse("training:registration_manage", args=[match.group(1)])


def test_capacity_then_waitlist_then_offer_on_cancellation(make_session) -> None:
    session = make_session(capacity=2)
    first, second, third, fourth = (_register(session, n) for n in range(4))
    assert [r.status for r in (first, second, third, fourth)] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    mail.outbox.clear()
    step(registration_cancel, registration=first)
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == Status.OFFERED and third.offer_expires_at is not None
    assert fourth.status == Status.WAITLISTED  # the first on the waitlist, not the last
    subjects = sorted(m.subject for m in mail.outbox)
    assert any(s.startswith("Er is een plaats vrij") for s in subjects)
    # A newcomer does not jump the queue while the offer runs.
    assert _register(session, 9).status == Status.WAITLISTED


def test_offer_accepted_by_link(make_session) -> None:
    session = make_session(capacity=1)
    first = _register(session, 1)
    second = _register(session, 2)
    mail.outbox.clear()
    step(registration_cancel, registration=first)
    offer = next(m for m in mail.outbox if m.to == ["p2@test.example"])
    url = _manage_url_from(offer)
    client = Client()
    page = client.get(url)
    assert page.status_code == 200 and "Plaats bevestigen" in page.content.decode()
    step(client.post, url, {"action": "accept"})
    second.refresh_from_db()
    assert second.status == Status.CONFIRMED


def test_expired_offer_passes_to_the_next_person(make_session) -> None:
    session = make_session(capacity=1)
    first, second, third = (_register(session, n) for n in range(3))
    step(registration_cancel, registration=first)
    assert step(offers_expire, now=timezone.now() + timedelta(days=3)) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Status.OFFER_EXPIRED
    assert third.status == Status.OFFERED


def test_cancellation_link_works_without_login_and_forged_links_fail(make_session) -> None:
    session = make_session()
    registration = _register(session, 1)
    url = _manage_url_from(mail.outbox[-1])
    client = Client()
    assert step(client.post, url, {"action": "cancel"}).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    token = registration_link_token(registration)
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert registration_from_token(forged) is None
    assert client.get(reverse("training:registration_manage", args=[forged])).status_code == 404
    assert client.get(reverse("training:registration_manage", args=["abc"])).status_code == 404


def test_double_registration_is_refused(make_session) -> None:
    session = make_session()
    _register(session, 1)
    with pytest.raises(TrainingError):
        registration_create(session_id=session.pk, display_name="X", email="P1@test.example")


def test_professional_sessions_need_an_account(make_session, learner_client: Client) -> None:
    session = make_session()
    url = reverse("training:session_detail", args=[session.pk])
    response = Client().post(url, {"display_name": "Iemand", "email": "iemand@test.example"})
    assert response.status_code == 302 and "/account/aanmelden/" in response["Location"]
    response = learner_client.post(url, {"display_name": "Fien Fictief", "email": "x@test.example"})
    assert response.status_code == 200
    registration = SessionRegistration.objects.get()
    assert registration.user is not None and registration.email == "lerende@test.example"


def test_peer_support_keeps_minimum_data_and_neutral_mail(make_session) -> None:
    session = make_session(kind=SessionKind.PEER_SUPPORT, title="Lotgenotensessie partnergeweld")
    client = Client()
    url = reverse("training:session_detail", args=[session.pk])
    page = client.get(url).content.decode()
    assert "Snel weg" in page  # quick exit on peer-support pages
    assert "Voornaam of schuilnaam" in page
    bad = client.post(url, {"display_name": "", "email": "geen-adres"})
    assert bad.status_code == 400 and "Er is een probleem" in bad.content.decode()
    assert 'value="geen-adres"' in bad.content.decode()  # nothing lost
    # the form as a person sends it: shown a while ago, the honeypot left empty
    shown = form_token(time.time() - 10, salt="content.training.registration-shown")
    cache.delete(f"training:registration-rate:session:{session.pk}")  # outlives a run on Redis
    cache.delete("training:registration-rate:address:127.0.0.1")
    response = step(
        client.post, url, {"display_name": "Roos", "email": "roos@test.example", "shown_at": shown}
    )
    assert response.status_code == 200
    registration = SessionRegistration.objects.get()
    assert registration.user is None and registration.display_name == "Roos"
    message = mail.outbox[-1]
    assert message.subject == "Bevestiging afspraak"
    assert message.from_email == "Secretariaat <noreply@veilighuis.example>"
    for word in ("lotgenot", "geweld", "partner", "veilig huis"):
        assert word not in message.subject.lower() and word not in message.from_email.lower()
    for word in ("lotgenot", "geweld", "partner"):
        assert word not in message.body.lower()
    ics = client.get(reverse("training:session_ical", args=[session.pk])).content.decode()
    assert "SUMMARY:Afspraak Veilig Huis" in ics and "geweld" not in ics


def test_professional_session_page_has_the_quick_exit_too(make_session) -> None:
    """Every page a visitor can reach has "Snel weg" (issue 16), not only peer-support pages."""
    session = make_session()
    page = Client().get(reverse("training:session_detail", args=[session.pk])).content.decode()
    assert page.count("data-quick-exit-link") == 1


def test_attendee_list_is_for_coordinators_only(make_session, make_user, verified_client) -> None:
    session = make_session(kind=SessionKind.PEER_SUPPORT)
    _register(session, 1)
    url = reverse("training:session_attendees", args=[session.pk])
    partner = make_user()
    organisation = OrganisationFactory(
        name="CAW Test", kind="caw", sector="welfare", region="oost-vlaanderen"
    )
    MembershipFactory(user=partner, organisation=organisation, role=Role.PARTNER)
    assert verified_client(partner).get(url).status_code == 404
    learner = Client()
    learner.force_login(make_user())
    assert learner.get(url).status_code == 404
    coordinator = make_user()
    MembershipFactory(user=coordinator, organisation=organisation, role=Role.COORDINATOR)
    unverified = Client()
    unverified.force_login(coordinator)
    assert unverified.get(url).status_code in (302, 404)  # the second-factor gate or our own check
    response = verified_client(coordinator).get(url)
    assert response.status_code == 200 and "Persoon 1" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.TRAINING_REPORT_VIEWED,
        actor=coordinator,
        object_type="training_session_attendees",
    ).exists()


def test_attendance_counts_towards_hours(
    make_session, make_user, verified_client, learner, learner_client
) -> None:
    session = make_session()
    registration = _register(session, 1, user=learner)
    organisation = OrganisationFactory(
        name="VH Test", kind="veilig_huis", sector="welfare", region="oost-vlaanderen"
    )
    coordinator = make_user()
    MembershipFactory(user=coordinator, organisation=organisation, role=Role.COORDINATOR)
    url = reverse("training:session_attendees", args=[session.pk])
    verified_client(coordinator).post(url, {"present": [registration.pk]})
    registration.refresh_from_db()
    assert registration.attended is True
    dashboard = learner_client.get(reverse("training:dashboard")).content.decode()
    assert "Vormingsuren: 2 (0 uit cursussen, 2 uit sessies)" in dashboard


def test_peer_support_registrations_are_purged_after_retention(make_session) -> None:
    past = make_session(kind=SessionKind.PEER_SUPPORT, in_days=-40, retention_days=30)
    recent = make_session(kind=SessionKind.PEER_SUPPORT, in_days=-5, retention_days=30)
    training = make_session(in_days=-40)
    for session in (past, recent, training):
        SessionRegistration.objects.create(
            session=session,
            display_name="X",
            email=f"x{session.pk}@test.example",
            status=Status.CONFIRMED,
        )
    assert peer_support_purge() == 1
    assert not SessionRegistration.objects.filter(session=past).exists()
    assert SessionRegistration.objects.filter(session=recent).exists()
    assert SessionRegistration.objects.filter(session=training).exists()


def test_housekeeping_command_sends_reminders_once(make_session) -> None:
    soon = make_session(in_days=1)
    later = make_session(in_days=10)
    _register(soon, 1)
    _register(later, 2)
    mail.outbox.clear()
    step(call_command, "training_housekeeping", "--now", stdout=StringIO())
    reminders = [m for m in mail.outbox if m.subject.startswith("Herinnering")]
    assert [m.to for m in reminders] == [["p1@test.example"]]
    mail.outbox.clear()
    step(call_command, "training_housekeeping", stdout=StringIO())
    assert not [m for m in mail.outbox if m.subject.startswith("Herinnering")]


def test_ical_download(make_session) -> None:
    session = make_session(title="Vorming IFG, deel 1; Gent")
    response = Client().get(reverse("training:session_ical", args=[session.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "SUMMARY:Vorming IFG\\, deel 1\\; Gent" in body
    assert body.endswith("END:VCALENDAR\r\n")


def test_session_list_in_fixed_queries(make_session) -> None:
    """The training app's own list, for a site without a public agenda (with one, the list
    sends people to the agenda: tests/training/test_peer_support_safe.py). The run's demo site
    may have an agenda: take it offline for this test (rolled back after it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from content.models import EventIndexPage

    EventIndexPage.objects.update(live=False)
    url = reverse("training:session_list")
    client = Client()
    _register(make_session(title="Sessie 0"), 0)
    client.get(url)  # warm Wagtail's site-root cache (the public menu), as any page view does
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(1, 6):
        _register(make_session(title=f"Sessie {n}"), n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("card__title") == 6
    assert len(many) == len(few)
