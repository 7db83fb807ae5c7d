"""The work inside a case: exploration per life domain, plan of action, timeline, documents,
meetings. Timeline entries and documents carry a visibility (all participants or an audience)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..storage import case_document_storage
from .cases import Case
from .organisations import Organisation, Sector
from .vocabulary import LifeDomain


def _text(label: str, *, blank: bool = True, max_length: int = 4000) -> models.TextField:
    return models.TextField(
        label, blank=blank, max_length=max_length, validators=[MaxLengthValidator(max_length)]
    )


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tijdlijnitem")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["case", "-occurred_on", "-id"])]

    def __str__(self) -> str:
        return self.title


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
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title


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


class Notification(models.Model):
    """An in-portal notice. The text is generic; the link leads to the (access-checked) page."""

    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("U bent aan een dossier toegevoegd")
        REFERRAL_DECISION = "referral_decision", _("Er is een beslissing over uw aanmelding")
        ACTION_DUE = "action_due", _("Een actie nadert haar termijn")
        MEETING_INVITATION = "meeting_invitation", _("U bent uitgenodigd voor een overleg")
        BREAK_GLASS = "break_glass", _("Noodtoegang tot een dossier gebruikt")
        NEW_REFERRAL = "new_referral", _("Nieuwe aanmelding")
        RETENTION_DUE = "retention_due", _("Een bewaartermijnvoorstel wacht op uw bevestiging")
        MEETING_CHANGED = "meeting_changed", _("Een overleg is verplaatst of geannuleerd")
        DIRECTOR_CHANGED = "director_changed", _("De casusregisseur van een dossier is gewijzigd")
        CLOSURE_PENDING = "closure_pending", _("Een afsluiting wacht op uw bevestiging")
        CLOSURE_DECIDED = "closure_decided", _("Er is een beslissing over een afsluiting")
        NEW_CONSULT = "new_consult", _("Nieuwe consultvraag")
        CONSULT_OVERDUE = "consult_overdue", _("Een consultvraag wacht al twee werkdagen")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    link = models.CharField(max_length=300)
    case_reference = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.get_kind_display()
