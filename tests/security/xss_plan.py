"""Which text field of which form is fed the corpus, and on which page it must come back as text.

``project_forms()`` finds every form class in the portal's own code; ``text_fields()`` its
free-text fields. ``test_every_text_field_of_every_form_is_planned`` fails when a field is in
neither ``SHOWN`` (fed through the real view, then checked on the named pages) nor ``NOT_FED``
(with the reason). Page labels ending in ``@*`` name one page per submission: the page
``label@i`` must show what submission ``i`` sent.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import defaultdict
from typing import Any

from django import forms

from .xss import CORPUS, EMAIL_CORPUS, pack

PROJECT_PACKAGES = ("collaboration", "content", "portal")

_C = "collaboration.forms."
_O = "portal.organisations.forms."
_CL = "collaboration.forms_closure."
_AP = "collaboration.forms_approvals."
_M = "collaboration.forms_meetings."
_SA = "collaboration.forms_subject_access."
_CO = "collaboration.forms_corrections."
_RI = "collaboration.forms_risk."
_LB = "collaboration.forms_legal_bases."
_F = "collaboration.forms_flags."
SHOWN: dict[str, tuple[str, ...]] = {
    # referral and its decision
    _C + "ReferralForm.family_composition": ("referral:referrer", "referral:coordinator"),
    _C + "ReferralForm.criterion_complexity": ("referral:referrer", "referral:coordinator"),
    _C + "ReferralForm.criterion_multiple_domains": ("referral:referrer", "referral:coordinator"),
    _C + "ReferralForm.criterion_stuck_help": ("referral:referrer", "referral:coordinator"),
    _C + "ReferralForm.services_involved": ("referral:referrer", "referral:coordinator"),
    _C + "ReferralDeclineForm.reason": ("referral:referrer",),
    _C + "ReferralDeclineForm.advice": ("referral:referrer",),
    # people
    _C + "InvitationForm.email": ("invitation_accept@*",),
    _O + "InvitationAcceptForm.full_name": ("members", "case", "participant_add_form"),
    # the case workspace
    _C + "ParticipantForm.role_in_case": ("case",),
    _C + "ParticipantForm.task_division": ("case",),
    _C + "FamilyMemberForm.name": ("case",),
    _C + "AssessmentForm.strengths": ("case", "assessment_form"),
    _C + "AssessmentForm.worries": ("case", "assessment_form"),
    _C + "AssessmentForm.concerns": ("case", "assessment_form"),
    _C + "AssessmentForm.wishes": ("case", "assessment_form"),
    _C + "GoalForm.description": ("case",),
    _C + "ActionForm.description": ("case", "action_status_form"),
    _C + "ActionStatusForm.reason": ("case",),
    _C + "TimelineEntryForm.title": ("case",),
    _C + "TimelineEntryForm.body": ("case",),
    _C + "DocumentForm.title": ("case",),
    _C + "RetractForm.reason": ("case",),
    _C + "RemovalForm.reason": ("case",),
    # corrections: current value, last reason and every earlier version on the case page
    **{
        f"{_CO}{form}.{field}": ("case",)
        for form, fields in {
            "FamilyMemberCorrectionForm": ("name",),
            "ParticipantCorrectionForm": ("role_in_case", "task_division"),
            "GoalCorrectionForm": ("description",),
            "ActionCorrectionForm": ("description",),
            "TimelineEntryCorrectionForm": ("title", "body"),
            "DocumentCorrectionForm": ("title",),
        }.items()
        for field in (*fields, "reason")
    },
    # risk assessment: the reason of the professional's own judgement, on the risk page
    _RI + "RiskAssessmentForm.override_reason": ("risk_list",),
    # safety plans: every part on the person's plan page (current and earlier versions)
    **{
        f"collaboration.forms_safety_plans.SafetyPlanForm.{part}": ("safety_plan",)
        for part in (
            "warning_signs",
            "what_to_do",
            "safe_places",
            "trusted_people",
            "family_agreements",
            "services",
        )
    },
    # the register of legal bases: every basis with its purpose, notes and reasons
    _LB + "ConsentForm.purpose": ("legal_bases",),
    _LB + "ConsentForm.family_informed_note": ("legal_bases",),
    _LB + "ConsultationForm.purpose": ("legal_bases",),
    _LB + "ConsultationForm.framework_reference": ("legal_bases",),
    _LB + "ConsultationForm.family_informed_note": ("legal_bases",),
    _LB + "UrgentForm.purpose": ("legal_bases",),
    _LB + "EndBasisForm.reason": ("legal_bases",),
    _LB + "UrgentReviewForm.note": ("legal_bases",),
    # flags: the label and reason on top of the case page, a removal's reason in its history
    _F + "FlagRaiseForm.custom_label": ("case",),
    _F + "FlagRaiseForm.reason": ("case",),
    _F + "FlagRemoveForm.reason": ("case",),
    _M + "MeetingForm.place": ("case", "meeting@*"),
    _M + "MeetingRecordForm.place": ("case",),
    _M + "MeetingRescheduleForm.place": ("case",),
    _M + "MeetingCancelForm.reason": ("case",),
    _C + "PhaseChangeForm.reason": ("case",),
    # closing with a "Nee": the coordinator reads it before deciding, the closed case shows it
    _CL + "ClosureForm.closing_summary": ("closure_decide@*", "closure_closed@*"),
    _CL + "ClosureForm.contact_card": ("closure_decide@*", "closure_closed@*"),
    _CL + "ClosureForm.criterion_no_new_violence_reason": ("closure_decide@*", "closure_closed@*"),
    _CL + "ClosureForm.criterion_progress_reason": ("closure_decide@*", "closure_closed@*"),
    _CL + "ClosureForm.criterion_help_running_reason": ("closure_decide@*", "closure_closed@*"),
    _CL + "ClosureForm.criterion_everyone_knows_reason": ("closure_decide@*", "closure_closed@*"),
    _CL + "ClosureForm.criterion_clients_know_whom_reason": (
        "closure_decide@*",
        "closure_closed@*",
    ),
    _CL + "ClosureDecisionForm.note": ("closure_closed@*",),
    _CL + "PlanEvaluationForm.evaluation": ("plan_evaluated@*",),
    # four eyes on the plan: the reason of a refusal or the comment of the approval
    _AP + "PlanApprovalForm.comment": ("plan_approved@*",),
    _C + "ReopenForm.incident": ("case",),
    # Stored for the audit trail (break-the-glass access); no page shows it.
    _C + "BreakGlassForm.justification": (),
    # meetings: agenda, agreed actions (the notes themselves go through the WebSocket)
    _M + "PrepareForm.agenda": ("meeting@0", "minutes"),
    _M + "AgreedActionForm.description": ("minutes", "case"),
    # consult questions from the public site, in the coordinators' inbox
    "content.forms.ConsultRequestForm.name": ("consult_inbox", "consult_detail@*"),
    "content.forms.ConsultRequestForm.organisation": ("consult_inbox", "consult_detail@*"),
    "content.forms.ConsultRequestForm.email": ("consult_detail@*",),
    "content.forms.ConsultRequestForm.phone": ("consult_detail@*",),
    "content.forms.ConsultRequestForm.question": ("consult_detail@*",),
    _C + "ConsultAnswerForm.answer": ("consult_detail@*",),
    # training: session booking names, learners' names
    # (the confirmation and the manage-by-link pages show neither name nor address)
    "content.training.forms.SessionRegistrationForm.display_name": ("session_attendees",),
    "content.training.forms.SessionRegistrationForm.email": ("session_attendees",),
    "portal.accounts.signup.SignUpForm.full_name": ("certificate@*", "certificate_verify@*"),
    "portal.accounts.signup.SignUpForm.email": ("signup_check_email@*",),
    # subject access: a privacy officer registers, decides on held items, records the
    # person's rights (the PDF and JSON exports are files, not pages)
    _SA + "RegisterForm.requester_name": ("subject_access_detail@*",),
    _SA + "RegisterForm.identity_checked_by": ("subject_access_detail@*",),
    _SA + "RegisterForm.identity_note": ("subject_access_detail@*",),
    _SA + "DecisionForm.reason": ("subject_access_detail@*",),
    _SA + "RectificationForm.request_text": ("subject_access_rights",),
    _SA + "HandleRectificationForm.text": ("subject_access_rights",),
    _SA + "RestrictionForm.reason": ("subject_access_rights",),
    _SA + "LiftForm.lift_reason": ("subject_access_rights",),
}
NOT_FED: dict[str, str] = {
    _CO + "CorrectionForm.reason": "the shared base; fed through each kind's correction form",
    _LB + "BasisForm.purpose": "the shared base; fed through each kind's form",
    _LB + "BasisForm.family_informed_note": "the shared base; fed through each kind's form",
    _LB + "UrgentForm.family_informed_note": "removed from the form: an urgency asks no family",
    _C + "CaseSearchForm.q": "a search filter (GET), never stored; the reflected test sends it",
    _C + "BreakGlassForm.reference": "a case number that is looked up, never stored",
    "content.forms.ConsultRequestForm.website": "the honeypot: filled in, the form is refused",
    "content.training.forms.SessionRegistrationForm.website": "the honeypot, as the consult's",
    "portal.security.form_guard.HumanCheckForm.website": "the honeypot of the shared base form",
    "portal.accounts.forms.ConfirmWithPasswordAndCodeForm.otp_token": "a code, never stored",
    "portal.accounts.forms.VerifyCodeForm.otp_token": "a code, never stored",
    "portal.accounts.rights.AccountEraseForm.otp_token": "a code, never stored",
    _SA + "FindCaseForm.dossier": "a case number that is looked up (GET), never stored",
    _SA + "FindProfessionalForm.professional": "an address that is looked up (GET), never stored",
    "portal.audit.forms.AuditFilterForm.user": "a filter of the audit viewer (GET)",
    "portal.audit.forms.AuditFilterForm.organisation": "a filter of the audit viewer (GET)",
    "portal.audit.forms.AuditFilterForm.case": "a filter of the audit viewer (GET)",
}


def project_modules() -> list[Any]:
    modules = []
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            name = info.name
            if ".migrations" in name or ".management" in name or name.startswith("portal.settings"):
                continue
            if name.startswith("content.search_backend."):
                # Each backend imports its own database's search models (the SQLite one fails
                # to import on PostgreSQL); they define no forms.
                continue
            modules.append(importlib.import_module(name))
    return modules


def project_forms() -> dict[str, type[forms.BaseForm]]:
    """Every form class defined in the portal's own modules, by dotted path."""
    found = {}
    for module in project_modules():
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{obj.__qualname__}"] = obj
    return found


def text_fields(form_class: type[forms.BaseForm]) -> list[str]:
    """Fields where a person types free text (passwords and hidden tokens are not shown back)."""
    return [
        name
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field.widget, forms.PasswordInput | forms.HiddenInput)
    ]


def field_key(form_class: type[forms.BaseForm], name: str) -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}.{name}"


class Feeder:
    """Fills forms' text fields with the corpus, posts them through the real views, and keeps
    what was sent so the pages can be checked for it."""

    def __init__(self) -> None:
        self.fed: dict[str, list[str]] = defaultdict(list)
        self.checked: dict[str, set[str]] = defaultdict(set)
        self._numbers: dict[str, int] = {}

    def _tag(self, key: str) -> str:
        number = self._numbers.setdefault(key, len(self._numbers) + 1)
        return f"[{number}]"

    def values(
        self, form_class: type[forms.BaseForm], name: str, count: int = 0, limit: int = 0
    ) -> list[str]:
        key = field_key(form_class, name)
        field = form_class.base_fields[name]
        tag = self._tag(key)
        if isinstance(field, forms.EmailField):
            number = self._numbers[key]
            return [
                EMAIL_CORPUS[i % len(EMAIL_CORPUS)].replace(
                    "@example.be", f"@v{i}.f{number}.example.be"
                )
                for i in range(max(count, len(EMAIL_CORPUS)))
            ]
        return pack(limit or field.max_length, tag)

    def plan(
        self,
        form_class: type[forms.BaseForm],
        names: list[str],
        *,
        limits: dict[str, int] | None = None,
        count: int = 0,
    ) -> list[dict[str, str]]:
        """One dict of text values per submission: as many submissions as the field that
        needs the most (short fields get more), each field's values cycled."""
        limits = limits or {}
        plain = [n for n in names if not isinstance(form_class.base_fields[n], forms.EmailField)]
        lists = {n: self.values(form_class, n, limit=limits.get(n, 0)) for n in plain}
        total = max([count, *(len(v) for v in lists.values())]) or len(EMAIL_CORPUS)
        for name in names:
            if name not in lists:
                lists[name] = self.values(form_class, name, count=total)
        rows = [{n: v[i % len(v)] for n, v in lists.items()} for i in range(total)]
        for row in rows:
            for name, value in row.items():
                self.fed[field_key(form_class, name)].append(value)
        return rows

    def expect(self, label: str) -> list[str]:
        """What page ``label`` must show as text, from what was fed."""
        base, _sep, index = label.partition("@")
        wanted = []
        for key, labels in SHOWN.items():
            for shown in labels:
                if shown == label or (shown == f"{base}@*" and index.isdigit()):
                    values = self.fed.get(key, [])
                    if shown.endswith("@*"):
                        values = values[int(index) : int(index) + 1]
                    if values:
                        self.checked[key].add(shown)
                        wanted.extend(values)
        return wanted

    def missing(self) -> list[str]:
        """Planned fields not fed, or fed and not checked on every page the plan names."""
        gaps = []
        for key, labels in SHOWN.items():
            if key not in self.fed:
                gaps.append(f"{key}: not fed")
            for label in labels:
                if label not in self.checked[key]:
                    gaps.append(f"{key}: not checked on {label}")
        return gaps


def error_summary(response: Any) -> str:
    """The Dutch error messages of a re-rendered form, for assertion messages."""
    body = response.content.decode(errors="replace")
    start = body.find('class="error-summary"')
    end = body.find("</div>", start)
    part = body[start:end] if start >= 0 else body[:500]
    items = re.findall(r"<li>(.*?)</li>", part, flags=re.S)
    text = " | ".join(re.sub(r"<[^>]+>", "", i)[-160:] for i in items) or part
    return re.sub(r"\s+", " ", text)[:1500]


ALL_PAYLOADS = " ".join(CORPUS)
