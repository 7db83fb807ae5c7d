"""Four eyes on the plan of action and on every closure (issue 17, item 5).

When the case director marks a plan version as presented in team regie, and whenever a closure
is submitted, an ``Approval`` waits for a coordinator of the region who is neither the case
director nor the one who asked. They approve (a comment is optional) or refuse (a reason is
required); a refused one goes back to the director, who changes and asks again: a new row, so
the history stays. The move to execution needs the current plan version approved; a closure
takes effect only on approval (services/approvals.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import Case
from .closure import ClosureRequest
from .plans import ActionPlan


class ApprovalSubject(models.TextChoices):
    PLAN = "plan", _("Plan van aanpak")
    CLOSURE = "closure", _("Afsluiting")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Wacht op goedkeuring")
    APPROVED = "approved", _("Goedgekeurd")
    REFUSED = "refused", _("Geweigerd")
    # a plan version that a newer version replaced before anyone decided
    SUPERSEDED = "superseded", _("Vervallen door een nieuwe versie")


class Approval(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    subject = models.CharField(_("onderwerp"), max_length=10, choices=ApprovalSubject.choices)
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="approvals",
        verbose_name=_("versie van het plan"),
    )
    closure = models.OneToOneField(
        ClosureRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="approval",
        verbose_name=_("afsluiting"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # optional with an approval, required with a refusal (the reason the director reads)
    comment = models.TextField(
        _("toelichting"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )

    class Meta:
        verbose_name = _("goedkeuring")
        verbose_name_plural = _("goedkeuringen")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "subject"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(subject="plan", plan__isnull=False, closure__isnull=True))
                | (models.Q(subject="closure", closure__isnull=False, plan__isnull=True)),
                name="collab_approval_subject_matches",
            ),
            models.UniqueConstraint(
                fields=["case", "subject"],
                condition=models.Q(status="pending"),
                name="collab_approval_one_pending",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "refused"])
                | models.Q(decided_by__isnull=False, decided_at__isnull=False),
                name="collab_approval_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(comment=""),
                name="collab_approval_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING
