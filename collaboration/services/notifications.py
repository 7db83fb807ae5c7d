"""Notifications in the portal and by e-mail. Neither carries case content: the text says what
kind of thing happened, the link leads to the page where the access rule decides."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from ..models import Notification

Kind = Notification.Kind


def _absolute(link: str) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return f"{base}{link}" if base else link


def _send_notification_mail(*, email: str, language: str, kind: str, link: str) -> None:
    with override(language or "nl-be"):
        label = str(Kind(kind).label)
        subject = _("Veilig Huis: nieuwe melding in het portaal")
        body = _(
            "Goeddag,\n\n"
            "Er is een nieuwe melding voor u in het samenwerkingsportaal van Veilig Huis: %(what)s.\n\n"
            "Meld u aan om ze te bekijken:\n%(link)s\n\n"
            "Deze e-mail bevat bewust geen inhoud uit dossiers."
        ) % {"what": label.lower(), "link": _absolute(link)}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True)


def notify(*, user: Any, kind: str, link: str, case_reference: str = "") -> Notification:
    """Create an in-portal notification and e-mail its owner after commit."""
    notification = Notification.objects.create(
        user=user, kind=kind, link=link, case_reference=case_reference
    )
    email = user.email
    language = getattr(user, "preferred_language", "nl-be")
    transaction.on_commit(
        lambda: _send_notification_mail(email=email, language=language, kind=kind, link=link)
    )
    return notification


def notifications_mark_read(*, user: Any) -> int:
    from django.utils import timezone

    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def actions_due_notify(*, days_ahead: int = 3) -> int:
    """Tell responsible people about open actions due within ``days_ahead`` days (or overdue),
    once per action (an action carried over into a new plan version included); closed cases
    and inactive assignments are skipped. Returns the count."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from ..models import Action, ActionStatus, Phase

    horizon = timezone.localdate() + datetime.timedelta(days=days_ahead)
    due = (
        Action.objects.filter(
            status=ActionStatus.OPEN,
            due_date__lte=horizon,
            responsible__isnull=False,
            responsible__is_active=True,
        )
        .exclude(case__phase=Phase.CLOSED)
        .select_related("case", "responsible")
    )
    sent = 0
    with transaction.atomic():
        for action in due:
            link = f"{reverse('collaboration:case_detail', args=[action.case.reference])}#plan"
            # one marker per chain of carried-over actions: a new plan version's copy of an
            # action that was already reminded is the same action (services/plans.py)
            marker = f"{link}-actie-{action.lineage_id}"
            if Notification.objects.filter(
                user=action.responsible, kind=Kind.ACTION_DUE, link=marker
            ).exists():
                continue
            notify(
                user=action.responsible,
                kind=Kind.ACTION_DUE,
                link=marker,
                case_reference=action.case.reference,
            )
            sent += 1
    return sent
