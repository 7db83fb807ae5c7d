"""Four eyes on the plan of action and on every closure (issue 17, item 5).

``approval_request`` runs inside the transaction of the act that asks for it: marking a plan
version as presented in team regie (services/plans.py) and submitting a closure
(services/closure.py). The coordinators of the region who may decide are notified
(``APPROVAL_PENDING``, a mail without content). ``approval_decide``: a coordinator of the
region who is neither the case director nor the one who asked approves (an optional comment)
or refuses (a required reason); the director and the one who asked are notified
(``APPROVAL_DECIDED``). A refusal "goes back": the director changes and asks again, a new
``Approval`` (the refused one stays as history).

The director of the case never decides on it, also not when they coordinate the region too:
that is refused as "not found" and recorded as denied, like a coordinator of another region.
The audit records carry ids and the subject only, never the comment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction

from ..access import ActorProfile, Basis, actor_profile
from ..models import (
    ActionPlan,
    Approval,
    ApprovalStatus,
    ApprovalSubject,
    Case,
    ClosureRequest,
    Membership,
    Role,
)
from ._common import audit_change, require_case_right
from .notifications import Kind, notify

APPROVE = "approve"
REFUSE = "refuse"
COMMENT_MAX = 2000


def may_decide(profile: ActorProfile, case: Case) -> bool:
    """A coordinator of the case's region (an active membership) who is not its director."""
    return (
        profile.is_member
        and case.region in profile.coordinator_regions
        and profile.user.pk != case.case_director_id
    )


def deciders(case: Case, *, excluding: set[int]) -> list[Any]:
    """The active coordinators of the case's region, without ``excluding`` (the director and
    the one who asks)."""
    from portal.accounts.models import User

    ids = Membership.objects.filter(
        role=Role.COORDINATOR,
        is_active=True,
        organisation__is_active=True,
        organisation__region=case.region,
    ).values("user_id")
    return list(
        User.objects.filter(pk__in=ids, is_active=True).exclude(pk__in=excluding).order_by("pk")
    )


def decide_url(approval: Approval) -> str:
    name = (
        "collaboration:plan_approval"
        if approval.subject == ApprovalSubject.PLAN
        else "collaboration:case_closure_decide"
    )
    return reverse(name, args=[approval.case.reference])


def _ids(approval: Approval) -> dict[str, Any]:
    """What the audit record names: ids and the subject, never the comment."""
    extra: dict[str, Any] = {"approval_id": approval.pk, "subject": approval.subject}
    if approval.plan_id:
        extra["plan_id"] = approval.plan_id
    if approval.closure_id:
        extra["closure_request_id"] = approval.closure_id
    return extra


def approval_request(
    *,
    actor: Any,
    profile: ActorProfile,
    basis: str,
    case: Case,
    plan: ActionPlan | None = None,
    closure: ClosureRequest | None = None,
) -> Approval:
    """Ask for a coordinator's approval of ``plan`` (a version) or ``closure``. Call inside
    the transaction of the act, after its checks (the case row locked)."""
    subject = ApprovalSubject.PLAN if plan is not None else ApprovalSubject.CLOSURE
    if Approval.objects.filter(case=case, subject=subject, status=ApprovalStatus.PENDING).exists():
        raise ValidationError(
            _("Er wacht al een vraag om goedkeuring. Wacht op de beslissing van een coördinator.")
        )
    people = deciders(case, excluding={actor.pk, case.case_director_id})
    if not people:
        raise ValidationError(
            _(
                "Er is in deze regio geen andere coördinator die kan goedkeuren (vier ogen). "
                "Neem contact op met Veilig Huis."
            )
        )
    approval = Approval(case=case, subject=subject, plan=plan, closure=closure, requested_by=actor)
    approval.full_clean()
    approval.save()
    audit_change(
        action=AuditAction.APPROVAL_REQUESTED,
        actor=actor,
        profile=profile,
        case=case,
        basis=basis,
        object_type="approval",
        object_id=approval.pk,
        extra=_ids(approval),
    )
    link = decide_url(approval)
    for person in people:
        notify(user=person, kind=Kind.APPROVAL_PENDING, link=link, case_reference=case.reference)
    return approval


def pending_approval(case: Case, subject: str) -> Approval | None:
    return (
        Approval.objects.filter(case=case, subject=subject, status=ApprovalStatus.PENDING)
        .select_related("requested_by", "plan", "closure")
        .first()
    )


def plan_is_approved(plan: ActionPlan | None) -> bool:
    return plan is not None and plan.approvals.filter(status=ApprovalStatus.APPROVED).exists()


def supersede_pending_plan_approval(case: Case) -> None:
    """A new plan version replaces the one that waited: its request lapses (no decider)."""
    Approval.objects.filter(
        case=case, subject=ApprovalSubject.PLAN, status=ApprovalStatus.PENDING
    ).update(status=ApprovalStatus.SUPERSEDED)


def require_decider(*, actor: Any, case: Case, what: str = "approval") -> ActorProfile:
    """Refuse as "not found", recorded as denied, anyone who may not decide on ``case``."""
    profile = actor_profile(actor)
    if not may_decide(profile, case):
        require_case_right(actor=actor, case=case, check=lambda _basis: False, what=what)
    return profile


def approval_decide(
    *,
    actor: Any,
    case: Case,
    subject: str,
    decision: str,
    comment: str = "",
    comment_field: str = "comment",
    on_approve: Callable[[Approval, ActorProfile], None] | None = None,
    on_refuse: Callable[[Approval], None] | None = None,
    what: str = "approval",
) -> Approval:
    """Decide on the waiting approval of ``subject`` in ``case``. ``on_approve`` makes it
    take effect (the closure closes the case) inside the same transaction."""
    from ..access import NotFoundOrNotAllowed

    profile = require_decider(actor=actor, case=case, what=what)
    comment = comment.strip()
    if decision not in (APPROVE, REFUSE):
        raise ValidationError({"decision": _("Kies goedkeuren of weigeren.")})
    if decision == REFUSE and not comment:
        raise ValidationError(
            {comment_field: _("Schrijf waarom u weigert; de casusregisseur leest het.")}
        )
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {comment_field: _("De toelichting is te lang (ten hoogste 2000 tekens).")}
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        approval = (
            Approval.objects.select_for_update()
            .filter(case=case, subject=subject, status=ApprovalStatus.PENDING)
            .first()
        )
        if approval is None:
            raise NotFoundOrNotAllowed
        if approval.requested_by_id == actor.pk:
            raise ValidationError(
                {"decision": _("U vroeg dit zelf aan; een andere coördinator beslist erover.")}
            )
        approval.decided_by = actor
        approval.decided_at = timezone.now()
        approval.comment = comment
        approval.status = ApprovalStatus.APPROVED if decision == APPROVE else ApprovalStatus.REFUSED
        approval.full_clean()
        approval.save()
        if decision == APPROVE and on_approve is not None:
            on_approve(approval, profile)
        if decision == REFUSE and on_refuse is not None:
            on_refuse(approval)
        audit_change(
            action=(
                AuditAction.APPROVAL_GIVEN if decision == APPROVE else AuditAction.APPROVAL_REFUSED
            ),
            actor=actor,
            profile=profile,
            case=case,
            basis=Basis.COORDINATOR,
            object_type="approval",
            object_id=approval.pk,
            extra=_ids(approval),
        )
        from portal.accounts.models import User

        told = {approval.requested_by_id, case.case_director_id} - {actor.pk}
        link = f"{reverse('collaboration:case_detail', args=[case.reference])}#goedkeuring"
        for user in User.objects.filter(pk__in=told, is_active=True).order_by("pk"):
            notify(user=user, kind=Kind.APPROVAL_DECIDED, link=link, case_reference=case.reference)
    return approval


def plan_approval_decide(*, actor: Any, case: Case, decision: str, comment: str = "") -> Approval:
    """A coordinator approves or refuses the plan version presented in team regie."""
    return approval_decide(
        actor=actor,
        case=case,
        subject=ApprovalSubject.PLAN,
        decision=decision,
        comment=comment,
        what="plan_approval",
    )
