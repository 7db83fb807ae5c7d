"""The subject-access workflow: register, assemble, decide on held items, release (four
eyes), download; and the deadline reminder.

Who may do any of it is the portal's one membership rule: a privacy officer of the request's
region (``collaboration.access.actor_profile``: an active membership with that role in an
active organisation of the region). Anyone else, and an officer of another region, gets the
answer a request that does not exist gets (``NotFoundOrNotAllowed``), and the refusal is
recorded. Every step is an audit event in the same transaction as its change; events carry
identifiers and counts, never case content.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from portal.audit.events import AuditAction, Outcome
from portal.audit.writer import record_event

from ..access import NotFoundOrNotAllowed, actor_profile
from ..models import (
    Case,
    FamilyMember,
    HeldDecision,
    IdentityCheck,
    Membership,
    RequesterRelation,
    Role,
    SubjectAccessHeldItem,
    SubjectAccessRequest,
    SubjectAccessStatus,
)
from .assembly import assemble_for_family_member, assemble_for_user
from .deadlines import one_month_after
from .document import build_export, render_pdf

OBJECT_TYPE = "subject_access_request"


def _subject_ref(request: SubjectAccessRequest) -> str:
    if request.family_member_id:
        return f"family_member:{request.family_member_id}"
    return f"user:{request.subject_user_id}"


def _case_reference(request: SubjectAccessRequest) -> str:
    return request.family_member.case.reference if request.family_member_id else ""


def _record(
    action: AuditAction,
    *,
    actor: Any,
    request: SubjectAccessRequest,
    outcome: Outcome = Outcome.ALLOWED,
    purpose: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    profile = actor_profile(actor) if actor is not None else None
    record_event(
        action=action,
        actor=actor,
        outcome=outcome,
        organisation=profile.label[:200] if profile else "",
        role=Role.PRIVACY_OFFICER if profile and profile.is_privacy_officer else "",
        object_type=OBJECT_TYPE,
        object_id=request.pk,
        case_reference=_case_reference(request),
        subject=_subject_ref(request),
        purpose=purpose,
        extra={"region": request.region, **(extra or {})},
    )


def _refuse(actor: Any, action: AuditAction, request_id: Any = "") -> NotFoundOrNotAllowed:
    record_event(
        action=action,
        actor=actor,
        outcome=Outcome.DENIED,
        object_type=OBJECT_TYPE,
        object_id=str(request_id)[:64],
    )
    return NotFoundOrNotAllowed()


def record_view(*, actor: Any, request: SubjectAccessRequest, page: str) -> None:
    """A privacy officer read a request's page (reading it is an access to the person's data)."""
    _record(AuditAction.SUBJECT_ACCESS_VIEWED, actor=actor, request=request, extra={"view": page})


# --- Who and which ---------------------------------------------------------------------------


def officer_regions(user: Any) -> frozenset[str]:
    """The regions where ``user`` is a privacy officer (empty for anyone else)."""
    return actor_profile(user).privacy_regions


def require_officer(
    user: Any, action: AuditAction = AuditAction.SUBJECT_ACCESS_VIEWED
) -> frozenset[str]:
    regions = officer_regions(user)
    if not regions:
        raise _refuse(user, action)
    return regions


def requests_for(user: Any) -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.filter(region__in=officer_regions(user)).select_related(
        "family_member__case", "subject_user", "registered_by", "released_by", "assembled_by"
    )


def request_for(
    *, user: Any, request_id: int, action: AuditAction = AuditAction.SUBJECT_ACCESS_VIEWED
) -> SubjectAccessRequest:
    """One request, for a privacy officer of its region; else "not found", recorded."""
    request = requests_for(user).filter(pk=request_id).first()
    if request is None:
        raise _refuse(user, action, request_id)
    return request


def case_for_officer(*, actor: Any, reference: str) -> Case:
    """A case of the officer's regions by its reference; the same error for any other."""
    regions = officer_regions(actor)
    case = Case.objects.filter(reference=reference.strip().upper(), region__in=regions).first()
    if case is None:
        raise ValidationError({"reference": _("Er is in uw regio geen dossier met dit nummer.")})
    return case


def professional_for_officer(*, actor: Any, email: str) -> tuple[Any, str]:
    """A professional with a membership in one of the officer's regions, and that region."""
    regions = officer_regions(actor)
    membership = (
        Membership.objects.filter(
            user__email__iexact=email.strip(), organisation__region__in=regions
        )
        .select_related("user", "organisation")
        .order_by("organisation__region", "id")
        .first()
    )
    if membership is None:
        raise ValidationError(
            {"email": _("Er is in uw regio geen professional met dit e-mailadres.")}
        )
    return membership.user, membership.organisation.region


# --- Register ------------------------------------------------------------------------------


def subject_access_register(
    *,
    actor: Any,
    requester_name: str,
    requester_relation: str,
    identity_checked_by: str,
    identity_check: str,
    identity_note: str = "",
    received_on: dt.date | None = None,
    family_member: FamilyMember | None = None,
    subject_user: Any = None,
    region: str = "",
) -> SubjectAccessRequest:
    """Record a request; the deadline is one calendar month from receipt."""
    regions = require_officer(actor, AuditAction.SUBJECT_ACCESS_REGISTERED)
    if (family_member is None) == (subject_user is None):
        raise ValidationError(_("Kies één persoon: een gezinslid of een professional."))
    if family_member is not None:
        region = family_member.case.region
    if region not in regions:
        raise _refuse(actor, AuditAction.SUBJECT_ACCESS_REGISTERED)
    today = timezone.localdate()
    received_on = received_on or today
    errors: dict[str, str] = {}
    if received_on > today:
        errors["received_on"] = _("Deze datum ligt in de toekomst.")
    if requester_relation not in RequesterRelation.values:
        errors["requester_relation"] = _("Kies wie het verzoek doet.")
    if identity_check not in IdentityCheck.values:
        errors["identity_check"] = _("Kies hoe de identiteit is nagekeken.")
    if identity_check == IdentityCheck.OTHER and not identity_note.strip():
        errors["identity_note"] = _("Beschrijf hoe de identiteit is nagekeken.")
    if errors:
        raise ValidationError(errors)
    request = SubjectAccessRequest(
        region=region,
        requester_name=requester_name.strip(),
        requester_relation=requester_relation,
        family_member=family_member,
        subject_user=subject_user,
        identity_checked_by=identity_checked_by.strip(),
        identity_check=identity_check,
        identity_note=identity_note.strip(),
        received_on=received_on,
        deadline=one_month_after(received_on),
        registered_by=actor,
    )
    request.full_clean()
    with transaction.atomic():
        request.save()
        _record(
            AuditAction.SUBJECT_ACCESS_REGISTERED,
            actor=actor,
            request=request,
            extra={
                "relation": requester_relation,
                "identity_check": identity_check,
                "received_on": received_on.isoformat(),
                "deadline": request.deadline.isoformat(),
            },
        )
    return request


# --- Assemble -------------------------------------------------------------------------------


def _require_open(request: SubjectAccessRequest) -> None:
    if request.is_released:
        raise ValidationError(_("Dit verzoek is al vrijgegeven en kan niet meer veranderen."))


def subject_access_assemble(*, actor: Any, request_id: int) -> SubjectAccessRequest:
    """Assemble what is about the person (a snapshot). Police and justice items become held
    items, pending a decision; assembling again starts the decisions over."""
    # Outside the transaction, so that a refusal stays recorded.
    request = request_for(
        user=actor, request_id=request_id, action=AuditAction.SUBJECT_ACCESS_ASSEMBLED
    )
    with transaction.atomic():
        request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
        _require_open(request)
        if request.family_member_id:
            assembly = assemble_for_family_member(request.family_member)
        else:
            assembly = assemble_for_user(request.subject_user)
        request.assembled = {"onderdelen": assembly.as_json()}
        request.assembled_by = actor
        request.assembled_at = timezone.now()
        request.status = SubjectAccessStatus.ASSEMBLED
        request.save(update_fields=["assembled", "assembled_by", "assembled_at", "status"])
        request.held_items.all().delete()
        SubjectAccessHeldItem.objects.bulk_create(
            SubjectAccessHeldItem(
                request=request,
                key=held.key,
                timeline_entry_id=held.timeline_entry_id,
                document_id=held.document_id,
                section=held.section,
                content=held.content,
                why_held=held.why[:300],
            )
            for held in assembly.held
        )
        _record(
            AuditAction.SUBJECT_ACCESS_ASSEMBLED,
            actor=actor,
            request=request,
            extra={
                "items": {s.id: len(s.items) for s in assembly.sections},
                "held": [held.key for held in assembly.held],
            },
        )
    return request


def subject_access_decide(
    *, actor: Any, request_id: int, item_id: int, decision: str, reason: str = ""
) -> SubjectAccessHeldItem:
    """Release or withhold one held item; withholding needs the reason, kept with the item (the
    audit event records the decision, never the reason's text)."""
    reason = reason.strip()
    if decision not in (HeldDecision.RELEASE, HeldDecision.WITHHOLD):
        raise ValidationError({"decision": _("Kies of u dit gegeven vrijgeeft of niet.")})
    if decision == HeldDecision.WITHHOLD and not reason:
        raise ValidationError({"reason": _("Schrijf waarom dit gegeven niet wordt vrijgegeven.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Houd de reden onder 2000 tekens.")})
    request = request_for(
        user=actor, request_id=request_id, action=AuditAction.SUBJECT_ACCESS_DECIDED
    )
    if not request.held_items.filter(pk=item_id).exists():
        raise _refuse(actor, AuditAction.SUBJECT_ACCESS_DECIDED, request_id)
    with transaction.atomic():
        request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
        _require_open(request)
        item = request.held_items.get(pk=item_id)
        item.decision = decision
        item.reason = reason
        item.decided_by = actor
        item.decided_at = timezone.now()
        item.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        _record(
            AuditAction.SUBJECT_ACCESS_DECIDED,
            actor=actor,
            request=request,
            # The reason may name the case's facts: it stays with the item, not in the trail.
            purpose="art. 15 richtlijn (EU) 2016/680" if decision == HeldDecision.WITHHOLD else "",
            extra={"item": item.key, "decision": decision},
        )
    return item


# --- Release and download -------------------------------------------------------------------


def _sections_with_decisions(request: SubjectAccessRequest) -> list[dict[str, Any]]:
    """The snapshot with the released held items put back in their parts."""
    sections = json.loads(json.dumps(request.assembled.get("onderdelen", [])))
    by_id = {section["id"]: section for section in sections}
    for item in request.held_items.filter(decision=HeldDecision.RELEASE).order_by("id"):
        if item.section in by_id:
            rows = item.content.get("rijen")
            by_id[item.section]["items"].extend(rows if rows else [item.content])
    return sections


def export_of(request: SubjectAccessRequest, *, draft: bool) -> dict[str, Any]:
    return build_export(request, _sections_with_decisions(request), draft=draft)


def preparers(request: SubjectAccessRequest) -> set[int]:
    ids = {request.registered_by_id, request.assembled_by_id}
    ids |= set(request.held_items.exclude(decided_by=None).values_list("decided_by_id", flat=True))
    return {pk for pk in ids if pk is not None}


def subject_access_release(*, actor: Any, request_id: int) -> SubjectAccessRequest:
    """A second privacy officer releases the export: not the one who registered, assembled or
    decided (four eyes). The PDF and JSON are fixed at this moment."""
    request = request_for(
        user=actor, request_id=request_id, action=AuditAction.SUBJECT_ACCESS_RELEASED
    )
    if request.status != SubjectAccessStatus.ASSEMBLED:
        raise ValidationError(
            _("Stel eerst de gegevens samen.")
            if request.status == SubjectAccessStatus.REGISTERED
            else _("Dit verzoek is al vrijgegeven.")
        )
    if actor.pk in preparers(request):
        with transaction.atomic():
            _record(
                AuditAction.SUBJECT_ACCESS_RELEASED,
                actor=actor,
                request=request,
                outcome=Outcome.DENIED,
                extra={"refused": "four_eyes"},
            )
        raise ValidationError(
            _(
                "U hebt dit verzoek zelf geregistreerd, samengesteld of erover beslist. Een "
                "tweede privacyverantwoordelijke moet het vrijgeven."
            )
        )
    if request.held_items.filter(decision=HeldDecision.PENDING).exists():
        raise ValidationError(_("Over elk tegengehouden gegeven moet eerst beslist worden."))
    with transaction.atomic():
        request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != SubjectAccessStatus.ASSEMBLED:
            raise ValidationError(_("Dit verzoek is al vrijgegeven."))
        request.released_by = actor
        request.released_at = timezone.now()
        request.status = SubjectAccessStatus.RELEASED
        export = export_of(request, draft=False)
        request.export = json.loads(json.dumps(export, cls=DjangoJSONEncoder))
        request.export_pdf = render_pdf(request.export, draft=False)
        request.save(update_fields=["released_by", "released_at", "status", "export", "export_pdf"])
        decisions = list(request.held_items.values_list("decision", flat=True))
        _record(
            AuditAction.SUBJECT_ACCESS_RELEASED,
            actor=actor,
            request=request,
            extra={
                "released": decisions.count(HeldDecision.RELEASE),
                "withheld": decisions.count(HeldDecision.WITHHOLD),
            },
        )
    return request


FORMATS = {"pdf": "application/pdf", "json": "application/json"}


def subject_access_download(*, actor: Any, request_id: int, fmt: str) -> tuple[bytes, str]:
    """The released export as PDF or JSON bytes, with its content type; audited. Before the
    release there is nothing to download (the same "not found")."""
    request = request_for(
        user=actor, request_id=request_id, action=AuditAction.SUBJECT_ACCESS_DOWNLOADED
    )
    if not request.is_released or fmt not in FORMATS:
        raise _refuse(actor, AuditAction.SUBJECT_ACCESS_DOWNLOADED, request_id)
    with transaction.atomic():
        _record(
            AuditAction.SUBJECT_ACCESS_DOWNLOADED,
            actor=actor,
            request=request,
            extra={"format": fmt},
        )
    if fmt == "pdf":
        return bytes(request.export_pdf), FORMATS[fmt]
    body = json.dumps(request.export, ensure_ascii=False, indent=2).encode()
    return body, FORMATS[fmt]


def subject_access_preview(*, actor: Any, request_id: int) -> bytes:
    """The draft PDF as it would be released with the decisions so far; audited as a view."""
    request = request_for(user=actor, request_id=request_id)
    if request.status != SubjectAccessStatus.ASSEMBLED:
        raise _refuse(actor, AuditAction.SUBJECT_ACCESS_VIEWED, request_id)
    with transaction.atomic():
        _record(
            AuditAction.SUBJECT_ACCESS_VIEWED, actor=actor, request=request, extra={"view": "draft"}
        )
    export = json.loads(json.dumps(export_of(request, draft=True), cls=DjangoJSONEncoder))
    return render_pdf(export, draft=True)


# --- Reminder -------------------------------------------------------------------------------


def _officers(region: str) -> list[Any]:
    memberships = Membership.objects.filter(
        role=Role.PRIVACY_OFFICER,
        is_active=True,
        organisation__is_active=True,
        organisation__region=region,
        user__is_active=True,
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


def _absolute(link: str) -> str:
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return f"{base}{link}" if base else link


def subject_access_remind(*, today: dt.date | None = None) -> int:
    """E-mail the region's privacy officers about open requests whose deadline is within
    ``SUBJECT_ACCESS_REMINDER_DAYS`` (default 5) days or past; once per request and day. The
    mail names the request number, the deadline and a link, never who it is about."""
    today = today or timezone.localdate()
    days = getattr(settings, "SUBJECT_ACCESS_REMINDER_DAYS", 5)
    due = SubjectAccessRequest.objects.exclude(status=SubjectAccessStatus.RELEASED).filter(
        deadline__lte=today + dt.timedelta(days=days)
    )
    due = due.exclude(reminded_on=today).select_related("family_member__case")
    sent = 0
    for request in due:
        link = _absolute(reverse("audit:subject_access_detail", args=[request.pk]))
        with transaction.atomic():
            SubjectAccessRequest.objects.filter(pk=request.pk).update(reminded_on=today)
            officers = _officers(request.region)
            for officer in officers:
                with override(officer.preferred_language or "nl-be"):
                    subject = _("Veilig Huis: een inzageverzoek nadert zijn termijn")
                    body = _(
                        "Goeddag,\n\n"
                        "Inzageverzoek %(number)s moet uiterlijk op %(deadline)s beantwoord zijn.\n\n"
                        "Meld u aan om het te behandelen:\n%(link)s\n\n"
                        "Deze e-mail bevat bewust geen gegevens over de betrokkene."
                    ) % {
                        "number": request.pk,
                        "deadline": date_format(request.deadline, "j F Y"),
                        "link": link,
                    }
                email = officer.email
                transaction.on_commit(
                    lambda s=subject, b=body, e=email: send_mail(
                        s, b, settings.DEFAULT_FROM_EMAIL, [e], fail_silently=True
                    )
                )
            _record(
                AuditAction.SUBJECT_ACCESS_REMINDED,
                actor=None,
                request=request,
                extra={"officers": len(officers), "deadline": request.deadline.isoformat()},
            )
        sent += 1
    return sent
