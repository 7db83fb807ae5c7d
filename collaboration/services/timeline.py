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

from ..access import can_contribute
from ..models import Audience, Case, CaseParticipant, EntryKind, TimelineEntry, Visibility
from ._common import audit_change, require_case_right, require_open
from .documents import audience_rows


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
) -> TimelineEntry:
    """A typed timeline entry; a restricted one names the sectors or services that may see it."""
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
    entry = TimelineEntry(
        case=case,
        kind=kind,
        occurred_on=occurred_on,
        title=title.strip(),
        body=body.strip(),
        author=actor,
        author_organisation_id=_author_organisation_id(profile, case, actor),
        visibility=visibility,
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
            extra={"change": "timeline_entry", "kind": kind, "visibility": visibility},
        )
    return entry
