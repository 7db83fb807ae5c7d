"""A closed case past its retention period with fictional personal text in every model linked
to it, built through the portal's own services where they exist; and a scanner that searches
every text, binary and JSON column of every model (Yjs updates decoded, PDF streams inflated)
and the stored files for that text.

Every name and word below is invented.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import os
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone
from pycrdt import Doc, Text

from collaboration.live_notes.document import TEXT_NAME
from collaboration.live_notes.models import (
    Acknowledgement,
    AgendaItem,
    Attendance,
    LiveConnection,
    NotesVolume,
    NoteUpdate,
)
from collaboration.live_notes.services import notes_compact
from collaboration.models import (
    Action,
    ActionPlan,
    Approval,
    Audience,
    BreakGlassAccess,
    Case,
    CaseParticipant,
    ClosureRequest,
    DomainAssessment,
    FamilyMember,
    Goal,
    Meeting,
    PhaseTransition,
    TimelineEntry,
)
from collaboration.services.cases import family_member_add
from collaboration.services.consults import consult_request_answer, consult_request_submit
from collaboration.services.corrections import correct
from collaboration.services.documents import document_upload
from collaboration.services.minutes import meeting_finalise
from collaboration.services.referrals import referral_accept, referral_submit
from tests.factories.legal_bases import standing_basis

# Invented words that occur nowhere else in the portal or its fixtures.
CHILD = "Lotte Fictiefstra"
STREET = "Zwaluwhof 7 Kwakkelbeek"
NOTES_WORD = "Pimpelmeesgesprek"
SECRETS = ("Fictiefstra", "Zwaluwhof", "Kwakkelbeek", NOTES_WORD)
# In the recent case, which is not due and must keep it.
RECENT = "Recentdorp"


@dataclass
class FullCase:
    case: Case
    member: FamilyMember
    meeting: Meeting
    document_path: str


def _yjs_update(text: str) -> bytes:
    doc = Doc()
    doc.get(TEXT_NAME, type=Text).insert(0, text)
    return doc.get_update()


def build_full_case(world: Any, *, closed_years_ago: float = 6) -> FullCase:
    """Everything a case can hold, with the secrets in every free-text field and file."""
    director, coordinator = world.director, world.coordinator
    consult = consult_request_submit(
        name="Dokter Kwakkelbeek",
        organisation="Praktijk Zwaluwhof",
        email="kwakkelbeek@test.example",
        phone="0470 00 00 01",
        region="oost-vlaanderen",
        question=f"Hoe help ik {CHILD}?",
    )
    consult = consult_request_answer(actor=coordinator, consult=consult, answer=f"Bel {CHILD}.")
    referral = referral_submit(
        actor=coordinator,
        organisation=world.vh,
        consult=consult,
        family_composition=f"Moeder en {CHILD} (2015), {STREET}",
        violence_forms=["partner"],
        life_domains=["housing"],
        criterion_complexity=f"Politie kwam bij {CHILD}.",
        criterion_multiple_domains=f"Wonen aan de {STREET}.",
        criterion_stuck_help=f"Hulp voor {CHILD} loopt vast.",
        services_involved=f"CAW {STREET}",
    )
    case = referral_accept(actor=coordinator, referral=referral, case_director=director)
    member = family_member_add(
        actor=director, case=case, name=CHILD, birth_year=2015, family_role="child"
    )
    CaseParticipant(
        case=case,
        user=world.caw_partner,
        organisation=world.caw,
        role_in_case="Begeleider",
        task_division=f"Huisbezoek bij {CHILD}",
    ).save()
    PhaseTransition(
        case=case,
        from_phase="exploration",
        to_phase="execution",
        actor=director,
        reason=f"Plan met {CHILD} besproken",
    ).save()
    BreakGlassAccess(
        case=case,
        user=world.privacy,
        justification=f"Klacht over de hulp aan {CHILD}",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    ).save()
    DomainAssessment(
        case=case,
        domain="housing",
        strengths=f"{CHILD} heeft een oma",
        worries=f"{STREET} is te klein",
        concerns=f"{CHILD} slaapt slecht",
        wishes=f"{CHILD} wil blijven",
        updated_by=director,
    ).save()
    plan = ActionPlan(
        case=case,
        version=1,
        created_by=director,
        evaluation=f"{CHILD} woont nu veilig",
        evaluated_on=dt.date(2019, 6, 1),
        evaluated_by=director,
    )
    plan.save()
    closure_request = ClosureRequest(
        case=case,
        status="confirmed",
        criteria={"criterion_no_new_violence": "no"},
        reasons={"criterion_no_new_violence": f"Incident bij {CHILD}"},
        closing_summary=f"{CHILD} is veilig",
        contact_card=f"CAW {STREET}",
        requested_by=director,
        decided_by=coordinator,
        decided_at=timezone.now(),
        decision_note=f"Bevestigd na gesprek met {CHILD}",
    )
    closure_request.save()
    Approval(
        case=case,
        subject="closure",
        closure=closure_request,
        status="approved",
        requested_by=director,
        decided_by=coordinator,
        decided_at=timezone.now(),
        comment=f"Goedgekeurd na gesprek met {CHILD}",
    ).save()
    goal = Goal(plan=plan, domain="housing", description=f"{CHILD} woont onveilig")
    goal.save()
    correct(
        actor=director,
        case=case,
        kind="goal",
        object_id=goal.pk,
        values={"domain": "housing", "description": f"{CHILD} woont veilig"},
        reason=f"{CHILD} woont niet meer in de {STREET}",
    )
    goal.refresh_from_db()
    Action(
        goal=goal,
        case=case,
        description=f"Woning zoeken voor {CHILD}",
        organisation=world.caw,
        status="not_possible",
        status_reason=f"Geen plaats in {STREET}",
    ).save()
    entry = TimelineEntry(
        case=case,
        kind="police",
        occurred_on=dt.date(2019, 3, 4),
        title=f"Tussenkomst bij {CHILD}",
        body=f"Politie in de {STREET}.",
        author=world.police_partner,
        author_organisation=world.police,
        visibility="audience",
    )
    entry.save()
    Audience(entry=entry, sector="police").save()
    document = document_upload(
        actor=director,
        case=case,
        legal_basis_id=standing_basis(case),
        title=f"Verslag over {CHILD}",
        upload=SimpleUploadedFile(
            "verslag.txt", f"Gesprek met {CHILD}, {STREET}.\n".encode(), "text/plain"
        ),
        visibility="audience",
        sectors=["welfare"],
    )
    meeting = Meeting(
        case=case,
        kind="network",
        starts_at=timezone.now() - dt.timedelta(hours=1),
        place=f"Bij {CHILD} thuis, {STREET}",
        created_by=director,
    )
    meeting.save()
    meeting.invitees.add(world.caw_partner)
    Meeting.objects.create(
        case=case,
        kind="network",
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Veilig Huis",
        created_by=director,
        status="cancelled",
        cancelled_at=timezone.now(),
        cancel_reason=f"{CHILD} is verhuisd naar {STREET}",
    )
    for user in (director, world.caw_partner):
        Acknowledgement.objects.create(meeting=meeting, user=user)
    AgendaItem.objects.create(meeting=meeting, position=0, title=f"Hoe gaat het met {CHILD}?")
    Attendance.objects.create(meeting=meeting, user=director, status="present")
    Attendance.objects.create(meeting=meeting, family_member=member, status="present")
    first = _yjs_update(f"{NOTES_WORD}: {CHILD} vertelt over {STREET}. ")
    NoteUpdate.objects.create(
        meeting=meeting, user=director, connection_id="c1", size=len(first), data=first
    )
    notes_compact(meeting_id=meeting.pk)  # the first update's bytes move into a snapshot
    second = _yjs_update(f"Afspraak met {CHILD}.")
    NoteUpdate.objects.create(
        meeting=meeting, user=director, connection_id="c1", size=len(second), data=second
    )
    NotesVolume.objects.create(meeting=meeting, stored_bytes=len(first) + len(second))
    LiveConnection.objects.create(
        meeting=meeting, user=world.caw_partner, channel_name="test.retention!1"
    )
    meeting_finalise(actor=director, meeting_id=meeting.pk, actions=[])
    AdminLogEntry.objects.create(
        user=director,
        content_type=ContentType.objects.get_for_model(FamilyMember),
        object_id=str(member.pk),
        object_repr=CHILD,
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"name": CHILD}}]),
    )
    _risk_and_safety(world, case, member)
    _flags(world, case, member)
    _subject_access(world, member, entry)
    # Closing through save() so that the change history records the closing texts too.
    case.refresh_from_db()
    case.phase = "closed"
    case.closing_summary = f"{CHILD} is veilig."
    case.contact_card = f"CAW {STREET}"
    case.save()
    Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=round(365.25 * closed_years_ago))
    )
    case.refresh_from_db()
    path = os.path.join(settings.CASE_DOCUMENTS_ROOT, document.file.name)
    return FullCase(case=case, member=member, meeting=meeting, document_path=path)


def _risk_and_safety(world: Any, case: Case, member: FamilyMember) -> None:
    """A risk assessment of the child, the professional's own judgement naming her, and two
    versions of her safety plan (through the services)."""
    from collaboration.models import RiskInstrument
    from collaboration.risk_instruments import DEMO_INSTRUMENT, load_instrument_file
    from collaboration.services.risk import risk_assess

    instrument = RiskInstrument.objects.filter(code="demo", version=1).first()
    instrument = instrument or load_instrument_file(DEMO_INSTRUMENT)
    risk_assess(
        actor=world.director,
        case=case,
        instrument_id=instrument.pk,
        answers={q.key: "yes" for q in instrument.questions.all()},
        family_member_id=member.pk,
        judged_level="low",  # all "Ja" computes high: a judgement that differs, with a reason
        override_reason=f"{CHILD} slaapt in de auto aan de {STREET}",
    )
    from collaboration.models import SAFETY_PLAN_FIELDS
    from collaboration.services.safety_plans import safety_plan_save

    for version in (0, 1):  # two versions: the earlier one stays as history
        safety_plan_save(
            actor=world.caw_partner,
            case=case,
            family_member_id=member.pk,
            values={name: f"{CHILD} {name} {version} {STREET}" for name in SAFETY_PLAN_FIELDS},
            based_on=version,
            legal_basis_id=standing_basis(case),
        )


def _flags(world: Any, case: Case, member: FamilyMember) -> None:
    """A custom flag about the child, acknowledged and removed, and one about the family,
    through the services: the reasons and the custom label name the child and the street."""
    from collaboration.services.flags import flag_acknowledge, flag_raise, flag_remove

    custom = flag_raise(
        actor=world.caw_partner,
        case=case,
        kind="custom",
        custom_label=f"Oom {STREET}",
        reason=f"{CHILD} is bang voor de oom",
        family_member_id=member.pk,
    )
    flag_acknowledge(actor=world.director, case=case, flag_id=custom.pk)
    flag_remove(actor=world.director, case=case, flag_id=custom.pk, reason=f"{CHILD} woont elders")
    flag_raise(actor=world.director, case=case, kind="weapons", reason=f"Wapen in de {STREET}")


def _subject_access(world: Any, member: FamilyMember, entry: TimelineEntry) -> None:
    """A released subject-access request (its snapshot and export name the child), a held
    item with its reason, a rectification request and a restriction, through the services."""
    from collaboration.models import Membership, Role
    from collaboration.subject_access import rights, services

    second = type(world.privacy).objects.create_user(
        email="privacy-retention@test.example", password="x" * 16, full_name="Tweede Officier"
    )
    Membership.objects.create(user=second, organisation=world.vh, role=Role.PRIVACY_OFFICER)
    sar = services.subject_access_register(
        actor=world.privacy,
        requester_name=f"Advocaat van {CHILD}",
        requester_relation="lawyer",
        identity_checked_by=f"Baliemedewerker {STREET}",
        identity_check="other",
        identity_note=f"Gekend in de {STREET}",
        family_member=member,
    )
    services.subject_access_assemble(actor=world.privacy, request_id=sar.pk)
    for held in sar.held_items.all():
        services.subject_access_decide(
            actor=world.privacy,
            request_id=sar.pk,
            item_id=held.pk,
            decision="withhold",
            reason=f"Onderzoek naar {STREET}",
        )
    services.subject_access_release(actor=second, request_id=sar.pk)
    rights.rectification_register(
        actor=world.privacy,
        family_member=member,
        kind="annotate",
        request_text=f"{CHILD} wil iets toevoegen",
        target=f"timeline_entry:{entry.pk}",
        subject_access=sar,
    )
    restriction = rights.restriction_add(
        actor=world.privacy,
        case=member.case,
        reason=f"Bezwaar van {CHILD}",
        timeline_entry_id=entry.pk,
    )
    rights.restriction_lift(
        actor=world.privacy, restriction_id=restriction.pk, reason=f"Akkoord met {CHILD}"
    )


# --- Scanning -------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """The raw and decoded content streams of a PDF (reportlab writes them ASCII85 and Flate
    encoded), for a substring search."""
    parts = [data.decode("latin-1")]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\n?endstream", data, re.S):
        stream = match.group(1).strip()
        if stream.endswith(b"~>"):
            try:
                stream = base64.a85decode(stream, adobe=stream.startswith(b"<~") or False)
            except ValueError:
                stream = base64.a85decode(b"<~" + stream, adobe=True)
        with contextlib.suppress(zlib.error):
            stream = zlib.decompress(stream)
        parts.append(stream.decode("latin-1"))
    return "\n".join(parts)


def yjs_text(data: bytes) -> str | None:
    """The text of a Yjs update, or None for bytes that are not one."""
    try:
        doc = Doc()
        doc.apply_update(data)
        return str(doc.get(TEXT_NAME, type=Text))
    except Exception:
        return None


def renderings(value: Any) -> Iterable[str]:
    """Every way a stored value can be read: as text, and bytes also as PDF and as Yjs."""
    if value is None:
        return
    if isinstance(value, (bytes, memoryview)):
        data = bytes(value)
        yield data.decode("utf-8", "replace")
        if data.startswith(b"%PDF"):
            yield pdf_text(data)
        elif data and (text := yjs_text(data)) is not None:
            yield text
        return
    if isinstance(value, str):
        yield value
        return
    yield json.dumps(value, default=str, ensure_ascii=False)


def _searchable(model_field: models.Field) -> bool:
    return isinstance(
        model_field,
        (
            models.CharField,
            models.TextField,
            models.BinaryField,
            models.JSONField,
            models.FileField,
        ),
    )


def find_secrets(secrets: Iterable[str] = SECRETS) -> list[str]:
    """Where in the database (every model of every app) and the stored files a secret is."""
    secrets = tuple(secrets)
    hits: set[str] = set()
    for model in apps.get_models(include_auto_created=True):
        names = [f.attname for f in model._meta.concrete_fields if _searchable(f)]
        if not names or not model._meta.managed:
            continue
        for row in model._default_manager.values_list(*names):
            for name, value in zip(names, row, strict=True):
                for text in renderings(value):
                    for secret in secrets:
                        if secret in text:
                            hits.add(f"{model._meta.label}.{name}: {secret}")
    root = settings.CASE_DOCUMENTS_ROOT
    for directory, _dirs, files in os.walk(root):
        for filename in files:
            path = os.path.join(directory, filename)
            with open(path, "rb") as handle:
                content = handle.read()
            for text in renderings(content):
                for secret in secrets:
                    if secret in text:
                        hits.add(f"file {os.path.relpath(path, root)}: {secret}")
    return sorted(hits)
