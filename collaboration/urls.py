from django.urls import path

from .views import (
    actions,
    cases,
    closure,
    flags,
    handover,
    legal_bases,
    meetings,
    people,
    referrals,
    risk,
    safety_plans,
)
from .views.corrections import CORRECTION_VIEWS

app_name = "collaboration"

CASE = "dossiers/<str:reference>/"

urlpatterns = [
    path("", cases.DashboardView.as_view(), name="home"),
    path("dossiers/", cases.CaseListView.as_view(), name="case_list"),
    path(CASE, cases.CaseDetailView.as_view(), name="case_detail"),
    path(f"{CASE}fase/", cases.PhaseChangeView.as_view(), name="case_phase"),
    path(f"{CASE}afsluiten/", closure.CaseCloseView.as_view(), name="case_close"),
    path(
        f"{CASE}afsluiten/bevestigen/",
        closure.ClosureDecisionView.as_view(),
        name="case_closure_decide",
    ),
    path(f"{CASE}heropenen/", cases.CaseReopenView.as_view(), name="case_reopen"),
    path(f"{CASE}audit/", cases.CaseAuditView.as_view(), name="case_audit"),
    path(f"{CASE}betrokkenen/nieuw/", cases.ParticipantAddView.as_view(), name="participant_add"),
    path(
        f"{CASE}betrokkenen/<int:participant_id>/verwijderen/",
        cases.ParticipantRemoveView.as_view(),
        name="participant_remove",
    ),
    path(f"{CASE}gezin/nieuw/", cases.FamilyMemberAddView.as_view(), name="family_add"),
    path(
        f"{CASE}gezin/<int:family_member_id>/verwijderen/",
        cases.FamilyMemberRemoveView.as_view(),
        name="family_remove",
    ),
    path(f"{CASE}verkenning/<str:domain>/", cases.AssessmentView.as_view(), name="assessment"),
    path(f"{CASE}plan/doel/", cases.GoalAddView.as_view(), name="goal_add"),
    path(f"{CASE}plan/actie/", cases.ActionAddView.as_view(), name="action_add"),
    path(
        f"{CASE}plan/actie/<int:action_id>/status/",
        actions.ActionStatusView.as_view(),
        name="action_status",
    ),
    path(f"{CASE}plan/evaluatie/", closure.PlanEvaluateView.as_view(), name="plan_evaluate"),
    path(f"{CASE}plan/voorgelegd/", cases.PlanPresentedView.as_view(), name="plan_presented"),
    path(f"{CASE}plan/goedkeuren/", closure.PlanApprovalView.as_view(), name="plan_approval"),
    path(f"{CASE}plan/nieuwe-versie/", cases.PlanNewVersionView.as_view(), name="plan_version"),
    path(f"{CASE}tijdlijn/nieuw/", cases.TimelineEntryAddView.as_view(), name="timeline_add"),
    path(
        f"{CASE}tijdlijn/<int:entry_id>/intrekken/",
        cases.TimelineEntryRetractView.as_view(),
        name="timeline_retract",
    ),
    path(
        f"{CASE}tijdlijn/<int:entry_id>/zichtbaarheid/",
        cases.TimelineEntryNarrowView.as_view(),
        name="timeline_narrow",
    ),
    path(f"{CASE}documenten/nieuw/", cases.DocumentUploadView.as_view(), name="document_upload"),
    path(
        f"{CASE}documenten/<int:document_id>/intrekken/",
        cases.DocumentRetractView.as_view(),
        name="document_retract",
    ),
    path(
        f"{CASE}documenten/<int:document_id>/",
        cases.DocumentDownloadView.as_view(),
        name="document_download",
    ),
    path(f"{CASE}overleg/nieuw/", meetings.MeetingAddView.as_view(), name="meeting_add"),
    path(f"{CASE}overleg/gehouden/", meetings.MeetingRecordView.as_view(), name="meeting_record"),
    path(
        f"{CASE}overleg/<int:meeting_id>/verplaatsen/",
        meetings.MeetingRescheduleView.as_view(),
        name="meeting_reschedule",
    ),
    path(
        f"{CASE}overleg/<int:meeting_id>/annuleren/",
        meetings.MeetingCancelView.as_view(),
        name="meeting_cancel",
    ),
    path(f"{CASE}risicotaxatie/", risk.RiskListView.as_view(), name="risk_list"),
    path(f"{CASE}risicotaxatie/nieuw/", risk.RiskAssessView.as_view(), name="risk_assess"),
    path(
        f"{CASE}gezin/<int:family_member_id>/veiligheidsplan/",
        safety_plans.SafetyPlanDetailView.as_view(),
        name="safety_plan",
    ),
    path(
        f"{CASE}gezin/<int:family_member_id>/veiligheidsplan/bewerken/",
        safety_plans.SafetyPlanEditView.as_view(),
        name="safety_plan_edit",
    ),
    path(
        f"{CASE}gezin/<int:family_member_id>/veiligheidsplan/pdf/",
        safety_plans.SafetyPlanPdfView.as_view(),
        name="safety_plan_pdf",
    ),
    path(f"{CASE}grondslagen/", legal_bases.LegalBasisRegisterView.as_view(), name="legal_bases"),
    path(
        f"{CASE}grondslagen/toestemming/",
        legal_bases.ConsentAddView.as_view(),
        name="legal_basis_consent",
    ),
    path(
        f"{CASE}grondslagen/casusoverleg/",
        legal_bases.ConsultationAddView.as_view(),
        name="legal_basis_consultation",
    ),
    path(
        f"{CASE}grondslagen/noodtoestand/",
        legal_bases.UrgentAddView.as_view(),
        name="legal_basis_urgent",
    ),
    path(
        f"{CASE}grondslagen/<int:basis_id>/",
        legal_bases.LegalBasisDetailView.as_view(),
        name="legal_basis_detail",
    ),
    path(
        f"{CASE}grondslagen/<int:basis_id>/intrekken/",
        legal_bases.LegalBasisEndView.as_view(),
        name="legal_basis_end",
    ),
    path(
        f"{CASE}grondslagen/<int:basis_id>/beoordelen/",
        legal_bases.UrgentReviewView.as_view(),
        name="legal_basis_review",
    ),
    path(f"{CASE}signalen/nieuw/", flags.FlagRaiseView.as_view(), name="flag_raise"),
    path(
        f"{CASE}signalen/<int:flag_id>/gezien/",
        flags.FlagAcknowledgeView.as_view(),
        name="flag_acknowledge",
    ),
    path(
        f"{CASE}signalen/<int:flag_id>/verwijderen/",
        flags.FlagRemoveView.as_view(),
        name="flag_remove",
    ),
    path(f"{CASE}regisseur/", handover.DirectorReassignView.as_view(), name="director_reassign"),
    # one correction form per kind of item: .../gezin/3/corrigeren/, .../tijdlijn/7/corrigeren/
    *(
        path(
            f"{CASE}{segment}/<int:{kwarg}>/corrigeren/",
            view.as_view(),
            name=f"{kind}_correct",
        )
        for kind, (segment, kwarg, view) in CORRECTION_VIEWS.items()
    ),
    path("aanmeldingen/", referrals.ReferralListView.as_view(), name="referral_list"),
    path("aanmeldingen/nieuw/", referrals.ReferralCreateView.as_view(), name="referral_create"),
    path(
        "aanmeldingen/<int:referral_id>/",
        referrals.ReferralDetailView.as_view(),
        name="referral_detail",
    ),
    path(
        "aanmeldingen/<int:referral_id>/aanvaarden/",
        referrals.ReferralAcceptView.as_view(),
        name="referral_accept",
    ),
    path(
        "aanmeldingen/<int:referral_id>/weigeren/",
        referrals.ReferralDeclineView.as_view(),
        name="referral_decline",
    ),
    path("consultvragen/", referrals.ConsultInboxView.as_view(), name="consult_inbox"),
    path(
        "consultvragen/<int:consult_id>/",
        referrals.ConsultDetailView.as_view(),
        name="consult_detail",
    ),
    path(
        "consultvragen/<int:consult_id>/afsluiten/",
        referrals.ConsultCloseView.as_view(),
        name="consult_close",
    ),
    path(
        "consultvragen/<int:consult_id>/aanmelding/",
        referrals.ConsultConvertView.as_view(),
        name="consult_convert",
    ),
    path("mensen/", people.MembersView.as_view(), name="members"),
    path("mensen/uitnodigen/", people.InvitationCreateView.as_view(), name="invite"),
    path(
        "mensen/<int:membership_id>/deactiveren/",
        people.MembershipDeactivateView.as_view(),
        name="membership_deactivate",
    ),
    path(
        "mensen/goedkeuren/<int:invitation_id>/",
        people.InvitationApproveView.as_view(),
        name="invitation_approve",
    ),
    path(
        "mensen/weigeren/<int:invitation_id>/",
        people.InvitationRefuseView.as_view(),
        name="invitation_refuse",
    ),
    path("meldingen/", people.NotificationListView.as_view(), name="notifications"),
    path("noodtoegang/", people.BreakGlassView.as_view(), name="break_glass"),
]
