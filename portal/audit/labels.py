"""Words for the audit trail's codes, in one place: what the viewer, the CSV export and the case
audit page show instead of ``case_director``, ``CaseReopenView`` or ``allowed``.

The codes stay in the rows (they are hashed into the chain and read by machines); only their
presentation is translated here. Each lookup returns None for a code it does not know, so
``tests/audit/test_labels.py`` can fail on a code someone writes without giving it words.
Callers fall back to ``unknown_code`` for display, never to the bare code.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .events import AuditAction, Outcome

Label = str | Promise

OUTCOME_LABELS: dict[str, Label] = {
    Outcome.ALLOWED: _("toegestaan"),
    Outcome.DENIED: _("geweigerd"),
}

# The ``role`` column holds the access rule that granted a case read (collaboration.access.Basis)
# or the membership role someone acted in (collaboration.models.Role). The codes
# ``case_director`` and ``coordinator`` exist in both; these words fit either meaning.
ROLE_LABELS: dict[str, Label] = {
    "case_director": _("casusregisseur"),
    "participant": _("betrokken partner in het dossier"),
    "coordinator": _("coördinator van de regio"),
    "break_the_glass": _("noodtoegang"),
    "partner": _("partnerprofessional"),
    "privacy_officer": _("privacyverantwoordelijke"),
    "org_admin": _("beheerder van de organisatie"),
}

# ``purpose`` holds either a short code (a page or a step) or text a person typed (a break-the-
# glass justification, a legal reference). Codes get words; typed text is shown as typed.
PURPOSE_LABELS: dict[str, Label] = {
    "case_page": _("dossierpagina"),
    "legal_bases": _("grondslagen voor het delen"),
    "document_download": _("document downloaden"),
    "live_notes": _("live notities van het overleg"),
    "acknowledge": _("kennisname van het verslag"),
    "prepare": _("overleg voorbereiden"),
    "finalise": _("verslag afronden"),
    "minutes_pdf": _("verslag als pdf"),
    "attendance": _("aanwezigheden van een vormingssessie"),
    "training_report": _("vormingsrapport"),
    "cases_without_director": _("dossiers zonder casusregisseur"),
    "risk_history": _("risicotaxaties van een dossier"),
    "risk_reviews_due": _("risicotaxaties die herhaald moeten worden"),
    "safety_plan": _("veiligheidsplan van een persoon"),
    "safety_plan_pdf": _("veiligheidsplan afgedrukt als pdf"),
    "nen7513_export": _("export volgens NEN 7513"),
    "invalid_filters": _("export geweigerd: een filter is ongeldig"),
    # The case forms record their view's name (collaboration.views.base.CaseFormView).
    "ActionAddView": _("formulier: actie toevoegen"),
    "ActionStatusView": _("formulier: status van een actie"),
    "AssessmentView": _("formulier: levensdomein beoordelen"),
    "CaseCloseView": _("formulier: dossier afsluiten"),
    "CaseReopenView": _("formulier: dossier heropenen"),
    "DocumentUploadView": _("formulier: document toevoegen"),
    "FamilyMemberAddView": _("formulier: gezinslid toevoegen"),
    "FamilyMemberRemoveView": _("formulier: gezinslid verwijderen"),
    "GoalAddView": _("formulier: doel toevoegen"),
    "MeetingAddView": _("formulier: overleg plannen"),
    "ParticipantAddView": _("formulier: professional toevoegen"),
    "ParticipantRemoveView": _("formulier: professional uit het dossier halen"),
    "PhaseChangeView": _("formulier: fase wijzigen"),
    "PlanNewVersionView": _("formulier: nieuwe versie van het plan van aanpak"),
    "PlanPresentedView": _("formulier: plan van aanpak voorgelegd"),
    "TimelineEntryAddView": _("formulier: tijdlijn aanvullen"),
    "TimelineEntryRetractView": _("formulier: tijdlijnitem intrekken"),
    "TimelineEntryNarrowView": _("formulier: zichtbaarheid van een tijdlijnitem beperken"),
    "DocumentRetractView": _("formulier: document intrekken"),
    "FamilyMemberCorrectionView": _("formulier: gezinslid corrigeren"),
    "ParticipantCorrectionView": _("formulier: rol van een betrokkene corrigeren"),
    "GoalCorrectionView": _("formulier: doel corrigeren"),
    "ActionCorrectionView": _("formulier: actie corrigeren"),
    "TimelineEntryCorrectionView": _("formulier: tijdlijnitem corrigeren"),
    "DocumentCorrectionView": _("formulier: titel van een document corrigeren"),
    "ClosureDecisionView": _("formulier: afsluiting bevestigen of weigeren"),
    "PlanApprovalView": _("formulier: plan van aanpak goedkeuren of weigeren"),
    "DirectorReassignView": _("formulier: casusregisseur wijzigen"),
    "MeetingCancelView": _("formulier: overleg annuleren"),
    "MeetingRecordView": _("formulier: gehouden overleg vastleggen"),
    "ConsentAddView": _("formulier: toestemming registreren"),
    "ConsultationAddView": _("formulier: casusoverleg registreren"),
    "UrgentAddView": _("formulier: noodtoestand registreren"),
    "LegalBasisEndView": _("formulier: toestemming intrekken of grondslag beëindigen"),
    "UrgentReviewView": _("formulier: noodtoestand beoordelen"),
    "MeetingRescheduleView": _("formulier: overleg verplaatsen"),
    "PlanEvaluateView": _("formulier: plan van aanpak evalueren"),
    "RiskAssessView": _("formulier: risicotaxatie"),
    "SafetyPlanEditView": _("formulier: veiligheidsplan bijwerken"),
    "FlagRaiseView": _("formulier: signaal plaatsen"),
    "FlagAcknowledgeView": _("formulier: signaal gezien"),
    "FlagRemoveView": _("formulier: signaal verwijderen"),
}

# What kind of thing an event is about. ``portal.audit.objects`` turns a kind plus an id into
# the thing's own words ("Dossier VH-OVL-2026-0002"); these are the kind on its own, used when
# the thing is gone or has no id, and in the CSV's "Soort object" column.
OBJECT_TYPE_LABELS: dict[str, Label] = {
    "case": _("Dossier"),
    "case_list": _("Dossierlijst"),
    "case_audit_trail": _("Audittrail van een dossier"),
    "case_document_storage": _("Opslag van dossierdocumenten"),
    "closure_request": _("Voorstel tot afsluiting van een dossier"),
    "approval": _("Goedkeuring door een coördinator (vier ogen)"),
    "dashboard": _("Startpagina van de samenwerking"),
    "family_member": _("Gezinslid"),
    "assessment": _("Beoordeling van een levensdomein"),
    "plan": _("Plan van aanpak"),
    "risk_assessment": _("Risicotaxatie"),
    "safety_plan": _("Veiligheidsplan"),
    "goal": _("Doel in het plan van aanpak"),
    "action": _("Actie in het plan van aanpak"),
    "timeline_entry": _("Tijdlijnbericht"),
    "document": _("Document"),
    "meeting": _("Overleg"),
    "legal_basis": _("Grondslag voor het delen"),
    "flag": _("Signaal in een dossier"),
    "referral": _("Aanmelding"),
    "referral_list": _("Lijst van aanmeldingen"),
    "consult": _("Consultvraag"),
    "consult_inbox": _("Postvak consultvragen"),
    "invitation": _("Uitnodiging"),
    "membership": _("Lidmaatschap"),
    "user": _("Account"),
    "device": _("Tweestapsapparaat"),
    "audit": _("Auditlogboek"),
    "retention": _("Bewaartermijnen"),
    "retention_run": _("Bewaartermijnronde"),
    "subject_access_request": _("Inzageverzoek"),
    "subject_access_list": _("Lijst van inzageverzoeken"),
    "rectification_request": _("Verzoek tot rechtzetting of bezwaar"),
    "processing_restriction": _("Beperking van de verwerking"),
    "training_report": _("Vormingsrapport"),
    "certificate": _("Attest"),
    "training_session_attendees": _("Aanwezigheidslijst van een vormingssessie"),
}


def _explicit_choice_label(member: AuditAction) -> Label | None:
    """The member's own label, or None when it has none: Django then makes one from the
    English member name (``CASE_VIEWED`` becomes "Case Viewed")."""
    generated = member.name.replace("_", " ").title()
    return None if str(member.label) == generated else member.label


def action_label(code: int | str) -> Label | None:
    try:
        member = AuditAction(int(code))
    except (TypeError, ValueError):
        return None
    return _explicit_choice_label(member)


def outcome_label(code: str) -> Label | None:
    return OUTCOME_LABELS.get(code)


def role_label(code: str) -> Label | None:
    return ROLE_LABELS.get(code)


def purpose_label(code: str) -> Label | None:
    return PURPOSE_LABELS.get(code)


def object_type_label(code: str) -> Label | None:
    return OBJECT_TYPE_LABELS.get(code)


def looks_like_code(text: str) -> bool:
    """A machine code (``case_page``, ``CaseReopenView``) rather than words a person typed:
    one token without spaces, in snake_case or CamelCase."""
    token = text.strip()
    if not token or " " in token:
        return False
    return "_" in token or (token[:1].isupper() and any(c.isupper() for c in token[1:]))


def unknown_code(code: str) -> str:
    """What the viewer shows for a code without words: said so, not passed off as a label."""
    return str(_("onbekende code ({code})")).format(code=code)


def words_for_purpose(text: str) -> str:
    """A purpose for people: a code's words, typed text as typed, an unknown code said so."""
    if not text:
        return ""
    label = purpose_label(text)
    if label is not None:
        return str(label)
    return unknown_code(text) if looks_like_code(text) else text


def words_for_role(code: str) -> str:
    if not code:
        return ""
    label = role_label(code)
    return str(label) if label is not None else unknown_code(code)


def words_for_outcome(code: str) -> str:
    label = outcome_label(code)
    return str(label) if label is not None else unknown_code(code)


def words_for_action(code: int) -> str:
    label = action_label(code)
    return str(label) if label is not None else unknown_code(str(code))
