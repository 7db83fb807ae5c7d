"""The safety plan (veiligheidsplan) of one person at risk: warning signs, what to do, safe
places, trusted people and numbers, agreements with the other family members, which services
do what. Every save is a new version (``version`` per person); the earlier ones stay as the
plan's history. Each version is shared on a legal basis of the case (``legal_basis``), like a
timeline entry: only the services it covers see that version (``access.covered_by_basis_q``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import Case, FamilyMember
from .sharing import shared_under
from .text import text_field

# The plan's parts and their headings, in the order the form, the pages and the PDF show them.
SAFETY_PLAN_LABELS: dict[str, str] = {
    "warning_signs": _("Waarschuwingssignalen"),
    "what_to_do": _("Wat ik dan doe"),
    "safe_places": _("Veilige plekken"),
    "trusted_people": _("Mensen die ik vertrouw en hun nummers"),
    "family_agreements": _("Afspraken met de andere gezinsleden"),
    "services": _("Welke dienst doet wat"),
}
SAFETY_PLAN_FIELDS: tuple[str, ...] = tuple(SAFETY_PLAN_LABELS)


class SafetyPlan(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safety_plans")
    family_member = models.ForeignKey(
        FamilyMember,
        on_delete=models.CASCADE,
        related_name="safety_plans",
        verbose_name=_("persoon die gevaar loopt"),
    )
    version = models.PositiveSmallIntegerField(_("versie"))
    is_current = models.BooleanField(default=True)
    warning_signs = text_field(SAFETY_PLAN_LABELS["warning_signs"])
    what_to_do = text_field(SAFETY_PLAN_LABELS["what_to_do"])
    safe_places = text_field(SAFETY_PLAN_LABELS["safe_places"])
    trusted_people = text_field(SAFETY_PLAN_LABELS["trusted_people"])
    family_agreements = text_field(SAFETY_PLAN_LABELS["family_agreements"])
    services = text_field(SAFETY_PLAN_LABELS["services"])
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_by_organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    saved_at = models.DateTimeField(_("bewaard op"), auto_now_add=True)
    # Null only on versions saved before plans named their basis (migration 0023).
    legal_basis = shared_under()

    class Meta:
        verbose_name = _("veiligheidsplan")
        verbose_name_plural = _("veiligheidsplannen")
        ordering = ["family_member", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["family_member", "version"], name="collab_safety_plan_version"
            ),
        ]
        indexes = [models.Index(fields=["case", "is_current"])]

    def __str__(self) -> str:
        return f"safety plan #{self.pk} v{self.version}"
