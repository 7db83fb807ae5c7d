"""The case timeline: typed entries, for all participants or for an audience of sectors or
services (``documents.audience_rows``). Phase entries are written by ``cases``, the minutes'
entry by ``minutes``."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction

from ..access import NotFoundOrNotAllowed, actor_profile, can_contribute, can_retract, case_basis
from ..models import (
    Audience,
    Case,
    CaseParticipant,
    EntryKind,
    LegalBasis,
    Organisation,
    TimelineEntry,
    Visibility,
)
from ..selectors.cases import CaseAccess, visible_timeline
from ._common import (
    audit_change,
    mark_retracted,
    require_case_right,
    require_open,
    retraction_reason,
)
from .documents import audience_rows
from .legal_bases import recipients_of_audience, require_sharing_basis


def _author_organisation_id(profile: Any, case: Case, actor: Any) -> int | None:
    participant = CaseParticipant.objects.filter(case=case, user=actor).first()
    if participant:
        return participant.organisation_id
    return min(profile.organisation_ids) if profile.organisation_ids else None


def timeline_entry_add(
    *,
    actor: Any,
    case: Case,
    kind: str,
    occurred_on: datetime.date,
    title: str,
    body: str = "",
    visibility: str = Visibility.ALL,
    sectors: list[str] | None = None,
    organisation_ids: list[int] | None = None,
    legal_basis_id: int | None = None,
    pointer_only: bool = False,
) -> TimelineEntry:
    """A typed timeline entry; a restricted one names the sectors or services that may see it.
    Either way it rests on a legal basis covering every service it reaches.

    ``pointer_only`` is for the portal's own entry that points at something every case member
    already sees (that a meeting's minutes were fixed, ``services.minutes``): it shares nothing
    new, so no basis is asked; it carries the meeting's basis when it has one."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_contribute, what="timeline"
    )
    require_open(case)
    if kind not in EntryKind.values or kind == EntryKind.PHASE:
        raise ValidationError({"kind": _("Kies een soort uit de lijst.")})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("Deze datum ligt in de toekomst.")})
    audience: list[Audience] = []
    if visibility == Visibility.AUDIENCE:
        audience = audience_rows(
            sectors=sectors or [], organisation_ids=organisation_ids or [], case=case
        )
    elif visibility != Visibility.ALL:
        raise ValidationError({"visibility": _("Kies wie dit mag zien.")})
    legal = (
        LegalBasis.objects.filter(case=case, pk=legal_basis_id or 0).first()
        if pointer_only
        else require_sharing_basis(
            actor=actor,
            profile=profile,
            case=case,
            legal_basis_id=legal_basis_id,
            organisation_ids=recipients_of_audience(
                case=case,
                profile=profile,
                visibility=visibility,
                sectors=sectors or [],
                organisation_ids=organisation_ids or [],
            ),
            what="timeline",
        )
    )
    entry = TimelineEntry(
        case=case,
        kind=kind,
        occurred_on=occurred_on,
        title=title.strip(),
        body=body.strip(),
        author=actor,
        author_organisation_id=_author_organisation_id(profile, case, actor),
        visibility=visibility,
        legal_basis=legal,
    )
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        for row in audience:
            row.entry = entry
        Audience.objects.bulk_create(audience)
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="timeline_entry",
            object_id=entry.pk,
            extra={
                "change": "timeline_entry",
                "kind": kind,
                "visibility": visibility,
                "legal_basis_id": legal.pk if legal else None,
            },
        )
    return entry


def _retractable(
    actor: Any, case: Case, entry_id: int, what: str
) -> tuple[Any, Any, TimelineEntry]:
    """The entry ``actor`` sees, not retracted and not a phase change, if they may retract it or
    narrow its audience (``access.can_retract``); refused as not found (and audited) otherwise."""
    profile = actor_profile(actor)
    basis = case_basis(profile, case)
    entry: TimelineEntry | None = None
    if basis is not None and can_contribute(basis):
        access = CaseAccess(case=case, basis=basis, profile=profile)
        entry = (
            visible_timeline(access)
            .filter(pk=entry_id, retracted_at__isnull=True)
            .exclude(kind=EntryKind.PHASE)  # written by a phase change, which stays
            .first()
        )
    profile, basis = require_case_right(
        actor=actor,
        case=case,
        check=lambda b: entry is not None and can_retract(profile, b, entry.author_id),
        what=what,
    )
    if entry is None:  # refused above; for the type checker
        raise NotFoundOrNotAllowed
    return profile, basis, entry


def timeline_entry_narrow(
    *,
    actor: Any,
    case: Case,
    entry_id: int,
    sectors: list[str] | None = None,
    organisation_ids: list[int] | None = None,
) -> TimelineEntry:
    """Narrow who sees an entry, at once: the new audience lies within the current one (a
    service of an audience sector counts as within it). Widening is a new act of sharing, not
    this. The author and the case director keep seeing it, as every restricted entry."""
    profile, basis, entry = _retractable(actor, case, entry_id, "timeline_narrow")
    require_open(case)
    rows = audience_rows(sectors=sectors or [], organisation_ids=organisation_ids or [], case=case)
    new_sectors = {r.sector for r in rows if r.sector}
    new_organisations = {r.organisation_id for r in rows if r.organisation_id}
    with transaction.atomic():
        entry = TimelineEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.is_retracted:
            raise NotFoundOrNotAllowed
        if entry.visibility == Visibility.AUDIENCE:
            old = list(entry.audience.all())
            old_sectors = {a.sector for a in old if a.sector}
            old_organisations = {a.organisation_id for a in old if a.organisation_id}
            outside_sectors = new_sectors - old_sectors
            outside_organisations = set(
                Organisation.objects.filter(pk__in=new_organisations - old_organisations)
                .exclude(sector__in=old_sectors)
                .values_list("pk", flat=True)
            )
            if outside_sectors or outside_organisations:
                raise ValidationError(
                    {
                        "sectors": _(
                            "Kies alleen binnen wie het item nu al ziet; wie het nog niet ziet, "
                            "voegt u toe met een nieuw item."
                        )
                    }
                )
            if new_sectors == old_sectors and new_organisations == old_organisations:
                raise ValidationError({"sectors": _("Laat minstens één sector of dienst weg.")})
            entry.audience.all().delete()
        entry.visibility = Visibility.AUDIENCE
        entry.save(update_fields=["visibility"])
        for row in rows:
            row.entry = entry
        Audience.objects.bulk_create(rows)
        audit_change(
            action=AuditAction.TIMELINE_AUDIENCE_NARROWED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="timeline_entry",
            object_id=entry.pk,
            extra={
                "change": "timeline_narrow",
                "sectors": sorted(new_sectors),
                "organisations": sorted(new_organisations),
            },
        )
    return entry


def timeline_entry_retract(*, actor: Any, case: Case, entry_id: int, reason: str) -> TimelineEntry:
    """Retract an entry the actor sees (its author, the case director or a coordinator of the
    region): from now on its title and text are shown to nobody; those who saw it see who
    retracted it, when and why. Another entry, or one already retracted, is "not found"."""
    profile, basis, entry = _retractable(actor, case, entry_id, "timeline_retract")
    require_open(case)
    reason = retraction_reason(reason)
    with transaction.atomic():
        entry = mark_retracted(entry, actor=actor, reason=reason)
        audit_change(
            action=AuditAction.TIMELINE_ENTRY_RETRACTED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="timeline_entry",
            object_id=entry.pk,
            extra={"change": "timeline_retract", "visibility": entry.visibility},
        )
    return entry
