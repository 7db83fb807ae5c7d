"""Referrals (aanmeldingen): only professionals refer; a coordinator accepts or declines."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation, Region
from .vocabulary import Urgency


def _text(label: str, *, blank: bool = False, max_length: int = 4000) -> models.TextField:
    return models.TextField(
        label, blank=blank, max_length=max_length, validators=[MaxLengthValidator(max_length)]
    )


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Wacht op beslissing")
    ACCEPTED = "accepted", _("Aanvaard")
    DECLINED = "declined", _("Niet aanvaard")


class FamilyKnows(models.TextChoices):
    """Whether the family knows of the referral: the case director's first conversation
    depends on it."""

    YES = "yes", _("Ja, het gezin weet ervan")
    PARTLY = "partly", _("Een deel van het gezin weet ervan")
    NO = "no", _("Nee, het gezin weet het nog niet")


class Referral(models.Model):
    region = models.CharField(_("regio"), max_length=30, choices=Region.choices)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("aanmelder"),
    )
    referring_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aanmeldende dienst"),
    )
    family_composition = _text(_("gezinssamenstelling"), max_length=2000)
    violence_forms = models.JSONField(_("vormen van geweld"), default=list)
    life_domains = models.JSONField(_("betrokken levensdomeinen"), default=list)
    criterion_complexity = _text(
        _("complexe situatie die afstemming met politie en justitie vraagt")
    )
    criterion_multiple_domains = _text(_("meervoudige problemen op verschillende levensdomeinen"))
    criterion_stuck_help = _text(_("vastgelopen of uitzichtloze hulpverlening"))
    services_involved = _text(_("diensten die al betrokken zijn"), blank=True, max_length=2000)
    urgency = models.CharField(
        _("dringendheid"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    # blank on referrals made before the form asked it
    family_knows = models.CharField(
        _("weet het gezin van de aanmelding?"),
        max_length=10,
        choices=FamilyKnows.choices,
        blank=True,
    )
    family_informed_on = models.DateField(
        _("wanneer werd het gezin geïnformeerd?"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslist door"),
    )
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)
    decline_reason = _text(_("reden"), blank=True, max_length=2000)
    decline_advice = _text(_("advies"), blank=True, max_length=2000)
    consult = models.ForeignKey(
        "collaboration.ConsultRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("consultvraag"),
    )
    created_at = models.DateTimeField(_("aangemeld op"), auto_now_add=True)
    # set once when the referral, undecided after REFERRAL_DECISION_WORKING_DAYS working days,
    # was escalated to the region's coordinators (services/referrals.py)
    escalated_at = models.DateTimeField(_("geëscaleerd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="collab_referral_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Aanmelding')} #{self.pk}"

    @property
    def life_domain_labels(self) -> list[str]:
        """The referred life domains in words, for the case page (unknown codes skipped)."""
        from .vocabulary import LifeDomain

        return [str(LifeDomain(v).label) for v in self.life_domains if v in LifeDomain.values]

    @property
    def violence_form_labels(self) -> list[str]:
        from .vocabulary import ViolenceForm

        return [str(ViolenceForm(v).label) for v in self.violence_forms if v in ViolenceForm.values]
