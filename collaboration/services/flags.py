"""Flags (signalen): raising, acknowledging and removing a flag on a case, and alerting the
people of a case.

- ``flag_raise``: anyone who may contribute to the case (director, coordinator of the region,
  active participant) raises a flag, about the family or one family member, with a reason. The
  case director and every active participant except the one who raised it are alerted
  (``alert_case_people``: a notification in the portal and a mail without content).
- ``flag_acknowledge``: each person who works on the case says "Gezien"; one receipt per
  person and flag (a second time changes nothing).
- ``flag_remove``: the case director, a coordinator of the region or the person who raised it
  removes a flag with a reason; the row stays and is listed as removed.

Closed cases are read-only. A flag of another case, a removed one, or an actor without the
right is "not found" and recorded as denied. The audit record names ids and the kind code,
never the reason or the custom label (they may be about a person)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction

from ..access import NotFoundOrNotAllowed, actor_profile, can_contribute, case_basis
from ..models import Case, CaseParticipant, FamilyMember, Flag, FlagKind, FlagReceipt
from ..selectors.cases import CaseAccess
from ..selectors.flags import active_flag, may_remove
from ._common import audit_change, require_case_right, require_open, retraction_reason
from .notifications import Kind, notify

CUSTOM_LABEL_MAX = 60
ANCHOR = "signalen"


def case_page_link(case: Case, anchor: str = ANCHOR) -> str:
    url = reverse("collaboration:case_detail", args=[case.reference])
    return f"{url}#{anchor}" if anchor else url


def alert_case_people(*, case: Case, kind: str, actor: Any, link: str | None = None) -> int:
    """Alert the case director and every active participant of ``case``, except ``actor``:
    a notification of ``kind`` in the portal and a mail without content (``notify``), linking
    to ``link`` (the case page by default). People whose account or every membership is no
    longer active are left out (they no longer see the case). Call it inside the transaction
    of the change: the notifications are written with it, the mails leave after its commit.
    Returns how many people were alerted."""
    link = link or case_page_link(case, "")
    ids = set(
        CaseParticipant.objects.filter(case=case, is_active=True).values_list("user_id", flat=True)
    )
    ids.add(case.case_director_id)
    ids.discard(getattr(actor, "pk", None))
    people = (
        get_user_model()
        .objects.filter(
            pk__in=ids,
            is_active=True,
            memberships__is_active=True,
            memberships__organisation__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )
    alerted = 0
    for person in people:
        notify(user=person, kind=kind, link=link, case_reference=case.reference)
        alerted += 1
    return alerted


def _access(actor: Any, case: Case) -> CaseAccess | None:
    profile = actor_profile(actor)
    basis = case_basis(profile, case)
    return CaseAccess(case=case, basis=basis, profile=profile) if basis is not None else None


def _flag_kind(kind: str, custom_label: str) -> tuple[str, str]:
    if kind not in FlagKind.values:
        raise ValidationError({"kind": _("Kies een soort signaal uit de lijst.")})
    if kind != FlagKind.CUSTOM:
        return kind, ""
    custom_label = (custom_label or "").strip()
    if not custom_label:
        raise ValidationError(
            {"custom_label": _("Geef het signaal een korte naam (bij 'Ander signaal').")}
        )
    if len(custom_label) > CUSTOM_LABEL_MAX:
        raise ValidationError({"custom_label": _("De naam is te lang (ten hoogste 60 tekens).")})
    return kind, custom_label


def _flag_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Geef de reden van het signaal op.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("De reden is te lang (ten hoogste 2000 tekens).")})
    return reason


def flag_raise(
    *,
    actor: Any,
    case: Case,
    kind: str,
    reason: str,
    custom_label: str = "",
    family_member_id: int | None = None,
) -> Flag:
    """Raise a flag on ``case`` (about one family member of it when ``family_member_id`` is
    given) and alert the people of the case."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_contribute, what="flag_raise"
    )
    require_open(case)
    kind, custom_label = _flag_kind(kind, custom_label)
    reason = _flag_reason(reason)
    member = None
    if family_member_id:
        member = FamilyMember.objects.filter(
            case=case, pk=family_member_id, removed_at__isnull=True
        ).first()
        if member is None:
            raise ValidationError({"family_member": _("Kies een gezinslid uit de lijst.")})
    with transaction.atomic():
        flag = Flag.objects.create(
            case=case,
            family_member=member,
            kind=kind,
            custom_label=custom_label,
            reason=reason,
            raised_by=actor,
            raised_by_organisation=profile.label[:200],
        )
        audit_change(
            action=AuditAction.FLAG_RAISED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="flag",
            object_id=flag.pk,
            extra={
                "change": "flag_raise",
                "flag": flag.pk,
                "kind": kind,
                "family_member": member.pk if member else None,
            },
        )
        alert_case_people(case=case, kind=Kind.FLAG_RAISED, actor=actor, link=case_page_link(case))
    return flag


def flag_acknowledge(*, actor: Any, case: Case, flag_id: int) -> FlagReceipt:
    """Record that ``actor`` has seen an active flag of ``case`` ("Gezien"). A second
    acknowledgement returns the first receipt and records nothing new."""
    access = _access(actor, case)
    flag = active_flag(access, flag_id) if access and can_contribute(access.basis) else None
    profile, basis = require_case_right(
        actor=actor, case=case, check=lambda _b: flag is not None, what="flag_acknowledge"
    )
    if flag is None:  # refused above; for the type checker
        raise NotFoundOrNotAllowed
    require_open(case)
    existing = FlagReceipt.objects.filter(flag=flag, user=actor).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            receipt = FlagReceipt.objects.create(flag=flag, user=actor)
            audit_change(
                action=AuditAction.FLAG_ACKNOWLEDGED,
                actor=actor,
                profile=profile,
                case=case,
                basis=basis,
                object_type="flag",
                object_id=flag.pk,
                extra={"change": "flag_acknowledge", "flag": flag.pk, "kind": flag.kind},
            )
    except IntegrityError:  # the same person in another tab, a moment earlier
        return FlagReceipt.objects.get(flag=flag, user=actor)
    return receipt


def flag_remove(*, actor: Any, case: Case, flag_id: int, reason: str) -> Flag:
    """Remove an active flag with a reason: the case director, a coordinator of the region or
    the person who raised it. The flag stays listed as removed (who, when, why)."""
    access = _access(actor, case)
    flag = active_flag(access, flag_id) if access is not None else None
    allowed = flag is not None and access is not None and may_remove(access, flag)
    profile, basis = require_case_right(
        actor=actor, case=case, check=lambda _b: allowed, what="flag_remove"
    )
    if flag is None:  # refused above; for the type checker
        raise NotFoundOrNotAllowed
    require_open(case)
    reason = retraction_reason(reason)
    with transaction.atomic():
        locked = Flag.objects.select_for_update().get(pk=flag.pk)
        if locked.removed_at is not None:
            raise NotFoundOrNotAllowed  # removed by someone else in the meantime
        locked.removed_at = timezone.now()
        locked.removed_by = actor
        locked.removal_reason = reason
        locked.save(update_fields=["removed_at", "removed_by", "removal_reason"])
        audit_change(
            action=AuditAction.FLAG_REMOVED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="flag",
            object_id=locked.pk,
            extra={"change": "flag_remove", "flag": locked.pk, "kind": locked.kind},
        )
    return locked
