"""Consult questions: submitted from the public form (``content/``), handled by coordinators.

The confirmation e-mail has a neutral subject and never repeats the question: mailboxes are
shared, forwarded and read over shoulders.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction
from portal.audit.writer import record_event

from ..models import ConsultRequest, ConsultStatus


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
        consult.save()
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
    """Record the advice given (by phone or mail, outside the portal) to the professional."""
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
            extra={"status": consult.status},
        )
    return consult


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
