"""A closure that waits for a coordinator: closing with a "Nee" on a closure criterion is a
request, not a closure. A coordinator of the region who is not the case director (and did not
ask) confirms or refuses it; both are recorded here and in the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import CLOSURE_CRITERIA, Case


class ClosureStatus(models.TextChoices):
    PENDING = "pending", _("Wacht op bevestiging van een coördinator")
    CONFIRMED = "confirmed", _("Bevestigd")
    REFUSED = "refused", _("Geweigerd")


class ClosureRequest(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closure_requests")
    status = models.CharField(
        _("status"), max_length=10, choices=ClosureStatus.choices, default=ClosureStatus.PENDING
    )
    # {criterion name: "yes" | "no"} and {criterion name: written reason} for every "no"
    criteria = models.JSONField(_("afrondingscriteria"), default=dict)
    reasons = models.JSONField(_("toelichting bij 'Nee'"), default=dict, blank=True)
    closing_summary = models.TextField(
        _("samenvatting bij afsluiting"), max_length=5000, validators=[MaxLengthValidator(5000)]
    )
    contact_card = models.TextField(
        _("wie contacteren voor wat"), max_length=3000, validators=[MaxLengthValidator(3000)]
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(
        _("toelichting bij de beslissing"),
        blank=True,
        max_length=2000,
        validators=[MaxLengthValidator(2000)],
    )

    class Meta:
        verbose_name = _("afsluiting ter bevestiging")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="collab_closure_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(decided_by__isnull=False),
                name="collab_closure_decided_has_decider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} ({self.status})"

    def answers(self) -> list[tuple[str, str, str]]:
        """(label, answer, reason) per criterion, in the source's order."""
        return [
            (label, self.criteria.get(name, ""), self.reasons.get(name, ""))
            for name, label in CLOSURE_CRITERIA
        ]
