"""The append-only audit trail (NEN 7513 fields; LED art. 25 for police and justice reads).

``docs/audit.md`` lists every field, how it is filled and how it maps onto the NEN 7513
extension of the Logius "Logboek dataverwerkingen" standard.

Each row carries the SHA-256 of its canonical content and the previous row's hash, so any
later change breaks the chain (``manage.py audit_verify``). Rows are never updated or deleted;
on PostgreSQL a trigger refuses it. Users are anonymised, never deleted, hence ``PROTECT``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .classification import AccessRule, Lifecycle, Sensitivity
from .events import AuditAction, Outcome


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("tijdstip (UTC)"), db_index=True)
    action = models.PositiveSmallIntegerField(_("handeling"), choices=AuditAction.choices)
    outcome = models.CharField(_("resultaat"), max_length=10, choices=Outcome.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gebruiker"),
    )
    actor_label = models.CharField(_("gebruiker (bij het voorval)"), max_length=254, blank=True)
    organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    role = models.CharField(_("rol"), max_length=50, blank=True)
    on_behalf_of = models.CharField(_("namens"), max_length=200, blank=True)
    object_type = models.CharField(_("soort object"), max_length=100, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True)
    case_reference = models.CharField(_("dossier"), max_length=40, blank=True)
    subject = models.CharField(_("betrokkene"), max_length=64, blank=True)
    purpose = models.TextField(_("doel of verantwoording"), blank=True)
    ip_address = models.GenericIPAddressField(_("adres"), null=True, blank=True)
    session_ref = models.CharField(_("sessie"), max_length=64, blank=True)
    correlation_id = models.CharField(_("correlatie-id"), max_length=64, blank=True, db_index=True)
    extra = models.JSONField(_("details"), default=dict, blank=True)
    # NEN 7513 (format 2, migration 0011): rows before it keep format 1 and hash as they did.
    format_version = models.PositiveSmallIntegerField(_("formaatversie"), default=1)
    source_system = models.CharField(_("bronsysteem"), max_length=100, blank=True)
    site = models.CharField(_("locatie"), max_length=100, blank=True)
    access_rule = models.CharField(
        _("toegangsregel"), max_length=30, blank=True, choices=AccessRule.choices
    )
    legal_basis = models.CharField(_("rechtsgrond van het delen"), max_length=100, blank=True)
    lifecycle = models.CharField(
        _("levenscyclus van de gegevens"), max_length=10, blank=True, choices=Lifecycle.choices
    )
    sensitivity = models.CharField(
        _("vertrouwelijkheid"), max_length=2, blank=True, choices=Sensitivity.choices
    )
    emergency = models.BooleanField(_("noodtoegang"), default=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
            models.Index(fields=["action", "occurred_at"], name="audit_action_time"),
            # The viewer filters on these and pages by id, newest first.
            models.Index(fields=["actor_label", "id"], name="audit_label_id"),
            models.Index(fields=["organisation", "id"], name="audit_org_id"),
            models.Index(fields=["case_reference", "id"], name="audit_case_id"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.get_action_display()} ({self.outcome})"
