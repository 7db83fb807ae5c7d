"""Flags (signalen) on a case, optionally about one family member: acute danger, weapons,
children at risk, or a custom flag with its own short label; each with the reason, who raised
it for which service and when. A removed flag keeps its row (who removed it, when and why) and
is listed as removed in the flag history. Every participant acknowledges a flag ("Gezien") with
a receipt of their own (``services.flags``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import Case, FamilyMember
from .text import text_field


class FlagKind(models.TextChoices):
    ACUTE_DANGER = "acute_danger", _("Acuut gevaar")
    WEAPONS = "weapons", _("Wapens")
    CHILDREN_AT_RISK = "children_at_risk", _("Kinderen in gevaar")
    CUSTOM = "custom", _("Ander signaal")


class Flag(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    # about one family member, or (empty) about the family as a whole
    family_member = models.ForeignKey(
        FamilyMember,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="flags",
        verbose_name=_("over wie"),
    )
    kind = models.CharField(_("soort signaal"), max_length=20, choices=FlagKind.choices)
    custom_label = models.CharField(_("naam van het signaal"), max_length=60, blank=True)
    reason = text_field(_("reden"), blank=False, max_length=2000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    raised_at = models.DateTimeField(_("geplaatst op"), auto_now_add=True)
    removed_at = models.DateTimeField(_("verwijderd op"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = text_field(_("reden van verwijdering"), max_length=2000)

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["case", "removed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=FlagKind.values),
                name="collab_flag_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="custom") | ~models.Q(custom_label=""),
                name="collab_flag_custom_has_label",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.pk}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def label(self) -> str:
        """What the flag is called on the page: its kind, or the custom flag's own label."""
        if self.kind == FlagKind.CUSTOM and self.custom_label:
            return self.custom_label
        return str(self.get_kind_display())


class FlagReceipt(models.Model):
    """One person's acknowledgement of one flag ("Gezien"): who, when. Once per person."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("gezien op"), auto_now_add=True)

    class Meta:
        verbose_name = _("ontvangstbevestiging van een signaal")
        verbose_name_plural = _("ontvangstbevestigingen van signalen")
        ordering = ["acknowledged_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["flag", "user"], name="collab_flagreceipt_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.flag_id}:{self.user_id}"
