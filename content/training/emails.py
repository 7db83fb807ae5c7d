"""Registration e-mails: who they come from, their subject and their body, per session kind.

Peer-support mails go to people an abuser may be watching: the sender's name and the subject
say nothing (defaults "Secretariaat" and "Bevestiging afspraak"), nor does the body. The
setting ``TRAINING_SESSION_MAIL`` overrides them per session kind, e.g.::

    TRAINING_SESSION_MAIL = {
        "peer_support": {
            "sender_name": "Onthaal",
            "from_address": "afspraken@example.be",  # optional; else DEFAULT_FROM_EMAIL's
            "subjects": {"confirmed": "Uw afspraak", "default": "Bericht over uw afspraak"},
        },
    }

A subject may name the session with ``%(title)s`` (the professional defaults do).

The session's private address goes only into the confirmation, the reminder and the update
mail of a confirmed registration (``ADDRESS_KINDS``); ``tasks.send_registration_email`` checks
the status when the mail leaves, so a registration cancelled in between gets none.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import RegistrationStatus, SessionKind, SessionRegistration

EMAIL_KINDS = (
    "confirmed",
    "waitlisted",
    "offered",
    "cancelled",
    "offer_expired",
    "reminder",
    "already_registered",
    "address_changed",
)
# The mails that carry the private address and the online link, to confirmed places only.
ADDRESS_KINDS = frozenset({"confirmed", "reminder", "address_changed"})

_PROFESSIONAL_SUBJECTS: dict[str, Any] = {
    "confirmed": _("Inschrijving bevestigd: %(title)s"),
    "waitlisted": _("Op de wachtlijst: %(title)s"),
    "offered": _("Er is een plaats vrij: %(title)s"),
    "cancelled": _("Inschrijving geannuleerd: %(title)s"),
    "offer_expired": _("Aanbod verlopen: %(title)s"),
    "reminder": _("Herinnering: %(title)s"),
    "already_registered": _("U bent al ingeschreven: %(title)s"),
    "address_changed": _("Nieuw adres: %(title)s"),
}
DEFAULT_IDENTITIES: dict[str, dict[str, Any]] = {
    SessionKind.IN_PERSON: {"subjects": _PROFESSIONAL_SUBJECTS},
    SessionKind.ONLINE: {"subjects": _PROFESSIONAL_SUBJECTS},
    # Neutral: nothing about violence, victims, a group, or Veilig Huis.
    SessionKind.PEER_SUPPORT: {
        "sender_name": _("Secretariaat"),
        "subjects": {
            "confirmed": _("Bevestiging afspraak"),
            "reminder": _("Herinnering afspraak"),
            "address_changed": _("Wijziging afspraak"),
            "default": _("Bericht over uw afspraak"),
        },
    },
}


@dataclass(frozen=True)
class MailIdentity:
    """How the mails of one session kind present themselves."""

    sender_name: str | None  # None: DEFAULT_FROM_EMAIL as it is
    from_address: str | None
    subjects: dict[str, Any]
    neutral: bool

    def sender(self) -> str:
        if self.sender_name is None and self.from_address is None:
            return str(settings.DEFAULT_FROM_EMAIL)
        default_name, default_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        name = self.sender_name if self.sender_name is not None else default_name
        return formataddr((_one_line(name), self.from_address or default_address))

    def subject(self, kind: str, *, title: str) -> str:
        template = str(self.subjects.get(kind) or self.subjects.get("default") or "")
        if "%(" in template:
            # A badly written override is sent as written rather than not at all.
            with suppress(KeyError, ValueError, TypeError):
                template = template % {"title": title}
        return _one_line(template)


def _one_line(text: str) -> str:
    """Headers are one line (a newline from a setting would make Django refuse the mail)."""
    return " ".join(str(text).split())


def mail_identity(kind: str) -> MailIdentity:
    """The defaults of ``kind``, overridden key by key by ``TRAINING_SESSION_MAIL``."""
    default = DEFAULT_IDENTITIES.get(kind, DEFAULT_IDENTITIES[SessionKind.IN_PERSON])
    override = getattr(settings, "TRAINING_SESSION_MAIL", {}).get(kind, {})
    subjects = {**default.get("subjects", {}), **override.get("subjects", {})}
    return MailIdentity(
        sender_name=override.get("sender_name", default.get("sender_name")),
        from_address=override.get("from_address", default.get("from_address")),
        subjects=subjects,
        neutral=kind == SessionKind.PEER_SUPPORT,
    )


def carries_address(kind: str, registration: SessionRegistration) -> bool:
    return kind in ADDRESS_KINDS and registration.status == RegistrationStatus.CONFIRMED


@dataclass(frozen=True)
class RegistrationMail:
    subject: str
    body: str
    from_email: str


def registration_email(kind: str, registration: SessionRegistration) -> RegistrationMail:
    """One registration e-mail, rendered in the active language."""
    from .services.sessions import registration_link_token

    session = registration.session
    identity = mail_identity(session.kind)
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    token = registration_link_token(registration)
    with_address = carries_address(kind, registration)
    context = {
        "kind": kind,
        "registration": registration,
        "session": session,
        "neutral": identity.neutral,
        "signature": identity.sender_name or "Veilig Huis",
        "private_address": session.private_address.strip() if with_address else "",
        "online_link": session.online_link if with_address else "",
        "manage_url": base + reverse("training:registration_manage", args=[token]),
        "ical_url": base + reverse("training:session_ical", args=[registration.session_id]),
    }
    body = render_to_string("training/email/registration.txt", context)
    return RegistrationMail(
        subject=identity.subject(kind, title=session.title),
        body=body,
        from_email=identity.sender(),
    )
