"""Background work for training (django-tasks): registration e-mails, reminders, lapsing
offers, peer-support retention. ``manage.py training_housekeeping`` enqueues the periodic ones
(run it from cron every quarter of an hour); ``manage.py db_worker`` runs them in production.

Peer-support e-mails have a neutral sender, subject and body (``emails``): an inbox may be read
by someone else.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import translation
from django_tasks import task

from .emails import ADDRESS_KINDS, EMAIL_KINDS, registration_email
from .models import RegistrationStatus, SessionRegistration
from .services.learning import TrainingError
from .services.sessions import (
    offers_expire,
    peer_support_purge,
    registration_create,
    reminders_due,
)


@task()
def send_registration_email(registration_id: int, kind: str) -> bool:
    """Render and send one registration mail from the registration as it is now. A mail that
    carries the address (confirmation, reminder, update) goes to a confirmed place only: a
    registration cancelled, or not yet confirmed, by the time it leaves gets none."""
    registration = (
        SessionRegistration.objects.select_related("session").filter(pk=registration_id).first()
    )
    if registration is None or kind not in EMAIL_KINDS:
        return False
    if kind in ADDRESS_KINDS and registration.status != RegistrationStatus.CONFIRMED:
        return False
    with translation.override("nl-be"):
        mail = registration_email(kind, registration)
    send_mail(mail.subject, mail.body, mail.from_email, [registration.email])
    return True


@task()
def register_for_peer_support(session_id: int, display_name: str, email: str) -> bool:
    """A peer-support registration, taken off the request: the page answers the same, in the
    same time, whether the address was new or already registered (the e-mail tells which).
    False when the session closed in between (nobody was registered; nothing to tell)."""
    try:
        registration_create(session_id=session_id, display_name=display_name, email=email)
    except TrainingError:
        return False
    return True


@task()
def send_due_reminders() -> int:
    ids = reminders_due()
    for registration_id in ids:
        send_registration_email.enqueue(registration_id, "reminder")
    return len(ids)


@task()
def expire_offers() -> int:
    return offers_expire()


@task()
def purge_peer_support_registrations() -> int:
    return peer_support_purge()
