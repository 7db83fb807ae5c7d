"""Case documents, and the audience (sectors or services) of a restricted document or
timeline entry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..storage import case_document_storage
from .cases import Case
from .organisations import Organisation, Sector
from .sharing import shared_under
from .text import text_field as _text
from .timeline import TimelineEntry, Visibility


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titel"), max_length=200)
    file = models.FileField(
        _("bestand"), upload_to="%Y/%m/", storage=case_document_storage, max_length=300
    )
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    visibility = models.CharField(
        _("zichtbaarheid"), max_length=10, choices=Visibility.choices, default=Visibility.ALL
    )
    legal_basis = shared_under()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # A retracted document keeps its row, not its downloadable file
    # (services.documents.document_retract).
    retracted_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retraction_reason = _text(_("reden van intrekking"), max_length=2000)

    class Meta:
        verbose_name = _("document")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None


class Audience(models.Model):
    """Who may see a restricted timeline entry or document: one sector or one organisation."""

    entry = models.ForeignKey(
        TimelineEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="audience"
    )
    document = models.ForeignKey(
        CaseDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="audience"
    )
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entry__isnull=False, document__isnull=True)
                | models.Q(entry__isnull=True, document__isnull=False),
                name="collab_audience_one_target",
            ),
            models.CheckConstraint(
                condition=(models.Q(sector="") & models.Q(organisation__isnull=False))
                | (~models.Q(sector="") & models.Q(organisation__isnull=True)),
                name="collab_audience_one_grant",
            ),
        ]

    def __str__(self) -> str:
        return self.sector or str(self.organisation_id)
