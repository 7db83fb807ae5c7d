"""In-portal notices: generic text, a link to the access-checked page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Een toestemming om te delen is ingetrokken")
        URGENT_REVIEW = "urgent_review", _("Een deling bij noodtoestand wacht op beoordeling")
        FLAG_RAISED = "flag_raised", _("Er is een signaal geplaatst in een dossier")
        RISK_RAISED = "risk_raised", _("Het risiconiveau in een dossier is gestegen")
        RISK_REVIEW_DUE = "risk_review_due", _("Een risicotaxatie moet herhaald worden")
        APPROVAL_PENDING = "approval_pending", _("Een goedkeuring wacht op u")
        APPROVAL_DECIDED = "approval_decided", _("Er is een beslissing over een goedkeuring")
        REFERRAL_OVERDUE = "referral_overdue", _("Een aanmelding wacht te lang op een beslissing")

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
