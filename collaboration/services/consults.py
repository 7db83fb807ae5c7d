"""Consult questions: submitted from the public form (``content/``), handled by coordinators.

A question goes to the coordinators of the chosen region (a notification, and its mail without
content); a region without coordinators is not offered, so nothing lands where nobody looks.
Unanswered after two working days it escalates (``consults_escalate``, a periodic task). The
answer reaches the asker through a mail without content and a signed link that expires.

Every e-mail has a neutral subject and never repeats the question or the answer: mailboxes are
shared, forwarded and read over shoulders.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.audit.events import AuditAction
from portal.audit.writer import record_event

from ..models import ConsultRequest, ConsultStatus, Membership, Role
from .notifications import Kind, notify

BRUSSELS = ZoneInfo("Europe/Brussels")
ESCALATE_AFTER_WORKING_DAYS = 2
ANSWER_LINK_SALT = "collaboration.consult-answer"
NO_COORDINATOR_MESSAGE = gettext_lazy(
    "Voor deze regio kunnen we nu geen consultvragen ontvangen. Kies een andere regio of mail "
    "ons rechtstreeks."
)


def region_coordinators(region: str) -> set[Any]:
    """The active people who coordinate ``region`` (an active membership of an active
    organisation of that region)."""
    return {
        m.user
        for m in Membership.objects.filter(
            role=Role.COORDINATOR,
            is_active=True,
            organisation__is_active=True,
            organisation__region=region,
            user__is_active=True,
        ).select_related("user")
    }


def regions_with_coordinators() -> set[str]:
    """Regions that can receive a consult question: the public form offers only these."""
    return set(
        Membership.objects.filter(
            role=Role.COORDINATOR,
            is_active=True,
            organisation__is_active=True,
            user__is_active=True,
        ).values_list("organisation__region", flat=True)
    )


def add_working_days(day: dt.date, count: int) -> dt.date:
    """``day`` plus ``count`` working days (Monday to Friday): Friday + 2 is Tuesday."""
    while count > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def escalation_day(consult: ConsultRequest) -> dt.date:
    """The Brussels date on which an unanswered question escalates."""
    received = timezone.localtime(consult.created_at, BRUSSELS).date()
    return add_working_days(received, ESCALATE_AFTER_WORKING_DAYS)


def _send_consult_confirmation(*, email: str) -> None:
    subject = _("Uw bericht aan Veilig Huis is ontvangen")
    body = _(
        "Goeddag,\n\n"
        "Wij hebben uw consultvraag goed ontvangen. Een coördinator van Veilig Huis neemt "
        "binnenkort contact met u op.\n\n"
        "Is er acuut gevaar? Bel 112 of de politie op 101.\n\n"
        "Met vriendelijke groeten,\nVeilig Huis"
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=False)


def consult_request_submit(
    *,
    name: str,
    organisation: str,
    email: str,
    phone: str,
    region: str,
    question: str,
) -> ConsultRequest:
    """Store a professional's consult question and confirm receipt by e-mail after commit.

    Raises ``django.core.exceptions.ValidationError`` (nothing saved) on bad input; the public
    form shows its messages in the Dutch error summary.
    """
    consult = ConsultRequest(
        name=name.strip(),
        organisation=organisation.strip(),
        email=email.strip(),
        phone=(phone or "").strip(),
        region=region,
        question=question.strip(),
    )
    consult.full_clean()
    with transaction.atomic():
        coordinators = region_coordinators(consult.region)
        if not coordinators:
            # the form does not offer such a region; a crafted POST is refused, nothing stored
            raise ValidationError({"region": NO_COORDINATOR_MESSAGE})
        consult.save()
        link = reverse("collaboration:consult_detail", args=[consult.pk])
        for coordinator in coordinators:
            notify(user=coordinator, kind=Kind.NEW_CONSULT, link=link)
        address = consult.email
        transaction.on_commit(lambda: _send_consult_confirmation(email=address))
    return consult


def _require_consult_coordinator(actor: Any, consult: ConsultRequest) -> Any:
    from ..access import NotFoundOrNotAllowed, actor_profile

    profile = actor_profile(actor)
    if consult.region not in profile.coordinator_regions:
        raise NotFoundOrNotAllowed
    return profile


def consult_request_answer(*, actor: Any, consult: ConsultRequest, answer: str) -> ConsultRequest:
    """Record the advice for the professional and send them, after commit, a mail without
    content holding a signed link to it (``answer_link``); answering again sends a new link."""
    profile = _require_consult_coordinator(actor, consult)
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Schrijf het antwoord of advies.")})
    with transaction.atomic():
        consult = ConsultRequest.objects.select_for_update().get(pk=consult.pk)
        if consult.status in (ConsultStatus.CLOSED, ConsultStatus.CONVERTED):
            raise ValidationError(_("Deze consultvraag is al afgehandeld."))
        consult.answer = answer
        consult.status = ConsultStatus.ANSWERED
        consult.answered_by = actor
        consult.answered_at = timezone.now()
        consult.full_clean()
        consult.save()
        record_event(
            action=AuditAction.CONSULT_HANDLED,
            actor=actor,
            organisation=profile.label[:200],
            object_type="consult",
            object_id=consult.pk,
            extra={"status": consult.status, "answer_link_sent": True},
        )
        email, link = consult.email, answer_link(consult)
        transaction.on_commit(lambda: _send_answer_mail(email=email, link=link))
    return consult


def answer_token(consult: ConsultRequest) -> str:
    """A signed, time-stamped token naming the consult; ``consult_for_answer_token`` checks it."""
    return signing.dumps({"consult": consult.pk}, salt=ANSWER_LINK_SALT)


def answer_link(consult: ConsultRequest) -> str:
    path = reverse("content:consult_answer", args=[answer_token(consult)])
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return f"{base}{path}"


def consult_for_answer_token(token: str) -> ConsultRequest | None:
    """The answered consult a link names, or None for a tampered, expired or unknown link (the
    page then answers "not found"). A question scrubbed by retention has no answer left."""
    max_age = int(getattr(settings, "CONSULT_ANSWER_LINK_MAX_AGE", 30 * 24 * 3600))
    try:
        data = signing.loads(token, salt=ANSWER_LINK_SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    consult_id = data.get("consult") if isinstance(data, dict) else None
    if not isinstance(consult_id, int):
        return None
    consult = ConsultRequest.objects.filter(pk=consult_id, answered_at__isnull=False).first()
    if consult is None or not consult.answer:
        return None
    record_event(
        action=AuditAction.CONSULT_VIEWED,
        object_type="consult",
        object_id=consult.pk,
        extra={"via": "answer_link"},
    )
    return consult


def _send_answer_mail(*, email: str, link: str) -> None:
    max_days = int(getattr(settings, "CONSULT_ANSWER_LINK_MAX_AGE", 30 * 24 * 3600)) // 86400
    subject = _("Veilig Huis: er is een antwoord op uw vraag")
    body = _(
        "Goeddag,\n\n"
        "Een coördinator van Veilig Huis heeft uw consultvraag beantwoord. U leest het antwoord "
        "via deze persoonlijke link (%(days)s dagen geldig):\n%(link)s\n\n"
        "Stuur deze e-mail niet door: wie de link heeft, kan het antwoord lezen.\n"
        "Deze e-mail bevat bewust geen inhoud.\n\n"
        "Met vriendelijke groeten,\nVeilig Huis"
    ) % {"days": max_days, "link": link}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=False)


def _send_escalation_mail(*, email: str, count: int) -> None:
    subject = _("Veilig Huis: consultvragen wachten op antwoord")
    body = ngettext(
        "Goeddag,\n\n"
        "%(count)s consultvraag wacht al twee werkdagen op antwoord. Meld u aan in het "
        "samenwerkingsportaal om ze te bekijken:\n%(link)s\n\n"
        "Deze e-mail bevat bewust geen inhoud.",
        "Goeddag,\n\n"
        "%(count)s consultvragen wachten al twee werkdagen op antwoord. Meld u aan in het "
        "samenwerkingsportaal om ze te bekijken:\n%(link)s\n\n"
        "Deze e-mail bevat bewust geen inhoud.",
        count,
    ) % {
        "count": count,
        "link": f"{getattr(settings, 'PORTAL_BASE_URL', '').rstrip('/')}"
        f"{reverse('collaboration:consult_inbox')}",
    }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True)


def consults_escalate(*, now: dt.datetime | None = None) -> list[ConsultRequest]:
    """Escalate each new question still unanswered on its escalation day (two working days
    after the Brussels date it came in: Friday's question on Tuesday), once.

    The region's coordinators are notified again; the central mailbox
    (``CONSULT_ESCALATION_EMAIL``) gets one mail without content, or, when none is configured,
    every coordinator of every region is notified. Returns the escalated questions."""
    now = now or timezone.now()
    today = timezone.localtime(now, BRUSSELS).date()
    # cheap pre-filter: a question is at least a day old on its escalation day
    candidates = ConsultRequest.objects.filter(
        status=ConsultStatus.NEW,
        escalated_at__isnull=True,
        created_at__lte=now - dt.timedelta(days=ESCALATE_AFTER_WORKING_DAYS - 1),
    ).order_by("created_at")
    escalated: list[ConsultRequest] = []
    mailbox = getattr(settings, "CONSULT_ESCALATION_EMAIL", "")
    with transaction.atomic():
        for consult in candidates.select_for_update(skip_locked=True):
            if escalation_day(consult) > today:
                continue
            link = reverse("collaboration:consult_detail", args=[consult.pk])
            people = region_coordinators(consult.region)
            if not mailbox:
                people |= {
                    m.user
                    for m in Membership.objects.filter(
                        role=Role.COORDINATOR,
                        is_active=True,
                        organisation__is_active=True,
                        user__is_active=True,
                    ).select_related("user")
                }
            for person in people:
                notify(user=person, kind=Kind.CONSULT_OVERDUE, link=link)
            consult.escalated_at = now
            consult.save(update_fields=["escalated_at", "updated_at"])
            record_event(
                action=AuditAction.CONSULT_HANDLED,
                object_type="consult",
                object_id=consult.pk,
                extra={"status": "escalated", "notified": len(people)},
            )
            escalated.append(consult)
        if escalated and mailbox:
            count = len(escalated)
            transaction.on_commit(lambda: _send_escalation_mail(email=mailbox, count=count))
    return escalated


def consult_request_close(*, actor: Any, consult: ConsultRequest) -> ConsultRequest:
    profile = _require_consult_coordinator(actor, consult)
    with transaction.atomic():
        consult = ConsultRequest.objects.select_for_update().get(pk=consult.pk)
        if consult.status == ConsultStatus.CONVERTED:
            raise ValidationError(_("Deze consultvraag werd al omgezet in een aanmelding."))
        consult.status = ConsultStatus.CLOSED
        consult.save(update_fields=["status", "updated_at"])
        record_event(
            action=AuditAction.CONSULT_HANDLED,
            actor=actor,
            organisation=profile.label[:200],
            object_type="consult",
            object_id=consult.pk,
            extra={"status": consult.status},
        )
    return consult


def consult_asker(consult: ConsultRequest) -> tuple[Any, Any] | None:
    """The asker's portal account and service, when the question came from one: an active person
    with the consult's e-mail address and an active membership (the one whose organisation is
    named in the question first). A converted consult keeps the asker as referrer; an asker
    without an account stays named on the consult the referral points to."""
    found = (
        Membership.objects.filter(
            user__email__iexact=consult.email,
            user__is_active=True,
            is_active=True,
            organisation__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("pk")
    )
    memberships = list(found)
    if not memberships:
        return None
    named = [
        m for m in memberships if m.organisation.name.casefold() == consult.organisation.casefold()
    ]
    chosen = (named or memberships)[0]
    return chosen.user, chosen.organisation
