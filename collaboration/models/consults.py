"""Consult questions (consultvragen) from the public form.

A professional asks Veilig Huis for advice. Names of family members are not asked for: the
question may lead to a referral, and only then does a case with family data exist.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisations import Region


class ConsultStatus(models.TextChoices):
    NEW = "new", _("Nieuw")
    ANSWERED = "answered", _("Beantwoord")
    CLOSED = "closed", _("Afgesloten")
    CONVERTED = "converted", _("Omgezet in aanmelding")


class ConsultRequest(models.Model):
    name = models.CharField(_("naam"), max_length=150)
    organisation = models.CharField(_("organisatie"), max_length=200)
    email = models.EmailField(_("e-mailadres"))
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    region = models.CharField(_("regio"), max_length=30, choices=Region.choices)
    question = models.TextField(_("vraag"), max_length=5000, validators=[MaxLengthValidator(5000)])
    status = models.CharField(
        _("status"), max_length=20, choices=ConsultStatus.choices, default=ConsultStatus.NEW
    )
    answer = models.TextField(
        _("antwoord"), blank=True, max_length=10000, validators=[MaxLengthValidator(10000)]
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beantwoord door"),
    )
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    # set when the question, unanswered after two working days, was escalated (services/consults)
    escalated_at = models.DateTimeField(_("geëscaleerd op"), null=True, blank=True)
    created_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("consultvraag")
        verbose_name_plural = _("consultvragen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ConsultStatus.values),
                name="collab_consult_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Consultvraag')} #{self.pk}"
