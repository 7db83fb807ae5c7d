"""A correction of case data: which item, which fields, the earlier and the new version as
people saw them, who corrected it, when and why.

The item itself holds only its current version; this row keeps the earlier one visible, on
the case page, to those who see the item (``services.corrections``). django-auditlog records
the same change at field level for the privacy officer; this is the version people read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import Case
from .text import text_field


class CorrectedKind(models.TextChoices):
    """What can be corrected (``services.corrections.CORRECTABLE`` has one entry each)."""

    FAMILY_MEMBER = "family_member", _("gezinslid")
    PARTICIPANT = "participant", _("betrokkene")
    GOAL = "goal", _("doel")
    ACTION = "action", _("actie")
    TIMELINE_ENTRY = "timeline_entry", _("tijdlijnitem")
    DOCUMENT = "document", _("document")


class Correction(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(_("soort"), max_length=20, choices=CorrectedKind.choices)
    object_id = models.PositiveIntegerField(_("item"))
    # [{"field": name, "label": label, "before": text, "after": text}, ...] as shown then
    changes = models.JSONField(_("wijzigingen"), default=list)
    reason = text_field(_("reden"), blank=False, max_length=2000)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_by_organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    corrected_at = models.DateTimeField(_("gecorrigeerd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("correctie")
        verbose_name_plural = _("correcties")
        ordering = ["corrected_at", "id"]
        indexes = [models.Index(fields=["case", "kind", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
