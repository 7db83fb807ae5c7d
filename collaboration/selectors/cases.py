"""Case reads: the workspace of one case, the dashboard, search, downloads, the audit trail."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.utils import timezone

from portal.audit.classification import AccessRule
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent

from ..access import (
    ActorProfile,
    Basis,
    NotFoundOrNotAllowed,
    actor_profile,
    case_basis,
    covered_by_basis_q,
    restricted_item_q,
    sees_everything_in,
    visible_cases,
)
from ..models import (
    Action,
    ActionPlan,
    ActionStatus,
    Audience,
    Case,
    CaseDocument,
    CaseParticipant,
    ConsultRequest,
    ConsultStatus,
    CorrectedKind,
    FamilyMember,
    Goal,
    Meeting,
    MeetingStatus,
    Notification,
    Phase,
    Referral,
    ReferralStatus,
    TimelineEntry,
)
from ..subject_access.rights import restricted_q, sees_restricted
from ._audit import audit_read
from .correction_history import attach_corrections
from .flags import case_flags, unacknowledged_flags
from .safety_plan_summary import with_safety_plan

TIMELINE_LIMIT = 200
CASE_PAGE = "case_page"


def current_open_actions() -> QuerySet[Action]:
    """Open actions of each case's current plan version: an action is counted once, never again
    through the carried-over copy of an earlier version (open means not done, not possible, not
    done or carried over).

    "Current" is written as two scalar subqueries (the action's plan version equals the case's
    highest), each one index lookup, not as NOT EXISTS over a newer plan joined through goal
    and plan: PostgreSQL pulls EXISTS up into the join search, and with the dashboard's other
    joins planning that query cost about 5 ms, ten times its execution (issue 19)."""
    own_version = Goal.objects.filter(pk=OuterRef("goal_id")).values("plan__version")[:1]
    highest_version = (
        ActionPlan.objects.filter(case_id=OuterRef("case_id"))
        .order_by("-version")
        .values("version")[:1]
    )
    return (
        Action.objects.filter(status=ActionStatus.OPEN)
        .alias(own_version=Subquery(own_version), highest_version=Subquery(highest_version))
        .filter(own_version=F("highest_version"))
    )


def _previous_case_page_visit(user: Any, reference: str) -> datetime.datetime | None:
    """When ``user`` last opened this case page: the newest allowed case-page read in the audit
    trail (read before this visit records its own), so no table of its own."""
    if not getattr(user, "pk", None):
        return None
    return (
        AuditEvent.objects.filter(
            case_reference=reference[:40],
            actor_id=user.pk,
            action=AuditAction.CASE_VIEWED,
            outcome=Outcome.ALLOWED,
            purpose=CASE_PAGE,
        )
        .order_by("-id")
        .values_list("occurred_at", flat=True)
        .first()
    )


@dataclass
class CaseAccess:
    case: Case
    basis: Basis
    profile: ActorProfile


def case_access(*, user: Any, reference: str, purpose: str = "") -> CaseAccess:
    """The case behind ``reference`` if ``user`` may see it; audited either way.

    Raises ``NotFoundOrNotAllowed`` (a 404) for a missing and for a forbidden case alike.
    """
    profile = actor_profile(user)
    with transaction.atomic():
        case = (
            Case.objects.select_related("case_director", "referral__referring_organisation")
            .filter(reference=reference)
            .first()
            if profile.is_member
            else None
        )
        basis = case_basis(profile, case) if case is not None else None
        audit_read(
            action=AuditAction.CASE_VIEWED,
            profile=profile,
            allowed=basis is not None,
            object_type="case",
            object_id=case.pk if case else "",
            case_reference=reference[:40],
            basis=str(basis or ""),
            purpose=purpose,
        )
    if basis is None or case is None:
        raise NotFoundOrNotAllowed
    return CaseAccess(case=case, basis=basis, profile=profile)


def _visible_items(qs: QuerySet[Any], access: CaseAccess, *, author_field: str) -> QuerySet[Any]:
    # Restriction of processing (GDPR art. 18): only the case director and a privacy officer.
    if not sees_restricted(access.basis):
        qs = qs.exclude(restricted_q(qs.model))
    if sees_everything_in(access.basis):
        return qs
    if access.basis == Basis.PARTICIPANT:
        qs = qs.filter(covered_by_basis_q(access.profile, author_field=author_field))
    return qs.filter(restricted_item_q(access.profile, author_field=author_field))


def visible_timeline(access: CaseAccess) -> QuerySet[TimelineEntry]:
    qs = TimelineEntry.objects.filter(case=access.case)
    return _visible_items(qs, access, author_field="author")


def visible_documents(access: CaseAccess) -> QuerySet[CaseDocument]:
    qs = CaseDocument.objects.filter(case=access.case)
    return _visible_items(qs, access, author_field="uploaded_by")


@dataclass
class CaseWorkspace:
    access: CaseAccess
    family: list[FamilyMember]
    participants: list[CaseParticipant]
    removed_family: list[FamilyMember]
    removed_participants: list[CaseParticipant]
    assessments: list[Any]
    plan: ActionPlan | None
    timeline: list[TimelineEntry]
    documents: list[CaseDocument]
    meetings: list[Meeting]
    # every plan version but the current one, newest first (selectors.plans)
    earlier_plans: list[ActionPlan] = field(default_factory=list)
    next_meeting: Meeting | None = None
    previous_visit: datetime.datetime | None = None
    flags: Any = None  # selectors.flags.CaseFlags
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def case(self) -> Case:
        return self.access.case

    @property
    def open_actions(self) -> list[Action]:
        """Open actions of the current plan version (earlier versions carried theirs over)."""
        if self.plan is None:
            return []
        return [
            action
            for goal in self.plan.goals.all()
            for action in goal.actions.all()
            if action.status == ActionStatus.OPEN
        ]

    @property
    def overdue_actions(self) -> list[Action]:
        """Open actions whose due date lies before today (a Brussels calendar day)."""
        return [a for a in self.open_actions if a.due_date is not None and a.due_date < self.today]

    @property
    def new_timeline(self) -> list[TimelineEntry]:
        """Timeline entries this person may see, written since their previous visit."""
        if self.previous_visit is None:
            return []
        return [e for e in self.timeline if e.created_at > self.previous_visit]

    @property
    def new_documents(self) -> list[CaseDocument]:
        if self.previous_visit is None:
            return []
        return [d for d in self.documents if d.uploaded_at > self.previous_visit]


def plan_versions(case: Case) -> QuerySet[ActionPlan]:
    """Every plan version of ``case``, newest first, with goals and actions; a carried-over
    action brings the version of its successor (for "overgenomen in versie N")."""
    actions = Action.objects.select_related(
        "organisation", "responsible", "carried_over_to__goal__plan"
    )
    return (
        ActionPlan.objects.filter(case=case)
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.prefetch_related(Prefetch("actions", queryset=actions)),
            )
        )
        .order_by("-version")
    )


def case_workspace(*, user: Any, reference: str) -> CaseWorkspace:
    """Everything the case page shows, filtered by the viewer's visibility, in a fixed number of
    queries. One audit record for the page; the previous one dates "new since your last visit"."""
    previous_visit = _previous_case_page_visit(user, reference)
    access = case_access(user=user, reference=reference, purpose=CASE_PAGE)
    case = access.case
    audience = Prefetch("audience", queryset=Audience.objects.select_related("organisation"))
    # every plan version in one go (three queries): the current one for the plan section, the
    # earlier ones for its history, which the page used to fetch a second time
    versions = list(plan_versions(case))
    plan = versions[0] if versions else None
    # family and professionals once each, split here into present and removed (was two
    # queries each); Python keeps the order the page showed
    family_all = list(with_safety_plan(case.family_members.select_related("removed_by"), access))
    removed_family = sorted(
        (m for m in family_all if m.removed_at is not None),
        key=lambda m: cast(datetime.datetime, m.removed_at),
    )
    people = list(
        case.participants.filter(Q(is_active=True) | Q(removed_at__isnull=False)).select_related(
            "user", "organisation", "removed_by"
        )
    )
    removed_participants = sorted(
        (p for p in people if not p.is_active), key=lambda p: cast(datetime.datetime, p.removed_at)
    )
    workspace = CaseWorkspace(
        access=access,
        family=[m for m in family_all if m.removed_at is None],
        participants=[p for p in people if p.is_active],
        removed_family=removed_family,
        removed_participants=removed_participants,
        assessments=list(case.assessments.all()),
        plan=plan,
        earlier_plans=versions[1:],
        timeline=list(
            visible_timeline(access)
            .select_related("author", "author_organisation", "retracted_by")
            .prefetch_related(audience)[:TIMELINE_LIMIT]
        ),
        documents=list(
            visible_documents(access)
            .select_related("uploaded_by", "retracted_by")
            .prefetch_related(audience)
        ),
        meetings=list(case.meetings.order_by("-starts_at")[:20]),
        next_meeting=_upcoming(Meeting.objects.filter(case=case)).first(),
        previous_visit=previous_visit,
    )
    workspace.flags = case_flags(access, participants=workspace.participants)
    goals = list(plan.goals.all()) if plan else []
    attach_corrections(
        case,
        {
            CorrectedKind.FAMILY_MEMBER: workspace.family,
            CorrectedKind.PARTICIPANT: workspace.participants,
            CorrectedKind.GOAL: goals,
            CorrectedKind.ACTION: [a for g in goals for a in g.actions.all()],
            CorrectedKind.TIMELINE_ENTRY: workspace.timeline,
            CorrectedKind.DOCUMENT: workspace.documents,
        },
    )
    return workspace


def document_for_download(*, user: Any, reference: str, document_id: int) -> CaseDocument:
    """A document the user may see, audited as a download; 404 otherwise."""
    try:
        access = case_access(user=user, reference=reference, purpose="document_download")
    except NotFoundOrNotAllowed:
        raise
    with transaction.atomic():
        # a retracted document stays listed (as retracted) but is never served again
        document = (
            visible_documents(access).filter(pk=document_id, retracted_at__isnull=True).first()
        )
        audit_read(
            action=AuditAction.DOCUMENT_DOWNLOADED,
            profile=access.profile,
            allowed=document is not None,
            object_type="document",
            object_id=document_id,
            case_reference=access.case.reference,
            basis=str(access.basis),
        )
    if document is None:
        raise NotFoundOrNotAllowed
    return document


# --- Dashboard and search ---------------------------------------------------------------


@dataclass
class Dashboard:
    profile: ActorProfile
    phase_counts: dict[str, int]
    # each annotated with next_meeting_at, open_actions and overdue_actions
    cases: Sequence[Case]
    actions: list[Action]
    meetings: list[Meeting]
    referrals: list[Referral]
    referral_count: int
    unread_notifications: int
    today: datetime.date
    open_action_count: int = 0
    overdue_action_count: int = 0
    consult_count: int = 0
    flags: list[Any] = field(default_factory=list)  # not yet acknowledged (selectors.flags)
    flag_count: int = 0
    # sign-off (issue 17, item 5): approvals waiting for this coordinator; referrals past
    # their decision term carry ``is_overdue``
    approvals: list[Any] = field(default_factory=list)
    overdue_referral_count: int = 0
    # coordinators: open cases whose director left (selectors.handover); directors: risk
    # assessments due again (selectors.risk). Each audited as its own list view.
    without_director: list[Case] = field(default_factory=list)
    risk_reviews: list[Any] = field(default_factory=list)


DASHBOARD_CASES = 20
DASHBOARD_ACTIONS = 25
# the fields a dashboard action line shows (templates/collaboration/dashboard.html)
ACTION_LINE_FIELDS = (
    "description",
    "due_date",
    "case",
    "case__reference",
    "organisation",
    "organisation__name",
    "responsible",
    "responsible__full_name",
)


def _own_cases(profile: ActorProfile) -> QuerySet[Case]:
    """Cases the user works on (director or participant) plus, for coordinators, their region."""
    return visible_cases(profile)


def _upcoming(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Planned or live meetings from now on, the soonest first."""
    return meetings.filter(
        starts_at__gte=timezone.now(), status__in=[MeetingStatus.PLANNED, MeetingStatus.LIVE]
    ).order_by("starts_at", "pk")


def _annotate_case_rows(
    case_list: list[Case], open_actions: QuerySet[Action], today: datetime.date
) -> None:
    """Give each listed case ``next_meeting_at``, ``open_actions`` and ``overdue_actions``.

    Two grouped queries over the listed cases' keys: cheaper for the server than three
    correlated subqueries per row, which the dashboard (the busiest signed-in page) paid on
    every request and which slowed the live notes served by the same process (make proof)."""
    ids = [case.pk for case in case_list]
    counts: dict[int, dict[str, int]] = {}
    next_at: dict[int, datetime.datetime] = {}
    if ids:
        rows = (
            open_actions.filter(case_id__in=ids)
            .order_by()
            .values("case_id")
            .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
        )
        counts = {row["case_id"]: {"open": row["open"], "overdue": row["overdue"]} for row in rows}
        for case_id, starts_at in _upcoming(Meeting.objects.filter(case_id__in=ids)).values_list(
            "case_id", "starts_at"
        ):
            next_at.setdefault(case_id, starts_at)
    for case in case_list:
        row = counts.get(case.pk, {})
        setattr(case, "next_meeting_at", next_at.get(case.pk))  # noqa: B010
        setattr(case, "open_actions", row.get("open", 0))  # noqa: B010
        setattr(case, "overdue_actions", row.get("overdue", 0))  # noqa: B010


def _upcoming_meetings(profile: ActorProfile, limit: int = 10) -> list[Meeting]:
    """Meetings of cases the user directs, and meetings they are invited to in a case they
    still see; two index-driven queries merged here (one OR-query scans every meeting)."""
    user = profile.user
    upcoming = (
        _upcoming(Meeting.objects.all())
        .select_related("case")
        .only("kind", "starts_at", "place", "case", "case__reference")
    )
    directed = list(upcoming.filter(case__case_director=user)[:limit])
    still_assigned = CaseParticipant.objects.filter(
        user=user, is_active=True, case_id=OuterRef("case_id")
    )
    invited = list(
        upcoming.filter(
            pk__in=Meeting.invitees.through.objects.filter(user_id=user.pk).values("meeting_id")
        ).filter(Q(Exists(still_assigned)) | Q(case__region__in=profile.coordinator_regions))[
            :limit
        ]
    )
    merged = {m.pk: m for m in directed + invited}.values()
    return sorted(merged, key=lambda m: (m.starts_at, m.pk))[:limit]


def _my_open_actions(
    profile: ActorProfile,
    cases: QuerySet[Case],
    open_actions: QuerySet[Action],
    today: datetime.date,
) -> tuple[list[Action], dict[str, int]]:
    """The person's own open actions and, for a case director, every open action in the open
    cases they direct (a partner's overdue action is the director's to chase): the first
    ``DASHBOARD_ACTIONS`` by due date, and how many there are (overdue ones apart).

    Two queries. The first finds the lines and the totals: the totals ride along as window
    counts over the whole match (computed before the LIMIT), instead of a count query that paid
    the same joins again; the candidates come from a UNION of two index-driven sets (actions
    they are responsible for in a case they still see; actions in the cases they direct, which
    they always see) instead of an OR across the action and case tables, which made the server
    join every open action. The second fetches the shown lines with their case, service and
    person by key: joined in the first, PostgreSQL joined those to every match before counting
    (500 for a director of 250 cases; 10 ms and more), guessing a handful (issue 19)."""
    user = profile.user
    candidates = (
        Action.objects.filter(responsible=user, case__in=cases.values("pk"))
        .order_by()
        .values("pk")
        .union(Action.objects.filter(case__case_director=user).order_by().values("pk"))
    )
    found = list(
        open_actions.filter(pk__in=candidates)
        .exclude(case__phase=Phase.CLOSED)
        .annotate(
            total_open=Window(Count("pk")),
            total_overdue=Window(Count("pk", filter=Q(due_date__lt=today))),
        )
        .order_by("due_date", "pk")
        .values_list("pk", "total_open", "total_overdue")[:DASHBOARD_ACTIONS]
    )
    if not found:
        return [], {"open": 0, "overdue": 0}
    shown = (
        Action.objects.filter(pk__in=[pk for pk, _open, _overdue in found])
        .select_related("case", "organisation", "responsible")
        # what the dashboard line shows: fewer columns to fetch and fewer model fields to fill
        .only(*ACTION_LINE_FIELDS)
        .in_bulk()
    )
    rows = [shown[pk] for pk, _open, _overdue in found if pk in shown]
    return rows, {"open": found[0][1], "overdue": found[0][2]}


def dashboard(*, user: Any) -> Dashboard:
    """The start page data in a constant number of queries, whatever the number of cases."""
    profile = actor_profile(user)
    today = timezone.localdate()
    with transaction.atomic():
        cases = _own_cases(profile)
        counts = (
            cases.aggregate(**{phase: Count("pk", filter=Q(phase=phase)) for phase in Phase.values})
            if profile.is_member
            else dict.fromkeys(Phase.values, 0)
        )
        open_actions = current_open_actions()
        case_list = list(
            cases.exclude(phase=Phase.CLOSED)
            .select_related("case_director")
            .only("reference", "phase", "case_director", "case_director__full_name")
            .order_by("-phase_changed_at", "-pk")[:DASHBOARD_CASES]
        )
        _annotate_case_rows(case_list, open_actions, today)
        actions, action_counts = (
            _my_open_actions(profile, cases, open_actions, today)
            if profile.is_member
            else ([], {"open": 0, "overdue": 0})
        )
        meetings = _upcoming_meetings(profile) if profile.is_member else []
        referrals: list[Referral] = []
        referral_count = consult_count = 0
        if profile.coordinator_regions:
            pending = Referral.objects.filter(
                region__in=profile.coordinator_regions, status=ReferralStatus.SUBMITTED
            )
            referrals = list(
                pending.select_related("referring_organisation").order_by("created_at")[:20]
            )
            referral_count = len(referrals) if len(referrals) < 20 else pending.count()
            from ..services.referrals import referral_is_overdue

            for referral in referrals:
                setattr(referral, "is_overdue", referral_is_overdue(referral, today))  # noqa: B010
            consult_count = ConsultRequest.objects.filter(
                region__in=profile.coordinator_regions, status=ConsultStatus.NEW
            ).count()
        unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
        flags, flag_count = unacknowledged_flags(profile)
        from .approvals import approvals_waiting_for

        approvals = approvals_waiting_for(profile)
        audit_read(
            action=AuditAction.CASE_LIST_VIEWED,
            profile=profile,
            allowed=True,
            object_type="dashboard",
            extra={"cases_listed": len(case_list)},
        )
        # in this transaction with the profile built above: one membership query and one
        # BEGIN/COMMIT for the page instead of three; their audit records follow the
        # dashboard's, as when the view called them one after the other
        from .handover import cases_without_director
        from .risk import risk_reviews_due

        without_director = cases_without_director(user=user, profile=profile)
        risk_reviews = risk_reviews_due(user=user, profile=profile)
    return Dashboard(
        profile=profile,
        phase_counts=counts,
        cases=case_list,
        actions=actions,
        meetings=meetings,
        referrals=referrals,
        referral_count=referral_count,
        unread_notifications=unread,
        today=today,
        open_action_count=action_counts["open"],
        overdue_action_count=action_counts["overdue"],
        consult_count=consult_count,
        flags=flags,
        flag_count=flag_count,
        approvals=approvals,
        overdue_referral_count=sum(1 for r in referrals if getattr(r, "is_overdue", False)),
        without_director=without_director,
        risk_reviews=risk_reviews,
    )


def case_search(
    *,
    user: Any,
    query: str = "",
    phase: str = "",
    assigned_only: bool = False,
    page: int = 1,
    per_page: int = 25,
) -> Page[Any]:
    """Search over the visible cases only: by reference or by family member's name; filter by
    phase, and (for coordinators) to the cases they are assigned to themselves."""
    profile = actor_profile(user)
    with transaction.atomic():
        cases = visible_cases(profile).select_related("case_director")
        query = query.strip()
        if query:
            cases = cases.filter(
                Q(reference__icontains=query)
                | Q(Exists(FamilyMember.objects.filter(case=OuterRef("pk"), name__icontains=query)))
            )
        if phase in Phase.values:
            cases = cases.filter(phase=phase)
        if assigned_only:
            cases = cases.filter(
                Q(case_director=user)
                | Q(
                    Exists(
                        CaseParticipant.objects.filter(
                            case=OuterRef("pk"), user=user, is_active=True
                        )
                    )
                )
            )
        paginator = Paginator(cases.order_by("-opened_at", "-pk"), per_page)
        result = paginator.get_page(page)
        audit_read(
            action=AuditAction.CASE_SEARCHED if query else AuditAction.CASE_LIST_VIEWED,
            profile=profile,
            allowed=True,
            object_type="case_list",
            # never the search text: it may be a family member's name
            extra={
                "searched": bool(query),
                "phase": phase if phase in Phase.values else "",
                "assigned_only": assigned_only,
                "shown": [case.pk for case in result.object_list],
            },
        )
    return result


def case_audit_trail(*, user: Any, reference: str) -> tuple[Case, list[AuditEvent]]:
    """Who did what on a case. For privacy officers of the case's region and its director."""
    profile = actor_profile(user)
    with transaction.atomic():
        case = Case.objects.filter(reference=reference).first() if profile.is_member else None
        as_officer = case is not None and case.region in profile.privacy_regions
        allowed = case is not None and (as_officer or case.case_director_id == user.pk)
        audit_read(
            action=AuditAction.AUDIT_VIEWED,
            profile=profile,
            allowed=allowed,
            # the rule that granted it: a director reads their own case's trail as its director,
            # not as a privacy officer (the action's fixed rule)
            basis=(
                (AccessRule.PRIVACY_OFFICER if as_officer else AccessRule.CASE_DIRECTOR)
                if allowed
                else ""
            ),
            object_type="case_audit_trail",
            object_id=case.pk if case else "",
            case_reference=reference[:40],
        )
    if not allowed or case is None:
        raise NotFoundOrNotAllowed
    events = list(
        AuditEvent.objects.filter(case_reference=case.reference)
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:500]
    )
    return case, events
