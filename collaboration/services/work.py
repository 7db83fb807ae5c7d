"""The work inside a case: exploration, plan of action, timeline, documents, meetings."""

from __future__ import annotations

import datetime
import hashlib
import os
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.events import AuditAction

from ..access import NotFoundOrNotAllowed, can_change_action, can_contribute, can_direct
from ..models import (
    Action,
    ActionPlan,
    ActionStatus,
    Audience,
    Case,
    CaseDocument,
    CaseParticipant,
    DomainAssessment,
    EntryKind,
    Goal,
    LifeDomain,
    Organisation,
    Sector,
    TimelineEntry,
    Visibility,
)
from ..storage import delete_unless_committed
from ._common import audit_change, require_case_right, require_open
from .cases import current_plan
from .handover import require_director
from .notifications import Kind, notify
from .plans import carry_over_open_actions


def assessment_save(
    *,
    actor: Any,
    case: Case,
    domain: str,
    strengths: str = "",
    worries: str = "",
    concerns: str = "",
    wishes: str = "",
) -> DomainAssessment:
    """Exploration notes for one life domain (replaces the earlier text for that domain)."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_contribute, what="assessment"
    )
    require_open(case)
    if domain not in LifeDomain.values:
        raise ValidationError({"domain": _("Kies een levensdomein uit de lijst.")})
    with transaction.atomic():
        assessment = DomainAssessment.objects.filter(case=case, domain=domain).first()
        assessment = assessment or DomainAssessment(case=case, domain=domain)
        assessment.strengths = strengths.strip()
        assessment.worries = worries.strip()
        assessment.concerns = concerns.strip()
        assessment.wishes = wishes.strip()
        assessment.updated_by = actor
        assessment.full_clean()
        assessment.save()
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="assessment",
            object_id=assessment.pk,
            extra={"change": "assessment", "domain": domain},
        )
    return assessment


def _plan_for_edit(actor: Any, case: Case) -> ActionPlan:
    plan = current_plan(case)
    if plan is None:
        plan = ActionPlan.objects.create(case=case, version=1, created_by=actor)
    return plan


def plan_new_version(*, actor: Any, case: Case) -> ActionPlan:
    """Start a new version of the plan: goals and open actions are carried over (the old
    actions close as "overgenomen in versie N"); the new version still has to be presented
    in the team."""
    profile, basis = require_case_right(actor=actor, case=case, check=can_direct, what="plan")
    require_open(case)
    require_director(case)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        previous = current_plan(case)
        plan = ActionPlan.objects.create(
            case=case, version=(previous.version + 1) if previous else 1, created_by=actor
        )
        carried = 0
        if previous is not None:
            for goal in previous.goals.prefetch_related("actions"):
                new_goal = Goal.objects.create(
                    plan=plan, domain=goal.domain, description=goal.description
                )
                # the open actions move: the old ones close as carried over (plans.py)
                carried += len(carry_over_open_actions(previous_goal=goal, new_goal=new_goal))
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="plan",
            object_id=plan.pk,
            extra={"change": "plan_version", "version": plan.version, "carried_over": carried},
        )
    return plan


def goal_add(*, actor: Any, case: Case, domain: str, description: str) -> Goal:
    profile, basis = require_case_right(actor=actor, case=case, check=can_direct, what="goal")
    require_open(case)
    require_director(case)
    with transaction.atomic():
        plan = _plan_for_edit(actor, case)
        goal = Goal(plan=plan, domain=domain, description=description.strip())
        goal.full_clean()
        goal.save()
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="goal",
            object_id=goal.pk,
            extra={"change": "goal_added"},
        )
    return goal


def _case_organisation_ids(case: Case) -> set[int]:
    return set(
        CaseParticipant.objects.filter(case=case, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )


def action_add(
    *,
    actor: Any,
    case: Case,
    goal_id: int,
    description: str,
    organisation_id: int,
    responsible: Any | None,
    due_date: datetime.date | None,
) -> Action:
    """An action under a goal of the current plan, owned by a participating organisation."""
    profile, basis = require_case_right(actor=actor, case=case, check=can_direct, what="action")
    require_open(case)
    require_director(case)
    plan = current_plan(case)
    goal = Goal.objects.filter(pk=goal_id, plan=plan).first() if plan else None
    if goal is None:
        raise ValidationError({"goal": _("Kies een doel van het huidige plan.")})
    if organisation_id not in _case_organisation_ids(case):
        raise ValidationError(
            {"organisation": _("Kies een dienst die bij het dossier betrokken is.")}
        )
    # the responsible person acts for the owning service (only its people change the action)
    if responsible is not None and not (
        responsible.pk == case.case_director_id
        or CaseParticipant.objects.filter(
            case=case, user=responsible, organisation_id=organisation_id, is_active=True
        ).exists()
    ):
        raise ValidationError(
            {
                "responsible": _(
                    "Kies de casusregisseur of iemand die voor deze dienst bij het dossier "
                    "betrokken is."
                )
            }
        )
    action = Action(
        goal=goal,
        case=case,
        description=description.strip(),
        organisation_id=organisation_id,
        responsible=responsible,
        due_date=due_date,
    )
    action.full_clean()
    with transaction.atomic():
        action.save()
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="action",
            object_id=action.pk,
            extra={"change": "action_added"},
        )
        if responsible is not None and responsible.pk != actor.pk:
            notify(
                user=responsible,
                kind=Kind.ASSIGNMENT,
                link=reverse("collaboration:case_detail", args=[case.reference]),
                case_reference=case.reference,
            )
    return action


def action_status_set(
    *, actor: Any, case: Case, action_id: int, status: str, reason: str = ""
) -> Action:
    """Update an action's status: a participant acting for the owning organisation, the case
    director or a coordinator (anyone else: not found, recorded as denied). 'Not possible'
    needs a reason; a carried-over action is closed and changes in its successor."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_contribute, what="action_status"
    )
    require_open(case)
    action = Action.objects.filter(case=case, pk=action_id).select_related("case").first()
    if action is None or not can_change_action(profile, basis, action):
        # recorded as denied, and refused exactly like a missing action
        require_case_right(actor=actor, case=case, check=lambda _basis: False, what="action")
        raise NotFoundOrNotAllowed
    if action.status == ActionStatus.CARRIED_OVER:
        raise ValidationError(
            {"status": _("Deze actie is overgenomen in een nieuwe versie; werk die bij.")}
        )
    if status not in ActionStatus.values or status == ActionStatus.CARRIED_OVER:
        raise ValidationError({"status": _("Kies een status uit de lijst.")})
    if status == ActionStatus.NOT_POSSIBLE and not reason.strip():
        raise ValidationError({"reason": _("Geef aan waarom de actie niet mogelijk is.")})
    with transaction.atomic():
        action.status = status
        action.status_reason = reason.strip()
        action.full_clean()
        action.save(update_fields=["status", "status_reason"])
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="action",
            object_id=action.pk,
            extra={"change": "action_status", "status": status},
        )
    return action


def plan_mark_presented(*, actor: Any, case: Case, presented_on: datetime.date) -> ActionPlan:
    """Record that the current plan was presented in the team (team regie)."""
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_direct, what="plan_presented"
    )
    require_open(case)
    plan = current_plan(case)
    if plan is None or not Action.objects.filter(goal__plan=plan).exists():
        raise ValidationError(_("Voeg eerst doelen en acties toe aan het plan van aanpak."))
    if presented_on > timezone.localdate():
        raise ValidationError({"presented_on": _("Deze datum ligt in de toekomst.")})
    with transaction.atomic():
        plan.presented_in_team_on = presented_on
        plan.save(update_fields=["presented_in_team_on"])
        audit_change(
            action=AuditAction.CASE_CHANGED,
            actor=actor,
            profile=profile,
            case=case,
            basis=basis,
            object_type="plan",
            object_id=plan.pk,
            extra={"change": "plan_presented", "version": plan.version},
        )
    return plan


def _audience_rows(
    *, sectors: list[str], organisation_ids: list[int], case: Case
) -> list[Audience]:
    if any(s not in Sector.values for s in sectors):
        raise ValidationError({"sectors": _("Kies alleen uit de gegeven sectoren.")})
    organisation_ids = [int(o) for o in organisation_ids]
    known = set(
        Organisation.objects.filter(pk__in=organisation_ids, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if set(organisation_ids) - known:
        raise ValidationError({"organisations": _("Kies alleen uit de gegeven diensten.")})
    if not sectors and not organisation_ids:
        raise ValidationError(
            {"sectors": _("Kies minstens één sector of dienst die dit mag zien.")}
        )
    return [Audience(sector=s) for s in dict.fromkeys(sectors)] + [
        Audience(organisation_id=o) for o in dict.fromkeys(organisation_ids)
    ]


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
        audience = _audience_rows(
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


# --- Documents ---------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# extension -> (content type, sniffing test on the first bytes)
DOCUMENT_TYPES: dict[str, tuple[str, Any]] = {
    "pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    "png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
    "odt": (
        "application/vnd.oasis.opendocument.text",
        lambda head: head.startswith(b"PK\x03\x04") and b"opendocument.text" in head[:100],
    ),
    "txt": ("text/plain", None),
}


def _sniff(upload: UploadedFile) -> tuple[str, str]:
    name = os.path.basename(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            {"file": _("Dit bestandstype is niet toegelaten (pdf, docx, odt, txt, png, jpg).")}
        )
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": _("Het bestand is leeg.")})
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("Het bestand is groter dan 10 MB.")})
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    content_type, test = DOCUMENT_TYPES[extension]
    if test is None:
        ok = b"\x00" not in head
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            ok = ok and error.start >= len(head) - 4  # a character cut at the boundary
    else:
        ok = test(head)
    if not ok:
        raise ValidationError(
            {"file": _("De inhoud van het bestand past niet bij het bestandstype.")}
        )
    return extension, content_type


def document_upload(
    *,
    actor: Any,
    case: Case,
    title: str,
    upload: UploadedFile,
    visibility: str = Visibility.ALL,
    sectors: list[str] | None = None,
    organisation_ids: list[int] | None = None,
) -> CaseDocument:
    profile, basis = require_case_right(
        actor=actor, case=case, check=can_contribute, what="document"
    )
    require_open(case)
    extension, content_type = _sniff(upload)
    audience: list[Audience] = []
    if visibility == Visibility.AUDIENCE:
        audience = _audience_rows(
            sectors=sectors or [], organisation_ids=organisation_ids or [], case=case
        )
    elif visibility != Visibility.ALL:
        raise ValidationError({"visibility": _("Kies wie dit mag zien.")})
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Geef het document een titel.")})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    # A random stored name: the original file name may itself be case content.
    upload.name = f"{secrets.token_hex(16)}.{extension}"
    document = CaseDocument(
        case=case,
        title=title[:200],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        visibility=visibility,
    )
    with transaction.atomic():
        document.file.save(upload.name, upload, save=False)
        stored_name = document.file.name
        # Also when a caller's transaction around this one rolls back later.
        delete_unless_committed(document.file.storage, stored_name)
        try:
            document.save()
            for row in audience:
                row.document = document
            Audience.objects.bulk_create(audience)
            audit_change(
                action=AuditAction.DOCUMENT_UPLOADED,
                actor=actor,
                profile=profile,
                case=case,
                basis=basis,
                object_type="document",
                object_id=document.pk,
                extra={"size": document.size, "type": extension, "visibility": visibility},
            )
        except Exception:
            document.file.storage.delete(stored_name)
            raise
    return document


# --- Meetings ----------------------------------------------------------------------------
# Scheduling, recording, moving and cancelling live in ``meetings`` (their date rules).
from .meetings import meeting_schedule  # noqa: E402,F401
