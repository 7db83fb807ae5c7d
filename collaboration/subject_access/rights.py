"""Rectification, annotation, objection (GDPR art. 16 and 21) and restriction of processing
(art. 18).

A privacy officer of the region records a person's request about an entry of their case. The
correction itself is made where the entry lives (by the case director, in the workspace); the
officer then links the request to it: the change of that entry in django-auditlog's history
made after the request was registered. An annotation is recorded with the request; an
objection can lead to a restriction.

A restriction marks the whole case or one timeline entry. Restricted entries are shown only to
the case director and a privacy officer (with break-the-glass access): ``restricted_q`` is
applied by the selectors that read entries (``collaboration.selectors.cases``), so they are
not shown, exported or shared further by anyone else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event

from ..access import Basis, NotFoundOrNotAllowed, actor_profile
from ..models import (
    Action,
    Case,
    CaseDocument,
    FamilyMember,
    Goal,
    ProcessingRestriction,
    RectificationKind,
    RectificationRequest,
    RectificationStatus,
    Role,
    SubjectAccessRequest,
    TimelineEntry,
)

# --- Restriction in the selectors -------------------------------------------------------------


def sees_restricted(basis: Basis | None) -> bool:
    """The case director, and a privacy officer through break-the-glass access."""
    return basis in (Basis.CASE_DIRECTOR, Basis.BREAK_THE_GLASS)


def restricted_q(model: type[Model]) -> Q:
    """Rows of ``model`` (timeline entries or documents) under an active restriction: their
    whole case, or (timeline entries) the entry itself."""
    active = ProcessingRestriction.objects.filter(lifted_at__isnull=True)
    whole_case = Q(Exists(active.filter(case=OuterRef("case_id"), timeline_entry__isnull=True)))
    if model is TimelineEntry:
        return whole_case | Q(Exists(active.filter(timeline_entry=OuterRef("pk"))))
    if model is CaseDocument:
        return whole_case
    raise TypeError(f"no restriction rule for {model.__name__}")


# --- Shared helpers --------------------------------------------------------------------------


def _officer_case(actor: Any, case: Case, action: AuditAction) -> Any:
    profile = actor_profile(actor)
    if case.region not in profile.privacy_regions:
        record_event(
            action=action,
            actor=actor,
            outcome=Outcome.DENIED,
            object_type="case",
            object_id=case.pk,
            case_reference=case.reference,
        )
        raise NotFoundOrNotAllowed
    return profile


def _record(
    action: AuditAction,
    *,
    actor: Any,
    profile: Any,
    case: Case,
    object_type: str,
    object_id: Any,
    purpose: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    record_event(
        action=action,
        actor=actor,
        organisation=profile.label[:200],
        role=Role.PRIVACY_OFFICER,
        object_type=object_type,
        object_id=object_id,
        case_reference=case.reference,
        purpose=purpose,
        extra=extra,
    )


def _text(value: str, field: str, limit: int, message: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: _("Houd dit onder %(limit)s tekens.") % {"limit": limit}})
    return value


# --- Restriction ------------------------------------------------------------------------------


def restriction_add(
    *, actor: Any, case: Case, reason: str, timeline_entry_id: int | None = None
) -> ProcessingRestriction:
    """Restrict processing of the whole case, or of one of its timeline entries."""
    profile = _officer_case(actor, case, AuditAction.PROCESSING_RESTRICTED)
    reason = _text(reason, "reason", 2000, _("Schrijf waarom de verwerking beperkt wordt."))
    entry = None
    if timeline_entry_id is not None:
        entry = TimelineEntry.objects.filter(case=case, pk=timeline_entry_id).first()
        if entry is None:
            raise ValidationError({"timeline_entry": _("Kies een item uit de lijst.")})
    with transaction.atomic():
        restriction = ProcessingRestriction.objects.create(
            case=case, timeline_entry=entry, reason=reason, restricted_by=actor
        )
        _record(
            AuditAction.PROCESSING_RESTRICTED,
            actor=actor,
            profile=profile,
            case=case,
            object_type="processing_restriction",
            object_id=restriction.pk,
            purpose="art. 18 AVG",
            extra={"scope": restriction.scope, "timeline_entry": timeline_entry_id},
        )
    return restriction


def restriction_lift(*, actor: Any, restriction_id: int, reason: str) -> ProcessingRestriction:
    restriction = (
        ProcessingRestriction.objects.select_related("case").filter(pk=restriction_id).first()
    )
    if restriction is None:
        raise NotFoundOrNotAllowed
    profile = _officer_case(actor, restriction.case, AuditAction.PROCESSING_RESTRICTION_LIFTED)
    reason = _text(reason, "lift_reason", 2000, _("Schrijf waarom de beperking wordt opgeheven."))
    with transaction.atomic():
        restriction = ProcessingRestriction.objects.select_for_update().get(pk=restriction.pk)
        if restriction.lifted_at is not None:
            raise ValidationError(_("Deze beperking is al opgeheven."))
        restriction.lifted_at = timezone.now()
        restriction.lifted_by = actor
        restriction.lift_reason = reason
        restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        _record(
            AuditAction.PROCESSING_RESTRICTION_LIFTED,
            actor=actor,
            profile=profile,
            case=restriction.case,
            object_type="processing_restriction",
            object_id=restriction.pk,
            purpose="art. 18 AVG",
        )
    return restriction


# --- Rectification ----------------------------------------------------------------------------

TARGETS: dict[str, type[Model]] = {
    "timeline_entry": TimelineEntry,
    "goal": Goal,
    "action": Action,
}


def _target_case_filter(model: type[Model]) -> str:
    return "plan__case" if model is Goal else "case"


def rectification_register(
    *,
    actor: Any,
    family_member: FamilyMember,
    kind: str,
    request_text: str,
    target: str = "",
    received_on: dt.date | None = None,
    subject_access: SubjectAccessRequest | None = None,
) -> RectificationRequest:
    """Record a request to correct or annotate an entry, or an objection. ``target`` is
    ``"timeline_entry:12"``, ``"goal:3"``, ``"action:7"`` or empty (the case in general)."""
    case = family_member.case
    profile = _officer_case(actor, case, AuditAction.RECTIFICATION_REGISTERED)
    if kind not in RectificationKind.values:
        raise ValidationError({"kind": _("Kies het soort verzoek.")})
    request_text = _text(request_text, "request_text", 4000, _("Schrijf op wat de persoon vraagt."))
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise ValidationError({"received_on": _("Deze datum ligt in de toekomst.")})
    links: dict[str, Any] = {}
    if target:
        name, _sep, pk = target.partition(":")
        model = TARGETS.get(name)
        row = (
            model.objects.filter(**{_target_case_filter(model): case, "pk": pk}).first()
            if model is not None and pk.isdigit()
            else None
        )
        if row is None:
            raise ValidationError({"target": _("Kies een item uit de lijst.")})
        links[name] = row
    if subject_access is not None and subject_access.family_member_id != family_member.pk:
        raise NotFoundOrNotAllowed
    with transaction.atomic():
        rectification = RectificationRequest.objects.create(
            family_member=family_member,
            subject_access=subject_access,
            kind=kind,
            request_text=request_text,
            received_on=received_on,
            registered_by=actor,
            **links,
        )
        _record(
            AuditAction.RECTIFICATION_REGISTERED,
            actor=actor,
            profile=profile,
            case=case,
            object_type="rectification_request",
            object_id=rectification.pk,
            extra={"kind": kind, "target": target, "subject": f"family_member:{family_member.pk}"},
        )
    return rectification


def _rectification_for(actor: Any, rectification_id: int) -> tuple[RectificationRequest, Any]:
    rectification = (
        RectificationRequest.objects.select_related("family_member__case")
        .filter(pk=rectification_id)
        .first()
    )
    if rectification is None:
        raise NotFoundOrNotAllowed
    profile = _officer_case(
        actor, rectification.family_member.case, AuditAction.RECTIFICATION_HANDLED
    )
    if rectification.status != RectificationStatus.RECEIVED:
        raise ValidationError(_("Dit verzoek is al afgehandeld."))
    return rectification, profile


def _handled(
    rectification: RectificationRequest, *, actor: Any, profile: Any, status: str, text: str
) -> None:
    rectification.status = status
    rectification.decision_text = text
    rectification.handled_by = actor
    rectification.handled_at = timezone.now()
    rectification.save()
    _record(
        AuditAction.RECTIFICATION_HANDLED,
        actor=actor,
        profile=profile,
        case=rectification.family_member.case,
        object_type="rectification_request",
        object_id=rectification.pk,
        extra={
            "status": status,
            "correction": rectification.correction_id,
            "restriction": rectification.restriction_id,
        },
    )


def correction_of(rectification: RectificationRequest) -> LogEntry | None:
    """The latest change of the request's entry made since the request was registered."""
    target = rectification.target
    if target is None:
        return None
    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(target)),
            object_pk=str(target.pk),
            action=LogEntry.Action.UPDATE,
            timestamp__gte=rectification.registered_at,
        )
        .order_by("-timestamp", "-id")
        .first()
    )


def rectification_link_correction(*, actor: Any, rectification_id: int) -> RectificationRequest:
    """Mark a correction request as done, linked to the change that corrected the entry."""
    rectification, profile = _rectification_for(actor, rectification_id)
    change = correction_of(rectification)
    if change is None:
        raise ValidationError(
            _(
                "Het item is sinds het verzoek niet gewijzigd. De casusregisseur zet het recht "
                "in het dossier; koppel het verzoek daarna aan die correctie."
            )
        )
    with transaction.atomic():
        rectification.correction = change
        _handled(
            rectification,
            actor=actor,
            profile=profile,
            status=RectificationStatus.CORRECTED,
            text=rectification.decision_text,
        )
    return rectification


def rectification_annotate(
    *, actor: Any, rectification_id: int, annotation: str
) -> RectificationRequest:
    rectification, profile = _rectification_for(actor, rectification_id)
    annotation = _text(annotation, "annotation", 4000, _("Schrijf de aantekening."))
    with transaction.atomic():
        _handled(
            rectification,
            actor=actor,
            profile=profile,
            status=RectificationStatus.ANNOTATED,
            text=annotation,
        )
    return rectification


def rectification_refuse(*, actor: Any, rectification_id: int, reason: str) -> RectificationRequest:
    rectification, profile = _rectification_for(actor, rectification_id)
    reason = _text(reason, "reason", 4000, _("Schrijf waarom het verzoek geweigerd wordt."))
    with transaction.atomic():
        _handled(
            rectification,
            actor=actor,
            profile=profile,
            status=RectificationStatus.REFUSED,
            text=reason,
        )
    return rectification


def rectification_restrict(
    *, actor: Any, rectification_id: int, reason: str
) -> RectificationRequest:
    """Uphold an objection (or a disputed correction) by restricting processing: of the
    request's timeline entry, or of the whole case when the request is not about one."""
    rectification, profile = _rectification_for(actor, rectification_id)
    with transaction.atomic():
        restriction = restriction_add(
            actor=actor,
            case=rectification.family_member.case,
            reason=reason,
            timeline_entry_id=rectification.timeline_entry_id,
        )
        rectification.restriction = restriction
        _handled(
            rectification,
            actor=actor,
            profile=profile,
            status=RectificationStatus.RESTRICTED,
            text=restriction.reason,
        )
    return rectification
