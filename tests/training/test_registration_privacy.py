"""Nothing reveals who registered (issue 12, item 5).

The peer-support (survivors') form said "U bent al ingeschreven" for a known address, so an
abuser could test a partner's address; one script took every place of a session in 1.2 s; and
sign-up answered a known address in 31 ms and a new one in 418 ms (only new ones were hashed).
Now the peer-support answer is byte for byte the same for a known and a new address (the
mailbox owner is told by mail), the form has the consult form's defences (honeypot, time
stamp, rate limits per address and per session), and sign-up does the same work for both: one
password hash and one queued e-mail.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from content.training.models import HOLDS_A_PLACE, SessionKind, SessionRegistration
from content.training.services.sessions import registration_create
from portal.accounts.models import User
from portal.security.form_guard import form_token

pytestmark = pytest.mark.django_db

SALT = "content.training.registration-shown"
VARYING = re.compile(rb'(nonce|value)="[^"]*"')


@pytest.fixture(autouse=True)
def _fresh_counts(django_capture_on_commit_callbacks: Any) -> Iterator[None]:
    """The rate-limit counts live in the cache, which outlives a run on Redis."""
    cache.delete_many(
        [f"training:registration-rate:address:192.0.2.{n}" for n in range(256)]
        + [f"training:registration-rate:session:{n}" for n in range(1, 200)]
    )
    yield


def _peer_session(make_session: Callable[..., Any], capacity: int = 12) -> Any:
    return make_session(kind=SessionKind.PEER_SUPPORT, title="Lotgenoten", capacity=capacity)


def _post(
    client: Client, session: Any, email: str, *, address: str, capture: Any, **extra: str
) -> Any:
    """What a person sends: the form shown ten seconds ago, the honeypot left empty."""
    data = {
        "display_name": "Roos",
        "email": email,
        "website": "",
        "shown_at": form_token(time.time() - 10, salt=SALT),
        **extra,
    }
    with capture(execute=True):
        return client.post(
            reverse("training:session_detail", args=[session.pk]), data, REMOTE_ADDR=address
        )


def test_the_answer_is_the_same_for_a_known_and_a_new_address(
    make_session: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    session = _peer_session(make_session)
    with capture(execute=True):
        registration_create(session_id=session.pk, display_name="Sofie", email="sofie@test.example")
    mail.outbox.clear()
    known = _post(Client(), session, "Sofie@Test.example", address="192.0.2.1", capture=capture)
    known_mail = list(mail.outbox)
    mail.outbox.clear()
    new = _post(Client(), session, "nieuw@test.example", address="192.0.2.2", capture=capture)
    assert known.status_code == new.status_code == 200
    assert VARYING.sub(b"", known.content) == VARYING.sub(b"", new.content)
    assert "al ingeschreven" not in known.content.decode()
    # nothing changed for the known address; its owner is told, neutrally, with their link
    assert SessionRegistration.objects.filter(email="sofie@test.example").count() == 1
    assert [m.to for m in known_mail] == [["sofie@test.example"]]
    assert known_mail[0].subject == "Bericht over uw afspraak"
    assert known_mail[0].from_email == "Secretariaat <noreply@veilighuis.example>"
    assert "/vorming/inschrijving/" in known_mail[0].body and "Sofie" in known_mail[0].body
    assert "Roos" not in known_mail[0].body  # the name the tester typed is not used
    assert SessionRegistration.objects.filter(email="nieuw@test.example").exists()
    # the page says no exact number of places either (it would move for a new address only)
    page = Client().get(reverse("training:session_detail", args=[session.pk])).content.decode()
    assert "Er zijn nog plaatsen vrij" in page and "Nog 10" not in page


@pytest.fixture
def queued(settings: Any) -> Iterator[list[tuple[str, int]]]:
    """Background tasks queued but not run (django-tasks' dummy backend): what a request
    leaves for later, as (task, number of arguments)."""
    from django_tasks.signals import task_enqueued

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    seen: list[tuple[str, int]] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        seen.append((task_result.task.module_path, len(task_result.args)))

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


def test_a_known_and_a_new_address_cost_the_request_the_same(
    make_session: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
    queued: list[tuple[str, int]],
) -> None:
    """The registration itself is a background task: in the request both addresses run the
    same queries and queue the same one task."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    capture = django_capture_on_commit_callbacks
    session = _peer_session(make_session)
    SessionRegistration.objects.create(
        session=session, display_name="Sofie", email="sofie@test.example", status="confirmed"
    )
    _post(Client(), session, "warm@test.example", address="192.0.2.39", capture=capture)  # caches
    work = []
    for email, address in (
        ("sofie@test.example", "192.0.2.40"),
        ("nieuw@test.example", "192.0.2.41"),
    ):
        queued.clear()
        with CaptureQueriesContext(connection) as queries:
            response = _post(Client(), session, email, address=address, capture=capture)
        assert response.status_code == 200
        work.append((len(queries), list(queued)))
    assert work[0] == work[1]
    assert work[0][1] == [("content.training.tasks.register_for_peer_support", 3)]


def test_a_closed_session_says_so_for_every_address(
    make_session: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    session = _peer_session(make_session)
    session.registration_open = False
    session.save(update_fields=["registration_open"])
    response = _post(
        Client(),
        session,
        "x@test.example",
        address="192.0.2.42",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 400
    assert "Inschrijving gesloten" in response.content.decode()
    assert not SessionRegistration.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (lambda: {"website": "http://spam.example"}, "Uw inschrijving kon niet verstuurd worden"),
        (lambda: {"shown_at": ""}, "Het formulier was verlopen"),
        (lambda: {"shown_at": "vervalst"}, "Het formulier was verlopen"),
        (
            lambda: {"shown_at": form_token(time.time() - 5 * 3600, salt=SALT)},
            "Het formulier was verlopen",
        ),
        (lambda: {"shown_at": form_token(time.time(), salt=SALT)}, "Dat ging erg snel"),
        # the consult form's stamp is no stamp of this form
        (lambda: {"shown_at": form_token(time.time() - 10)}, "Het formulier was verlopen"),
    ],
    ids=["honeypot", "no-stamp", "forged", "stale", "too-fast", "other-form"],
)
def test_the_consult_forms_defences_guard_the_registration(
    make_session: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
    extra: Callable[[], dict[str, str]],
    message: str,
) -> None:
    session = _peer_session(make_session)
    response = _post(
        Client(),
        session,
        "iemand@test.example",
        address="192.0.2.3",
        capture=django_capture_on_commit_callbacks,
        **extra(),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SessionRegistration.objects.exists() and not mail.outbox


def test_one_script_cannot_take_every_place(
    make_session: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    """The 1.2 s attack: one form token replayed as fast as possible, first from one address,
    then from a new address for every request. Most of the places stay free."""
    capture = django_capture_on_commit_callbacks
    session = _peer_session(make_session, capacity=12)
    script = Client()
    statuses = [
        _post(
            script, session, f"bot{n}@test.example", address="192.0.2.10", capture=capture
        ).status_code
        for n in range(12)
    ]
    by_one_address = session.registrations.filter(status__in=HOLDS_A_PLACE).count()
    assert by_one_address == 3  # the session's share in 15 minutes, used up from one address
    assert statuses.count(400) == 9
    rotating = [
        _post(script, session, f"rot{n}@test.example", address=f"192.0.2.{20 + n}", capture=capture)
        for n in range(12)
    ]
    assert all(r.status_code == 400 for r in rotating)
    assert "Probeer het binnen een kwartier opnieuw" in rotating[-1].content.decode()
    assert session.registrations.filter(status__in=HOLDS_A_PLACE).count() == 3 < session.capacity


def test_one_address_cannot_close_a_session_for_everyone(
    make_session: Callable[..., Any], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    """Past its own limit an address no longer counts against the session."""
    capture = django_capture_on_commit_callbacks
    settings.TRAINING_REGISTRATION_LIMITS = {"per_address": 2, "session_minimum": 4}
    session = _peer_session(make_session, capacity=12)
    for n in range(8):
        _post(Client(), session, f"bot{n}@test.example", address="192.0.2.30", capture=capture)
    assert session.registrations.count() == 2
    other = _post(Client(), session, "echt@test.example", address="192.0.2.31", capture=capture)
    assert other.status_code == 200
    assert session.registrations.filter(email="echt@test.example").exists()


class CountingHasher(MD5PasswordHasher):
    """The test suite's fast hasher, counting how often a password is hashed."""

    calls = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).calls += 1
        return super().encode(password, salt)


SIGN_UP = {
    "full_name": "Fien Fictief",
    "password1": "een lange zin als wachtwoord",
    "password2": "een lange zin als wachtwoord",
}


def _sign_up(email: str, capture: Any) -> tuple[Any, int, list[str]]:
    """Sign up with the e-mail queued, not sent: the hashes and the queued tasks it cost."""
    from django_tasks.signals import task_enqueued

    CountingHasher.calls = 0
    tasks: list[str] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        tasks.append(task_result.task.module_path)

    task_enqueued.connect(record)
    try:
        with capture(execute=True):
            response = Client().post(reverse("accounts:signup"), {**SIGN_UP, "email": email})
    finally:
        task_enqueued.disconnect(record)
    return response, CountingHasher.calls, tasks


def test_sign_up_does_the_same_work_for_a_known_and_a_new_address(
    make_user: Callable[..., Any], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    make_user(email="bekend@school.example")
    known, known_hashes, known_tasks = _sign_up(
        "bekend@school.example", django_capture_on_commit_callbacks
    )
    new, new_hashes, new_tasks = _sign_up(
        "nieuw@school.example", django_capture_on_commit_callbacks
    )
    assert known.status_code == new.status_code == 302
    assert known["Location"] == new["Location"] == reverse("accounts:signup_check_email")
    assert known_hashes == new_hashes == 1
    # the e-mail leaves in the background on both paths, none while the browser waits
    assert known_tasks == new_tasks == ["portal.accounts.tasks.send_signup_email"]
    assert not mail.outbox
    assert User.objects.get(email="nieuw@school.example").check_password(SIGN_UP["password1"])


def test_sign_up_mails_still_reach_both_mailboxes(
    make_user: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    make_user(email="bekend@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("bekend@school.example", "nieuw@school.example"):
            Client().post(reverse("accounts:signup"), {**SIGN_UP, "email": email})
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "bekend@school.example": "Uw account bij Veilig Huis",
        "nieuw@school.example": "Bevestig uw e-mailadres bij Veilig Huis",
    }
