"""The exploration per life domain and the plan of action: its versions, goals and actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import Case
from .organisations import Organisation
from .text import text_field as _text
from .vocabulary import LifeDomain


class DomainAssessment(models.Model):
    """Exploration: per life domain, strengths, worries, concerns and wishes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    domain = models.CharField(_("levensdomein"), max_length=20, choices=LifeDomain.choices)
    strengths = _text(_("krachten"))
    worries = _text(_("zorgen"))
    concerns = _text(_("bezorgdheden"))
    wishes = _text(_("wensen"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("verkenning levensdomein")
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(fields=["case", "domain"], name="collab_assessment_unique"),
        ]

    def __str__(self) -> str:
        return self.get_domain_display()


class ActionPlan(models.Model):
    """One version of the plan of action (plan van aanpak); the highest version is current."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField(_("versie"))
    presented_in_team_on = models.DateField(_("voorgelegd in team regie op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The evaluation before completion (collaboration.services.plans.plan_evaluate).
    evaluation = _text(_("evaluatie"), max_length=4000)
    evaluated_on = models.DateField(_("geëvalueerd op"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("plan van aanpak")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="collab_plan_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{_('Plan van aanpak')} v{self.version}"


class Goal(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    domain = models.CharField(_("levensdomein"), max_length=20, choices=LifeDomain.choices)
    description = _text(_("doel"), blank=False, max_length=1000)

    class Meta:
        verbose_name = _("doel")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Gedaan")
    NOT_POSSIBLE = "not_possible", _("Niet mogelijk")
    NOT_DONE = "not_done", _("Niet gedaan")
    # Closed because a newer plan version took it over (see Action.carried_over_to).
    CARRIED_OVER = "carried_over", _("Overgenomen")


class Action(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    description = _text(_("actie"), blank=False, max_length=1000)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("dienst")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_actions",
        null=True,
        blank=True,
        verbose_name=_("verantwoordelijke"),
    )
    due_date = models.DateField(_("tegen"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    status_reason = _text(_("reden"), max_length=1000)
    # A new plan version closes this action as carried over and points at its successor;
    # ``origin`` names the first action of the chain (reminders go out once per chain).
    carried_over_to = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_over_from",
        verbose_name=_("overgenomen in"),
    )
    origin = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("actie")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["responsible", "status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="not_possible") | ~models.Q(status_reason=""),
                name="collab_action_not_possible_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="carried_over")
                | models.Q(carried_over_to__isnull=False),
                name="collab_action_carried_over_has_successor",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def lineage_id(self) -> int:
        """The first action of the chain this one continues (itself when not carried over)."""
        return self.origin_id or self.pk
