"""Retention runs: what a periodic task found due for anonymisation in one region, the privacy
officer's confirmation, and the result.

A run holds no case content: pseudonymous case references, row ids of declined referrals and
consult questions, and counts per model. Nothing is anonymised until a privacy officer of the
region confirms the proposal (``collaboration.services.retention_runs``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Region


class RetentionRunStatus(models.TextChoices):
    PROPOSED = "proposed", _("Wacht op bevestiging")
    CONFIRMED = "confirmed", _("Bevestigd, wordt uitgevoerd")
    DONE = "done", _("Uitgevoerd")
    SUPERSEDED = "superseded", _("Vervangen door een nieuwer voorstel")
    FAILED = "failed", _("Mislukt")


class RetentionRun(models.Model):
    region = models.CharField(_("regio"), max_length=30, choices=Region.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RetentionRunStatus.choices,
        default=RetentionRunStatus.PROPOSED,
    )
    proposed_at = models.DateTimeField(_("voorgesteld op"), default=timezone.now)
    # The moment the periods were measured from: cases closed before ``case_cutoff`` etc.
    case_cutoff = models.DateTimeField(_("dossiers afgesloten voor"))
    consult_cutoff = models.DateTimeField(_("consultvragen ontvangen voor"))
    cases = models.JSONField(_("dossiers"), default=list)
    referrals = models.JSONField(_("niet aanvaarde aanmeldingen"), default=list)
    consults = models.JSONField(_("consultvragen"), default=list)
    due_counts = models.JSONField(_("te anonimiseren rijen per model"), default=dict)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bevestigd door"),
    )
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("uitgevoerd op"), null=True, blank=True)
    result_counts = models.JSONField(_("geanonimiseerde rijen per model"), default=dict)
    result_cases = models.JSONField(_("geanonimiseerde dossiers"), default=list)
    files_deleted = models.PositiveIntegerField(_("verwijderde bestanden"), default=0)

    class Meta:
        verbose_name = _("bewaartermijnronde")
        verbose_name_plural = _("bewaartermijnrondes")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(status="proposed"),
                name="collab_retention_one_open_per_region",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RetentionRunStatus.values),
                name="collab_retention_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Bewaartermijnronde')} #{self.pk} ({self.region})"

    @property
    def is_open(self) -> bool:
        return self.status == RetentionRunStatus.PROPOSED
