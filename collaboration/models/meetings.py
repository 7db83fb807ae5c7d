"""Meetings of a case: their kind, status and invitees. Their live notes, agenda, attendance
and minutes are the tables of ``collaboration.live_notes``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import Case
from .sharing import shared_under
from .text import text_field as _text


class MeetingKind(models.TextChoices):
    NETWORK = "network", _("Netwerkoverleg")
    CLIENT = "client", _("Cliëntoverleg")
    CASE = "case", _("Casusoverleg")
    INTRODUCTION = "introduction", _("Kennismakingsgesprek")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Gepland")
    LIVE = "live", _("Bezig")
    HELD = "held", _("Gehouden, verslag nog af te ronden")
    FINALISED = "finalised", _("Afgerond")
    CANCELLED = "cancelled", _("Geannuleerd")


class Meeting(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("soort overleg"), max_length=20, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(_("datum en uur"))
    place = models.CharField(_("plaats"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="meeting_invitations", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    legal_basis = shared_under()
    cancelled_at = models.DateTimeField(_("geannuleerd op"), null=True, blank=True)
    cancel_reason = _text(_("reden van annulering"), max_length=1000)

    class Meta:
        verbose_name = _("overleg")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["case", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_settled(self) -> bool:
        """Finalised or cancelled: its time, place and notes no longer change."""
        return self.status in (MeetingStatus.FINALISED, MeetingStatus.CANCELLED)
