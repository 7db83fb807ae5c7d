"""The register of legal bases and the rule that every sharing act rests on one.

Each sharing service (participant, timeline entry, document, planned and recorded meeting) is
tried without a basis, under a withdrawn consent, under an urgent necessity whose review is
overdue and towards a service its basis does not cover: refused in Dutch, audited as denied,
nothing saved. The act that passes carries the basis id in its row and its audit record."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import (
    BasisKind,
    CaseDocument,
    CaseParticipant,
    FamilyMember,
    LegalBasis,
    Meeting,
    Notification,
    TimelineEntry,
)
from collaboration.services import documents, meetings, timeline
from collaboration.services.cases import participant_add
from collaboration.services.legal_bases import (
    legal_basis_end,
    legal_basis_record,
    urgent_review,
)
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

BRUSSELS = datetime.timezone(datetime.timedelta(hours=1))


def _mother(world: Any) -> FamilyMember:
    return FamilyMember.objects.create(
        case=world.case, name="Mira Fictief", family_role="mother", birth_year=1988
    )


def _consent(world: Any, organisations: list[Any], **extra: Any) -> LegalBasis:
    return legal_basis_record(
        actor=world.director,
        case=world.case,
        kind=BasisKind.CONSENT,
        organisation_ids=[o.pk for o in organisations],
        purpose="Afstemming van de hulp rond wonen en opvoeding.",
        given_on=datetime.date(2026, 11, 2),
        consent_of_id=_mother(world).pk,
        consent_recorded="signed",
        **extra,
    )


def _urgent(world: Any, organisations: list[Any]) -> LegalBasis:
    return legal_basis_record(
        actor=world.director,
        case=world.case,
        kind=BasisKind.URGENT,
        organisation_ids=[o.pk for o in organisations],
        purpose="Dreiging met een wapen gemeld; de politie moet nu weten waar het gezin is.",
        given_on=datetime.date(2026, 11, 2),
    )


def _denials(what: str, why: str) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.CASE_CHANGED,
        outcome="denied",
        extra__change=what,
        extra__refused=why,
    ).count()


# --- the sharing acts --------------------------------------------------------------------


def _add_entry(world: Any, basis_id: int | None, **audience: Any) -> Any:
    return timeline.timeline_entry_add(
        actor=world.director,
        case=world.case,
        kind="note",
        occurred_on=datetime.date(2026, 11, 3),
        title="Gesprek met de school",
        legal_basis_id=basis_id,
        **audience,
    )


def _upload(world: Any, basis_id: int | None, **audience: Any) -> Any:
    return documents.document_upload(
        actor=world.director,
        case=world.case,
        title="Verslag",
        upload=SimpleUploadedFile("v.pdf", b"%PDF-1.4 fictief", content_type="application/pdf"),
        legal_basis_id=basis_id,
        **audience,
    )


def _add_participant(world: Any, basis_id: int | None, **_ignored: Any) -> Any:
    return participant_add(
        actor=world.director,
        case=world.case,
        user=world.caw_colleague,
        organisation_id=world.caw.pk,
        role_in_case="Schoolbegeleiding",
        legal_basis_id=basis_id,
    )


def _schedule(world: Any, basis_id: int | None, **_ignored: Any) -> Any:
    return meetings.meeting_schedule(
        actor=world.director,
        case=world.case,
        kind="network",
        starts_at=datetime.datetime(2030, 1, 7, 10, tzinfo=BRUSSELS),
        place="Gent",
        invitee_ids=[world.caw_partner.pk, world.police_partner.pk],
        legal_basis_id=basis_id,
    )


def _record(world: Any, basis_id: int | None, **_ignored: Any) -> Any:
    return meetings.meeting_record(
        actor=world.director,
        case=world.case,
        kind="network",
        starts_at=datetime.datetime(2026, 11, 1, 10, tzinfo=BRUSSELS),
        place="Gent",
        invitee_ids=[world.caw_partner.pk, world.police_partner.pk],
        legal_basis_id=basis_id,
    )


# act, the audit "what" of its refusal, the rows it would create, what it reaches
ACTS: dict[str, tuple[Callable[..., Any], str, Callable[[], int], str]] = {
    "entry": (_add_entry, "timeline", TimelineEntry.objects.count, "all"),
    "document": (_upload, "document", CaseDocument.objects.count, "all"),
    "participant": (
        _add_participant,
        "participant_add",
        lambda: CaseParticipant.objects.filter(user__email="caw2@test.example").count(),
        "caw",
    ),
    # a meeting's notes are open to everyone in the case: its basis covers every service
    "meeting": (_schedule, "meeting", Meeting.objects.count, "all"),
    "recorded meeting": (_record, "meeting_record", Meeting.objects.count, "all"),
}


def _reached(world: Any, which: str) -> list[Any]:
    """The services an act reaches: the referrer's CLB takes part in the case too."""
    if which == "caw":
        return [world.caw]
    if which == "all":
        return [world.caw, world.clb, world.police]
    return [world.caw, world.police]


@pytest.mark.parametrize("name", list(ACTS))
def test_a_sharing_act_without_a_basis_is_refused_and_nothing_is_saved(
    world: Any, name: str
) -> None:
    act, what, rows, _reach = ACTS[name]
    before = rows()
    with pytest.raises(ValidationError) as refused:
        act(world, None)
    assert "grondslag" in refused.value.message_dict["legal_basis"][0]
    assert rows() == before
    assert _denials(what, "no_basis") == 1


@pytest.mark.parametrize("name", list(ACTS))
def test_a_basis_of_another_case_is_no_basis(world: Any, name: str, make_user: Any) -> None:
    from tests.factories.cases import CaseFactory

    other = CaseFactory(case_director=world.director)
    foreign = LegalBasis.objects.create(
        case=other,
        kind=BasisKind.CONSULTATION,
        framework="law",
        framework_reference="Ander dossier",
        purpose="x",
        given_on=datetime.date(2026, 1, 1),
        created_by=world.director,
    )
    foreign.organisations.add(world.caw, world.police, world.clb)
    act, what, rows, _reach = ACTS[name]
    before = rows()
    with pytest.raises(ValidationError):
        act(world, foreign.pk)
    assert rows() == before
    assert _denials(what, "no_basis") == 1


@pytest.mark.parametrize("name", list(ACTS))
def test_a_sharing_act_under_its_basis_carries_the_basis_id(world: Any, name: str) -> None:
    act, _what, rows, reach = ACTS[name]
    basis = _consent(world, _reached(world, reach))
    before = rows()
    shared = act(world, basis.pk)
    assert rows() == before + 1
    assert shared.legal_basis_id == basis.pk
    record = AuditEvent.objects.filter(outcome="allowed").order_by("-id").first()
    assert record is not None and record.extra["legal_basis_id"] == basis.pk


@pytest.mark.parametrize("name", list(ACTS))
def test_sharing_under_a_withdrawn_consent_is_refused(world: Any, name: str) -> None:
    act, what, rows, reach = ACTS[name]
    basis = _consent(world, _reached(world, reach))
    legal_basis_end(
        actor=world.director, case=world.case, basis_id=basis.pk, reason="Moeder trok in."
    )
    before = rows()
    with pytest.raises(ValidationError) as refused:
        act(world, basis.pk)
    assert "ingetrokken" in refused.value.message_dict["legal_basis"][0]
    assert rows() == before
    assert _denials(what, "basis_ended") == 1


@pytest.mark.parametrize("name", list(ACTS))
def test_a_basis_that_does_not_cover_a_service_reached_is_refused_naming_it(
    world: Any, name: str
) -> None:
    act, what, rows, reach = ACTS[name]
    reached = _reached(world, reach)
    basis = _consent(world, reached[:-1] or [world.vh])
    before = rows()
    with pytest.raises(ValidationError) as refused:
        act(world, basis.pk)
    assert reached[-1].name in refused.value.message_dict["legal_basis"][0]
    assert rows() == before
    assert _denials(what, "not_covered") == 1


def test_an_entry_for_the_police_only_needs_a_basis_covering_the_police_only(
    world: Any,
) -> None:
    police_only = _consent(world, [world.police])
    entry = _add_entry(
        world, police_only.pk, visibility="audience", sectors=["police"], organisation_ids=[]
    )
    assert entry.legal_basis_id == police_only.pk
    with pytest.raises(ValidationError):
        _add_entry(world, police_only.pk)  # shared with all: the CAW is not covered


def test_an_urgent_necessity_carries_sharing_until_its_review_is_overdue(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LEGAL_BASIS_URGENT_REVIEW_HOURS = 24
    with time_machine.travel(datetime.datetime(2026, 11, 9, 23, 30, tzinfo=BRUSSELS), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            basis = _urgent(world, [world.caw, world.police, world.clb])
        # the coordinators are asked to review it, by a notification and a mail without content
        assert Notification.objects.filter(user=world.coordinator, kind="urgent_review").exists()
        assert [m.to for m in mail.outbox] == [[world.coordinator.email]]
        assert "wapen" not in mail.outbox[0].body
        assert _add_entry(world, basis.pk).legal_basis_id == basis.pk
    with time_machine.travel(datetime.datetime(2026, 11, 10, 23, 29, tzinfo=BRUSSELS), tick=False):
        _add_entry(world, basis.pk)
    with time_machine.travel(datetime.datetime(2026, 11, 10, 23, 30, tzinfo=BRUSSELS), tick=False):
        with pytest.raises(ValidationError) as refused:
            _add_entry(world, basis.pk)
        assert "niet op tijd beoordeeld" in refused.value.message_dict["legal_basis"][0]
        assert _denials("timeline", "review_overdue") == 1


def test_the_review_is_a_coordinator_who_neither_invoked_it_nor_directs_the_case(
    world: Any,
) -> None:
    basis = _urgent(world, [world.police])
    # the case director, a participant, a coordinator of another region: not found
    for outsider in (world.director, world.police_partner, world.outsider_member):
        with pytest.raises(NotFoundOrNotAllowed):
            urgent_review(actor=outsider, case=world.case, basis_id=basis.pk, outcome="confirmed")
    # not confirmed needs a reason
    with pytest.raises(ValidationError):
        urgent_review(actor=world.coordinator, case=world.case, basis_id=basis.pk, outcome="ended")
    reviewed = urgent_review(
        actor=world.coordinator, case=world.case, basis_id=basis.pk, outcome="confirmed"
    )
    assert reviewed.reviewed_by == world.coordinator
    assert reviewed.usable(datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
    assert AuditEvent.objects.filter(
        action=AuditAction.LEGAL_BASIS_REVIEWED, extra__outcome="confirmed"
    ).exists()
    # reviewed once
    with pytest.raises(NotFoundOrNotAllowed):
        urgent_review(
            actor=world.coordinator, case=world.case, basis_id=basis.pk, outcome="confirmed"
        )


def test_a_coordinator_who_invoked_the_urgency_does_not_review_it(world: Any) -> None:
    basis = legal_basis_record(
        actor=world.coordinator,
        case=world.case,
        kind=BasisKind.URGENT,
        organisation_ids=[world.police.pk],
        purpose="Acuut gevaar gemeld door de school.",
        given_on=datetime.date(2026, 11, 2),
    )
    with pytest.raises(ValidationError):
        urgent_review(
            actor=world.coordinator, case=world.case, basis_id=basis.pk, outcome="confirmed"
        )
    assert LegalBasis.objects.get(pk=basis.pk).reviewed_at is None


def test_an_urgency_not_confirmed_ends_the_basis(world: Any) -> None:
    basis = _urgent(world, [world.caw, world.police])
    urgent_review(
        actor=world.coordinator,
        case=world.case,
        basis_id=basis.pk,
        outcome="ended",
        note="Geen dreigend gevaar; vraag toestemming.",
    )
    with pytest.raises(ValidationError):
        _add_entry(world, basis.pk)


def test_withdrawing_a_consent_alerts_the_case_people_without_content(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    basis = _consent(world, [world.caw, world.police, world.clb])
    _add_entry(world, basis.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        legal_basis_end(
            actor=world.director, case=world.case, basis_id=basis.pk, reason="Moeder trok in."
        )
    alerted = set(
        Notification.objects.filter(kind="consent_withdrawn").values_list("user_id", flat=True)
    )
    assert alerted == {world.caw_partner.pk, world.police_partner.pk, world.referrer.pk}
    assert len(mail.outbox) == 3
    assert all("Moeder" not in m.body and "Mira" not in m.body for m in mail.outbox)
    ended = AuditEvent.objects.get(action=AuditAction.LEGAL_BASIS_ENDED)
    assert ended.extra == {"legal_basis_id": basis.pk, "kind": "consent"}
    # ended once
    with pytest.raises(ValidationError):
        legal_basis_end(actor=world.director, case=world.case, basis_id=basis.pk, reason="x")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent_of_id": None}, "consent_of"),
        ({"consent_recorded": ""}, "consent_recorded"),
        ({"purpose": "  "}, "purpose"),
        ({"organisation_ids": []}, "organisations"),
        ({"given_on": datetime.date(2099, 1, 1)}, "given_on"),
        ({"family_informed": "yes"}, "family_informed_on"),
        ({"family_informed": "no"}, "family_informed_note"),
        ({"kind": "hearsay"}, "kind"),
    ],
)
def test_an_incomplete_consent_is_refused_in_dutch_and_nothing_is_saved(
    world: Any, change: dict[str, Any], field: str
) -> None:
    arguments: dict[str, Any] = {
        "actor": world.director,
        "case": world.case,
        "kind": BasisKind.CONSENT,
        "organisation_ids": [world.caw.pk],
        "purpose": "Hulp afstemmen.",
        "given_on": datetime.date(2026, 11, 2),
        "consent_of_id": _mother(world).pk,
        "consent_recorded": "oral",
    }
    with pytest.raises(ValidationError) as refused:
        legal_basis_record(**{**arguments, **change})
    assert field in refused.value.message_dict
    assert not LegalBasis.objects.exists()


def test_a_consultation_names_its_framework_and_whether_the_family_knows(world: Any) -> None:
    arguments: dict[str, Any] = {
        "actor": world.director,
        "case": world.case,
        "kind": BasisKind.CONSULTATION,
        "organisation_ids": [world.caw.pk, world.police.pk],
        "purpose": "Netwerkoverleg over de veiligheid van de kinderen.",
        "given_on": datetime.date(2026, 11, 2),
        "framework": "law",
        "framework_reference": "Fictief decreet, art. 1",
    }
    for missing in ("framework", "framework_reference"):
        with pytest.raises(ValidationError) as refused:
            legal_basis_record(**{**arguments, missing: ""})
        assert missing in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        legal_basis_record(**arguments)
    assert "family_informed" in refused.value.message_dict
    basis = legal_basis_record(
        **arguments, family_informed="yes", family_informed_on=datetime.date(2026, 11, 2)
    )
    assert list(basis.organisations.order_by("name")) == [world.caw, world.police]
    record = AuditEvent.objects.get(action=AuditAction.LEGAL_BASIS_RECORDED)
    assert record.extra["legal_basis_id"] == basis.pk
    assert "Netwerkoverleg" not in str(record.extra)


def test_only_the_director_and_coordinators_keep_the_register(world: Any) -> None:
    for outsider in (world.caw_partner, world.outsider_member, world.privacy):
        with pytest.raises(NotFoundOrNotAllowed):
            legal_basis_record(
                actor=outsider,
                case=world.case,
                kind=BasisKind.URGENT,
                organisation_ids=[world.police.pk],
                purpose="x",
                given_on=datetime.date(2026, 11, 2),
            )
    basis = _consent(world, [world.caw])
    with pytest.raises(NotFoundOrNotAllowed):
        legal_basis_end(
            actor=world.caw_partner, case=world.case, basis_id=basis.pk, reason="Ik wil dat"
        )
    assert not LegalBasis.objects.get(pk=basis.pk).is_ended


# --- the pages -----------------------------------------------------------------------------


def test_the_register_shows_who_received_what_under_a_withdrawn_consent(
    world: Any, verified_client: Any
) -> None:
    basis = _consent(world, [world.caw, world.police, world.clb])
    _add_entry(world, basis.pk)
    secret = timeline.timeline_entry_add(
        actor=world.director,
        case=world.case,
        kind="note",
        occurred_on=datetime.date(2026, 11, 3),
        title="Alleen voor de politie",
        visibility="audience",
        organisation_ids=[world.police.pk],
        legal_basis_id=basis.pk,
    )
    legal_basis_end(
        actor=world.director, case=world.case, basis_id=basis.pk, reason="Moeder trok in."
    )
    url = reverse("collaboration:legal_basis_detail", args=[world.case.reference, basis.pk])
    page = verified_client(world.caw_partner).get(url).content.decode()
    assert "Gesprek met de school" in page
    assert secret.title not in page  # outside the CAW's audience: only counted
    assert "Nog één item met beperkte zichtbaarheid" in page
    assert "Ingetrokken" in page and "Moeder trok in." in page
    director_page = verified_client(world.director).get(url).content.decode()
    assert secret.title in director_page


def test_a_sharing_form_offers_only_bases_that_carry_sharing(
    world: Any, verified_client: Any
) -> None:
    live = _consent(world, [world.caw, world.police, world.clb])
    withdrawn = _consent(world, [world.caw, world.police, world.clb])
    legal_basis_end(actor=world.director, case=world.case, basis_id=withdrawn.pk, reason="x y")
    client = verified_client(world.director)
    url = reverse("collaboration:timeline_add", args=[world.case.reference])
    page = client.get(url).content.decode()
    offered = page.split('name="legal_basis"', 1)[1].split("</select>", 1)[0]
    assert f'value="{live.pk}"' in offered and f'value="{withdrawn.pk}"' not in offered
    # posting without a basis: the Dutch message on the form, nothing saved
    before = TimelineEntry.objects.count()
    response = client.post(
        url, {"kind": "note", "occurred_on": "2026-11-03", "title": "Titel", "visibility": "all"}
    )
    assert response.status_code == 200
    assert "Kies de grondslag waarop u deelt" in response.content.decode()
    assert TimelineEntry.objects.count() == before
    response = client.post(
        url,
        {
            "kind": "note",
            "occurred_on": "2026-11-03",
            "title": "Titel",
            "visibility": "all",
            "legal_basis": str(live.pk),
        },
    )
    assert response.status_code == 302
    assert TimelineEntry.objects.get(title="Titel").legal_basis_id == live.pk


def test_registering_a_consent_through_the_form(world: Any, verified_client: Any) -> None:
    mother = _mother(world)
    client = verified_client(world.director)
    url = reverse("collaboration:legal_basis_consent", args=[world.case.reference])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "consent_of": str(mother.pk),
            "purpose": "Hulp afstemmen met CAW en politie.",
            "organisations": [str(world.caw.pk), str(world.police.pk)],
            "given_on": "2026-11-02",
            "consent_recorded": "signed",
            "family_informed": "yes",
            "family_informed_on": "2026-11-02",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    basis = LegalBasis.objects.get()
    assert basis.consent_of == mother and basis.kind == "consent"
    register = client.get(reverse("collaboration:legal_bases", args=[world.case.reference]))
    assert "Mira Fictief" in register.content.decode()


def test_the_referral_records_when_the_family_was_informed(world: Any) -> None:
    from collaboration.services.referrals import referral_submit
    from tests.factories.cases import referral_data

    data = referral_data(world.clb)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 0, 30, tzinfo=BRUSSELS), tick=False):
        # 1 November in Brussels is still "today" at 00:30 on the 2nd; the 3rd is not yet
        with pytest.raises(ValidationError) as refused:
            referral_submit(
                actor=world.referrer, **data, family_informed_on=datetime.date(2026, 11, 3)
            )
        assert "toekomst" in refused.value.message_dict["family_informed_on"][0]
        with pytest.raises(ValidationError) as refused:
            referral_submit(
                actor=world.referrer,
                **{**data, "family_knows": "no"},
                family_informed_on=datetime.date(2026, 11, 1),
            )
        assert "family_informed_on" in refused.value.message_dict
        referral = referral_submit(
            actor=world.referrer, **data, family_informed_on=datetime.date(2026, 11, 2)
        )
    assert referral.family_informed_on == datetime.date(2026, 11, 2)


def test_exporting_the_minutes_names_the_meetings_basis(world: Any, verified_client: Any) -> None:
    from collaboration.services.minutes import meeting_finalise

    basis = _consent(world, [world.caw, world.police, world.clb])
    held = _record(world, basis.pk)
    meeting_finalise(actor=world.director, meeting_id=held.pk, actions=[])
    # the minutes' pointer on the timeline shares nothing new: it carries the meeting's basis
    assert TimelineEntry.objects.get(kind="network_meeting").legal_basis_id == basis.pk
    response = verified_client(world.director).get(
        reverse("live_notes:minutes_pdf", args=[held.pk])
    )
    assert response.status_code == 200
    export = AuditEvent.objects.filter(
        action=AuditAction.DOCUMENT_DOWNLOADED, purpose="minutes_pdf"
    ).get()
    assert export.extra["legal_basis_id"] == basis.pk
