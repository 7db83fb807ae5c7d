"""Session registration with a waitlist.

Capacity: every change that can take or free a place first locks the session row
(``SELECT … FOR UPDATE`` on PostgreSQL), then counts the places held, inside one transaction; so
parallel registrations queue on the lock and the count they see is always current. SQLite has no
row locks: there the first statement is a write to the session row, which takes SQLite's single
write lock for the rest of the transaction and serialises the same way.

E-mails go out through background tasks after commit (``tasks.send_registration_email``).
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from ..models import (
    ACTIVE,
    HOLDS_A_PLACE,
    RegistrationStatus,
    SessionKind,
    SessionRegistration,
    TrainingSession,
)
from .learning import TrainingError

_LINK_SALT = "content.training.registration-link"


def offer_period() -> timedelta:
    return timedelta(hours=getattr(settings, "TRAINING_OFFER_HOURS", 48))


# --- Links -----------------------------------------------------------------------------------


def registration_link_token(registration: SessionRegistration) -> str:
    digest = salted_hmac(
        _LINK_SALT, f"{registration.pk}:{registration.link_nonce}", algorithm="sha256"
    ).hexdigest()[:40]
    return f"{registration.pk}-{digest}"


def registration_from_token(token: str) -> SessionRegistration | None:
    """The registration a link points to, or None for any malformed, forged or voided link."""
    pk_part, _sep, _digest = token.partition("-")
    if not pk_part.isdigit():
        return None
    registration = (
        SessionRegistration.objects.select_related("session").filter(pk=int(pk_part)).first()
    )
    if registration is None:
        return None
    if not constant_time_compare(registration_link_token(registration), token):
        return None
    return registration


# --- Locking ---------------------------------------------------------------------------------


def _lock_session(session_id: int) -> TrainingSession:
    """Take the session's lock for the rest of the transaction (see the module docstring)."""
    if connection.vendor != "postgresql":
        TrainingSession.objects.filter(pk=session_id).update(capacity=F("capacity"))
    try:
        return TrainingSession.objects.select_for_update().get(pk=session_id)
    except TrainingSession.DoesNotExist:
        raise TrainingError(_("Deze sessie bestaat niet (meer).")) from None


P = ParamSpec("P")
R = TypeVar("R")


def _retry_when_sqlite_is_locked(func: Callable[P, R]) -> Callable[P, R]:
    """SQLite (development, local tests) answers a second writer with "database is locked"
    instead of queueing it as PostgreSQL does; retry the whole transaction a few times there.
    Never retries on PostgreSQL or inside a caller's transaction."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return func(*args, **kwargs)
        for attempt in range(50):
            try:
                return func(*args, **kwargs)
            except OperationalError as error:
                if "locked" not in str(error) or attempt == 49:
                    raise
                time.sleep(0.01 + random.random() * 0.05)  # noqa: S311 - jitter, not security
        raise AssertionError("unreachable")

    return wrapper


def _notify(registration: SessionRegistration, kind: str) -> None:
    from ..tasks import send_registration_email

    registration_id = registration.pk
    transaction.on_commit(lambda: send_registration_email.enqueue(registration_id, kind))


def _places_held(session: TrainingSession) -> int:
    return session.registrations.filter(status__in=HOLDS_A_PLACE).count()


def _offer_free_places(session: TrainingSession, now: datetime) -> list[SessionRegistration]:
    """Offer every free place to the next people on the waitlist (caller holds the lock)."""
    if session.starts_at <= now:
        return []
    free = session.capacity - _places_held(session)
    if free <= 0:
        return []
    expires = min(now + offer_period(), session.starts_at)
    offered = list(
        session.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by(
            "created_at", "id"
        )[:free]
    )
    for registration in offered:
        registration.status = RegistrationStatus.OFFERED
        registration.offer_expires_at = expires
        registration.save(update_fields=["status", "offer_expires_at"])
        _notify(registration, "offered")
    return offered


# --- Services --------------------------------------------------------------------------------


@_retry_when_sqlite_is_locked
def registration_create(
    *,
    session_id: int,
    display_name: str,
    email: str,
    user: Any = None,
) -> SessionRegistration:
    """Register for a session: a place if one is free and nobody waits, else the waitlist.

    A peer-support registration for an address that is already registered changes nothing and
    returns the existing registration; the mailbox owner is told by e-mail. The caller shows
    the same page either way: the answer must not tell whether an address is known (an abuser
    could test a partner's address). Professional sessions are registered from the signed-in
    account itself, so there "already registered" is said."""
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        session = _lock_session(session_id)
        if not session.registration_open or session.starts_at <= now:
            raise TrainingError(_("De inschrijving voor deze sessie is gesloten."))
        active = session.registrations.filter(status__in=ACTIVE)
        if session.kind == SessionKind.PEER_SUPPORT:
            existing = active.filter(email__iexact=email).order_by("id").first()
            if existing is not None:
                _notify(existing, "already_registered")
                return existing
        elif active.filter(email__iexact=email).exists() or (
            user is not None and active.filter(user=user).exists()
        ):
            raise TrainingError(_("U bent al ingeschreven voor deze sessie."))
        waiting = session.registrations.filter(status=RegistrationStatus.WAITLISTED).exists()
        has_place = _places_held(session) < session.capacity and not waiting
        registration = SessionRegistration(
            session=session,
            user=user if session.kind != SessionKind.PEER_SUPPORT else None,
            display_name=display_name.strip(),
            email=email,
            status=RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITLISTED,
        )
        registration.full_clean()
        registration.save()
        _notify(registration, "confirmed" if has_place else "waitlisted")
    return registration


@_retry_when_sqlite_is_locked
def registration_cancel(*, registration: SessionRegistration) -> SessionRegistration:
    """Cancel (or decline an offer); a freed place is offered to the next on the waitlist."""
    now = timezone.now()
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        current = SessionRegistration.objects.get(pk=registration.pk)
        if current.status not in ACTIVE:
            return current
        held_a_place = current.status in HOLDS_A_PLACE
        current.status = RegistrationStatus.CANCELLED
        current.offer_expires_at = None
        current.save(update_fields=["status", "offer_expires_at"])
        _notify(current, "cancelled")
        if held_a_place:
            _offer_free_places(session, now)
    return current


@_retry_when_sqlite_is_locked
def registration_accept_offer(*, registration: SessionRegistration) -> SessionRegistration:
    """Take an offered place. An offer past its time lapses and goes to the next person."""
    now = timezone.now()
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        current = SessionRegistration.objects.get(pk=registration.pk)
        if current.status != RegistrationStatus.OFFERED:
            return current
        if current.offer_expires_at is not None and current.offer_expires_at <= now:
            current.status = RegistrationStatus.OFFER_EXPIRED
            current.save(update_fields=["status"])
            _notify(current, "offer_expired")
            _offer_free_places(session, now)
            return current
        current.status = RegistrationStatus.CONFIRMED
        current.offer_expires_at = None
        current.save(update_fields=["status", "offer_expires_at"])
        _notify(current, "confirmed")
    return current


def offers_expire(*, now: datetime | None = None) -> int:
    """Lapse offers past their time and offer those places on. Returns how many lapsed."""
    now = now or timezone.now()
    session_ids = set(
        SessionRegistration.objects.filter(
            status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
        ).values_list("session_id", flat=True)
    )
    return sum(_expire_offers_of(session_id, now) for session_id in sorted(session_ids))


@_retry_when_sqlite_is_locked
def _expire_offers_of(session_id: int, now: datetime) -> int:
    with transaction.atomic():
        session = _lock_session(session_id)
        expired = list(
            session.registrations.filter(
                status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
            )
        )
        for registration in expired:
            registration.status = RegistrationStatus.OFFER_EXPIRED
            registration.save(update_fields=["status"])
            _notify(registration, "offer_expired")
        _offer_free_places(session, now)
    return len(expired)


def attendance_record(*, session: TrainingSession, present_ids: set[int]) -> int:
    """Register who came (confirmed registrations only). Returns how many were present."""
    with transaction.atomic():
        confirmed = session.registrations.filter(status=RegistrationStatus.CONFIRMED)
        confirmed.filter(pk__in=present_ids).update(attended=True)
        confirmed.exclude(pk__in=present_ids).update(attended=False)
        return confirmed.filter(attended=True).count()


def peer_support_purge(*, now: datetime | None = None) -> int:
    """Delete peer-support registrations once the session's retention period has passed."""
    now = now or timezone.now()
    ended = TrainingSession.objects.filter(kind=SessionKind.PEER_SUPPORT, ends_at__lt=now)
    deleted = 0
    for session in ended.only("pk", "ends_at", "retention_days"):
        if session.purge_after <= now:
            count, _detail = SessionRegistration.objects.filter(session=session).delete()
            deleted += count
    return deleted


def session_private_address_changed(*, session: TrainingSession, previous: str) -> int:
    """After an editor changed a session's private address: every confirmed registration gets
    the (neutral) update mail with the new address, after commit. Nothing when the address did
    not really change, was emptied (there is nothing to send) or the session has begun.
    Returns how many registrations are told."""
    address = session.private_address.strip()
    if not address or address == previous.strip() or session.starts_at <= timezone.now():
        return 0
    confirmed = list(session.registrations.filter(status=RegistrationStatus.CONFIRMED))
    for registration in confirmed:
        _notify(registration, "address_changed")
    return len(confirmed)


def reminders_due(*, now: datetime | None = None, within: timedelta | None = None) -> list[int]:
    """Mark and return the confirmed registrations whose session starts within ``within``
    (default 48 h) and that have had no reminder yet."""
    now = now or timezone.now()
    within = within or timedelta(hours=getattr(settings, "TRAINING_REMINDER_HOURS", 48))
    with transaction.atomic():
        due = SessionRegistration.objects.select_for_update().filter(
            status=RegistrationStatus.CONFIRMED,
            reminder_sent_at__isnull=True,
            session__starts_at__gt=now,
            session__starts_at__lte=now + within,
        )
        ids = list(due.values_list("pk", flat=True))
        SessionRegistration.objects.filter(pk__in=ids).update(reminder_sent_at=now)
    return ids
