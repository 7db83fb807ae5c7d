"""Background work for training (django-tasks): registration e-mails, reminders, lapsing
offers, peer-support retention. ``manage.py training_housekeeping`` enqueues the periodic ones
(run it from cron every quarter of an hour); ``manage.py db_worker`` runs them in production.

Peer-support e-mails have neutral subjects and bodies: an inbox may be read by someone else.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import SessionRegistration
from .services.learning import TrainingError
from .services.sessions import (
    offers_expire,
    peer_support_purge,
    registration_create,
    registration_link_token,
    reminders_due,
)

EMAIL_KINDS = (
    "confirmed",
    "waitlisted",
    "offered",
    "cancelled",
    "offer_expired",
    "reminder",
    "already_registered",
)


def _subject(kind: str, registration: SessionRegistration) -> str:
    if registration.session.is_peer_support:
        # Neutral: says nothing about violence, victims or a group.
        if kind == "reminder":
            return _("Herinnering aan uw afspraak bij Veilig Huis")
        return _("Bericht over uw inschrijving bij Veilig Huis")
    title = registration.session.title
    return {
        "confirmed": _("Inschrijving bevestigd: %(title)s"),
        "waitlisted": _("Op de wachtlijst: %(title)s"),
        "offered": _("Er is een plaats vrij: %(title)s"),
        "cancelled": _("Inschrijving geannuleerd: %(title)s"),
        "offer_expired": _("Aanbod verlopen: %(title)s"),
        "reminder": _("Herinnering: %(title)s"),
        "already_registered": _("U bent al ingeschreven: %(title)s"),
    }[kind] % {"title": title}


def registration_email(kind: str, registration: SessionRegistration) -> tuple[str, str]:
    """Subject and plain-text body of one registration e-mail."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    token = registration_link_token(registration)
    context = {
        "kind": kind,
        "registration": registration,
        "session": registration.session,
        "neutral": registration.session.is_peer_support,
        "manage_url": base + reverse("training:registration_manage", args=[token]),
        "ical_url": base + reverse("training:session_ical", args=[registration.session_id]),
    }
    body = render_to_string("training/email/registration.txt", context)
    return _subject(kind, registration), body


@task()
def send_registration_email(registration_id: int, kind: str) -> bool:
    registration = (
        SessionRegistration.objects.select_related("session").filter(pk=registration_id).first()
    )
    if registration is None or kind not in EMAIL_KINDS:
        return False
    with translation.override("nl-be"):
        subject, body = registration_email(kind, registration)
    send_mail(subject, body, None, [registration.email])
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
