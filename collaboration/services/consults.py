"""Consult questions: submitted from the public form (``content/``), handled by coordinators.

The confirmation e-mail has a neutral subject and never repeats the question: mailboxes are
shared, forwarded and read over shoulders.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ConsultRequest


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
