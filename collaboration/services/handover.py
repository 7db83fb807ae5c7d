"""Case director handover: a coordinator of the region names another case director, and a case
whose director left is visibly "zonder regisseur" until then.

Why a case is "zonder regisseur": its director's account is switched off, or the director no
longer holds an active case-director or coordinator membership of an active organisation in
the case's region (the same rule that lets a coordinator name a director when accepting a
referral). Such a case keeps running; only *new work* waits for a new director, because new
work needs someone who leads it and follows it up. New work is, exactly:

* a meeting planned or recorded (``meeting_schedule``, ``meeting_record``);
* a goal or an action added to the plan, also the agreed actions of finalised minutes
  (``goal_add``, ``action_add``), and a new plan version (``plan_new_version``);
* a move to another phase, closing and reopening (``case_phase_change``, ``case_close``,
  ``case_reopen``).

Everything else goes on as before: reading, timeline entries, documents, exploration notes,
updating an action's status, live notes, preparing, moving, cancelling and finalising the
meetings already planned, family members and participants.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction
from portal.security.sockets import close_user_sockets

from ..access import actor_profile
from ..models import Case, EntryKind, Membership, Role, TimelineEntry
from ._common import audit_change, require_case_right
from .notifications import Kind, notify

DIRECTOR_ROLES = (Role.CASE_DIRECTOR, Role.COORDINATOR)


def _director_memberships(*, user: Any, region: Any) -> Any:
    return Membership.objects.filter(
        user=user,
        user__is_active=True,
        is_active=True,
        organisation__is_active=True,
        organisation__region=region,
        role__in=DIRECTOR_ROLES,
    )


def directed_q() -> Q:
    """Cases whose director is still in office (for filtering querysets of ``Case``)."""
    return Q(
        Exists(_director_memberships(user=OuterRef("case_director"), region=OuterRef("region")))
    )


def has_director(case: Case) -> bool:
    return bool(_director_memberships(user=case.case_director_id, region=case.region).exists())


def require_director(case: Case) -> None:
    """Refuse new work on a case without a director in office (see the module docstring)."""
    if not has_director(case):
        raise ValidationError(
            _(
                "Dit dossier is zonder regisseur: de casusregisseur werkt er niet meer. Nieuw "
                "werk (overleg, doelen, acties, een fase verder) kan pas als een coördinator "
                "een nieuwe regisseur heeft aangeduid."
            )
        )


def case_director_reassign(*, actor: Any, case: Case, new_director: Any) -> Case:
    """A coordinator of the case's region names ``new_director`` (who holds a case-director
    or coordinator membership in that region). Both the old and the new director are told;
    the old one's open live connections close, since their access ends now."""
    profile = actor_profile(actor)
    is_coordinator = case.region in profile.coordinator_regions
    profile, _basis = require_case_right(
        actor=actor, case=case, check=lambda _basis: is_coordinator, what="director_reassign"
    )
    if (
        new_director is None
        or not _director_memberships(user=new_director, region=case.region).exists()
    ):
        raise ValidationError(
            {"case_director": _("Kies een casusregisseur van Veilig Huis in deze regio.")}
        )
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("case_director").get(pk=case.pk)
        previous = case.case_director
        if previous.pk == new_director.pk:
            raise ValidationError(
                {"case_director": _("Deze persoon is al de casusregisseur van dit dossier.")}
            )
        case.case_director = new_director
        case.save(update_fields=["case_director"])
        TimelineEntry.objects.create(
            case=case,
            kind=EntryKind.NOTE,
            occurred_on=_today(),
            title=_("Nieuwe casusregisseur: %(new)s (neemt over van %(old)s)")
            % {"new": new_director.full_name, "old": previous.full_name},
            author=actor,
        )
        audit_change(
            action=AuditAction.CASE_PARTICIPANT_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis="coordinator",
            extra={
                "change": "director_reassigned",
                "from_user_id": previous.pk,
                "to_user_id": new_director.pk,
            },
        )
        notify(
            user=new_director,
            kind=Kind.DIRECTOR_CHANGED,
            link=reverse("collaboration:case_detail", args=[case.reference]),
            case_reference=case.reference,
        )
        if previous.is_active:
            # The old director no longer sees the case: the link leads to their dashboard.
            notify(
                user=previous,
                kind=Kind.DIRECTOR_CHANGED,
                link=reverse("collaboration:home"),
                case_reference=case.reference,
            )
        previous_id = previous.pk
        transaction.on_commit(lambda: close_user_sockets(previous_id))
    return case


def _today() -> datetime.date:
    return timezone.localdate()
