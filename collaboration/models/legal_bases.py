"""The case's register of legal bases (grondslagen) for sharing under professional secrecy.

A professional bound by secrecy may share what they know about a family only on a basis: the
person's consent, a case consultation under art. 458ter of the Criminal Code, or an urgent
necessity to protect someone. Every sharing act in a case (adding a service or a person, giving
an entry or a document an audience, inviting to a meeting, exporting minutes) names one of these
rows, so anyone can later say on which basis a piece of information reached an organisation.
See ``docs/legal-basis.md``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cases import Case, FamilyMember
from .organisations import Organisation
from .text import text_field as _text


class BasisKind(models.TextChoices):
    CONSENT = "consent", _("Toestemming")
    CONSULTATION = "consultation", _("Casusoverleg (art. 458ter Sw.)")
    URGENT = "urgent", _("Noodtoestand")


class ConsultationFramework(models.TextChoices):
    """Art. 458ter: the consultation is organised by a law or decree, or authorised by the
    procureur des Konings (COL 04/2018)."""

    LAW_OR_DECREE = "law", _("Georganiseerd bij wet of decreet")
    PROSECUTOR = "prosecutor", _("Toegestaan door de procureur des Konings")


class ConsentRecord(models.TextChoices):
    """How a consent was recorded, so it can be shown again."""

    SIGNED = "signed", _("Schriftelijk, ondertekend formulier")
    ORAL = "oral", _("Mondeling, genoteerd in het dossier")
    DIGITAL = "digital", _("Digitaal bevestigd door de persoon")


class FamilyInformed(models.TextChoices):
    YES = "yes", _("Ja")
    NOT_YET = "not_yet", _("Nog niet")
    NO = "no", _("Nee, bewust niet (reden in de toelichting)")


class UrgentReview(models.TextChoices):
    CONFIRMED = "confirmed", _("Bevestigd: de noodtoestand was terecht")
    ENDED = "ended", _("Niet bevestigd: de grondslag is beëindigd")


class LegalBasis(models.Model):
    """One basis in a case's register. It covers the organisations named in ``organisations``;
    it stops covering new sharing when withdrawn or ended (``ended_at``) and, for an urgent
    necessity, when its review is overdue or was not confirmed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="legal_bases")
    kind = models.CharField(_("soort grondslag"), max_length=12, choices=BasisKind.choices)
    organisations = models.ManyToManyField(
        Organisation, related_name="+", verbose_name=_("diensten die mogen ontvangen")
    )
    # Consent: whose, for what (purpose), on which date, how recorded.
    consent_of = models.ForeignKey(
        FamilyMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("toestemming van"),
    )
    consent_recorded = models.CharField(
        _("hoe vastgelegd"), max_length=10, choices=ConsentRecord.choices, blank=True
    )
    # 458ter: which framework or authorisation.
    framework = models.CharField(
        _("kader"), max_length=12, choices=ConsultationFramework.choices, blank=True
    )
    framework_reference = models.CharField(
        _("welk kader of welke machtiging"), max_length=300, blank=True
    )
    # What it is for: the consent's scope, the consultation's purpose, or the justification
    # of an urgent necessity.
    purpose = _text(_("doel en reikwijdte"), blank=False, max_length=2000)
    given_on = models.DateField(_("gegeven of gestart op"))
    family_informed = models.CharField(
        _("is het gezin geïnformeerd?"), max_length=10, choices=FamilyInformed.choices, blank=True
    )
    family_informed_on = models.DateField(_("geïnformeerd op"), null=True, blank=True)
    family_informed_note = _text(_("toelichting"), max_length=1000)
    created_at = models.DateTimeField(_("geregistreerd op"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Urgent necessity: a coordinator reviews it before ``review_due_at``.
    review_due_at = models.DateTimeField(_("te beoordelen vóór"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_outcome = models.CharField(
        _("beoordeling"), max_length=10, choices=UrgentReview.choices, blank=True
    )
    review_note = _text(_("toelichting bij de beoordeling"), max_length=2000)
    # Withdrawn (consent) or ended (any kind): no new sharing under it from then on.
    ended_at = models.DateTimeField(_("ingetrokken of beëindigd op"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = _text(_("reden"), max_length=2000)

    class Meta:
        verbose_name = _("grondslag voor delen")
        verbose_name_plural = _("grondslagen voor delen")
        ordering = ["given_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=BasisKind.values), name="collab_basis_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="consent") | models.Q(consent_of__isnull=False),
                name="collab_basis_consent_has_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="consultation") | ~models.Q(framework=""),
                name="collab_basis_consultation_has_framework",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="urgent") | models.Q(review_due_at__isnull=False),
                name="collab_basis_urgent_has_review_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None

    def review_overdue(self, now: datetime.datetime | None = None) -> bool:
        """An urgent necessity nobody reviewed in time no longer covers new sharing."""
        if self.kind != BasisKind.URGENT or self.reviewed_at or self.review_due_at is None:
            return False
        return (now or timezone.now()) >= self.review_due_at

    def usable(self, now: datetime.datetime | None = None) -> bool:
        """Whether new sharing may rest on this basis now."""
        if self.is_ended or self.review_overdue(now):
            return False
        return not (self.kind == BasisKind.URGENT and self.review_outcome == UrgentReview.ENDED)
