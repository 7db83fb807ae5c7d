"""The case timeline: typed entries, visible to all participants or to an audience
(``documents.Audience``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import Case
from .organisations import Organisation
from .sharing import shared_under
from .text import text_field as _text


class Visibility(models.TextChoices):
    ALL = "all", _("Alle betrokkenen")
    AUDIENCE = "audience", _("Alleen gekozen sectoren of diensten")


class EntryKind(models.TextChoices):
    INTRODUCTION = "introduction", _("Kennismakingsgesprek")
    NETWORK_MEETING = "network_meeting", _("Netwerkoverleg")
    POLICE_INTERVENTION = "police", _("Politietussenkomst")
    PROSECUTOR_DECISION = "prosecutor", _("Beslissing parket")
    WARM_REFERRAL = "warm_referral", _("Warme doorverwijzing")
    CRISIS_SUPPORT = "crisis", _("Crisisbegeleiding")
    NOTE = "note", _("Notitie")
    PHASE = "phase", _("Faseovergang")


class TimelineEntry(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("soort"), max_length=20, choices=EntryKind.choices)
    occurred_on = models.DateField(_("datum"))
    title = models.CharField(_("titel"), max_length=200)
    body = _text(_("omschrijving"), max_length=10000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visibility = models.CharField(
        _("zichtbaarheid"), max_length=10, choices=Visibility.choices, default=Visibility.ALL
    )
    legal_basis = shared_under()
    created_at = models.DateTimeField(auto_now_add=True)
    # A retracted entry keeps its row (the reason and who retracted it are shown to those who
    # saw it); its title and text are no longer shown (services.timeline.timeline_entry_retract).
    retracted_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retraction_reason = _text(_("reden van intrekking"), max_length=2000)

    class Meta:
        verbose_name = _("tijdlijnitem")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["case", "-occurred_on", "-id"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None
