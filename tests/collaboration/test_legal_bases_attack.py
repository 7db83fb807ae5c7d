"""Review probes against the legal bases (issue 17 item 1), from outside.

Tests marked ``xfail(strict=True)`` document an open hole: they assert the behaviour the rule
asks and fail today. The others are attacks that held; they stay as regression tests."""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import (
    BasisKind,
    CaseParticipant,
    FamilyMember,
    LegalBasis,
    Meeting,
    TimelineEntry,
)
from collaboration.selectors.cases import case_access
from collaboration.selectors.legal_bases import shared_under
from collaboration.services import cases as case_services
from collaboration.services import flags as flag_services
from collaboration.services import meetings, timeline
from collaboration.services.cases import family_member_remove, participant_add, participant_remove
from collaboration.services.legal_bases import (
    legal_basis_end,
    legal_basis_record,
    require_sharing_basis,
    urgent_review,
)
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.organisations.models import Region, Role, Sector
from tests.factories.organisations import OrganisationFactory
from tests.factories.worlds import member

pytestmark = pytest.mark.django_db

PURPOSE = "Afstemming van de hulp rond wonen en opvoeding, uniek-doel-7731."


def _mother(world: Any) -> FamilyMember:
    return FamilyMember.objects.create(
        case=world.case, name="Mira Fictief", family_role="mother", birth_year=1988
    )


def _consent(world: Any, organisations: list[Any], member_: FamilyMember | None = None) -> Any:
    return legal_basis_record(
        actor=world.director,
        case=world.case,
        kind=BasisKind.CONSENT,
        organisation_ids=[o.pk for o in organisations],
        purpose=PURPOSE,
        given_on=datetime.date(2026, 11, 2),
        consent_of_id=(member_ or _mother(world)).pk,
        consent_recorded="signed",
    )


def _urgent(
    world: Any,
    organisations: list[Any],
    actor: Any = None,
    given_on: datetime.date = datetime.date(2026, 11, 2),
) -> Any:
    return legal_basis_record(
        actor=actor or world.director,
        case=world.case,
        kind=BasisKind.URGENT,
        organisation_ids=[o.pk for o in organisations],
        purpose="Dreiging met een wapen gemeld; de politie moet nu weten waar het gezin is.",
        given_on=given_on,
    )


def _current(world: Any) -> list[Any]:
    return [world.caw, world.police, world.clb]


def _newcomer(world: Any) -> tuple[Any, Any]:
    """A welfare service of the region that is not (yet) in the case, with one partner."""
    ocmw = OrganisationFactory(name="OCMW Test", sector=Sector.WELFARE)
    return ocmw, member("ocmw@test.example", "Olga OCMW", ocmw, Role.PARTNER)


# --- information reaching an organisation without a basis covering it ---------------------


def test_a_newcomer_does_not_see_entries_shared_under_a_basis_that_does_not_cover_them(
    world: Any, verified_client: Any
) -> None:
    consent = _consent(world, _current(world))
    entry = timeline.timeline_entry_add(
        actor=world.director,
        case=world.case,
        kind="note",
        occurred_on=datetime.date(2026, 11, 3),
        title="Moeder vertelt over schulden-xq17",
        legal_basis_id=consent.pk,
    )
    assert entry.legal_basis_id == consent.pk
    ocmw, olga = _newcomer(world)
    other = _consent(world, [ocmw])  # covers OCMW only, a different consent
    participant_add(
        actor=world.director,
        case=world.case,
        user=olga,
        organisation_id=ocmw.pk,
        role_in_case="Budgetbegeleiding",
        legal_basis_id=other.pk,
    )
    page = verified_client(olga).get(
        reverse("collaboration:case_detail", args=[world.case.reference])
    )
    assert page.status_code == 200
    assert "Moeder vertelt over schulden-xq17" not in page.content.decode()


def test_after_withdrawal_a_newcomer_does_not_receive_what_was_shared_under_it(
    world: Any, verified_client: Any
) -> None:
    ocmw, olga = _newcomer(world)
    consent = _consent(world, [*_current(world), ocmw])
    timeline.timeline_entry_add(
        actor=world.director,
        case=world.case,
        kind="note",
        occurred_on=datetime.date(2026, 11, 3),
        title="Moeder vertelt over schulden-xq18",
        legal_basis_id=consent.pk,
    )
    legal_basis_end(
        actor=world.director, case=world.case, basis_id=consent.pk, reason="Moeder trekt in."
    )
    urgent = _urgent(world, [ocmw])
    participant_add(
        actor=world.director,
        case=world.case,
        user=olga,
        organisation_id=ocmw.pk,
        role_in_case="Budgetbegeleiding",
        legal_basis_id=urgent.pk,
    )
    page = verified_client(olga).get(
        reverse("collaboration:case_detail", args=[world.case.reference])
    )
    assert "Moeder vertelt over schulden-xq18" not in page.content.decode()


def test_a_consent_withdrawn_between_the_check_and_the_save_refuses_the_act(
    world: Any, monkeypatch: Any
) -> None:
    ocmw, olga = _newcomer(world)
    consent = _consent(world, [ocmw])

    def check_then_withdraw(**kwargs: Any) -> Any:
        basis = require_sharing_basis(**kwargs)
        # What a second request (the director withdrawing) does at that moment.
        legal_basis_end(
            actor=world.director, case=world.case, basis_id=consent.pk, reason="Ingetrokken."
        )
        return basis

    monkeypatch.setattr(case_services, "require_sharing_basis", check_then_withdraw)
    with contextlib.suppress(ValidationError):
        participant_add(
            actor=world.director,
            case=world.case,
            user=olga,
            organisation_id=ocmw.pk,
            role_in_case="Budgetbegeleiding",
            legal_basis_id=consent.pk,
        )
    assert not CaseParticipant.objects.filter(case=world.case, user=olga, is_active=True).exists()


def _join_later(world: Any) -> Any:
    """The OCMW joins the case after the meeting, on a consent that covers only the OCMW."""
    ocmw, olga = _newcomer(world)
    participant_add(
        actor=world.director,
        case=world.case,
        user=olga,
        organisation_id=ocmw.pk,
        role_in_case="Budgetbegeleiding",
        legal_basis_id=_consent(world, [ocmw]).pk,
    )
    return olga


def _held_meeting(world: Any, basis: Any, invitees: list[Any]) -> Meeting:
    return meetings.meeting_record(
        actor=world.director,
        case=world.case,
        kind="case",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        place="Veilig Huis",
        invitee_ids=[u.pk for u in invitees],
        legal_basis_id=basis.pk,
    )


def _finalise(world: Any, meeting: Meeting) -> None:
    from collaboration.services.minutes import meeting_finalise

    meeting_finalise(actor=world.director, meeting_id=meeting.pk, actions=[])


def test_minutes_are_not_exported_under_an_ended_basis(world: Any, verified_client: Any) -> None:
    consultation = _consent(world, _current(world))
    meeting = _held_meeting(world, consultation, [world.caw_partner])
    _finalise(world, meeting)
    legal_basis_end(
        actor=world.director, case=world.case, basis_id=consultation.pk, reason="Ingetrokken."
    )
    pdf = verified_client(world.caw_partner).get(
        reverse("live_notes:minutes_pdf", args=[meeting.pk])
    )
    assert pdf.status_code != 200


def test_minutes_are_not_exported_to_a_service_the_basis_does_not_cover(
    world: Any, verified_client: Any
) -> None:
    consultation = _consent(world, _current(world))
    meeting = _held_meeting(world, consultation, [world.caw_partner])
    _finalise(world, meeting)
    newcomer = _join_later(world)
    pdf = verified_client(newcomer).get(reverse("live_notes:minutes_pdf", args=[meeting.pk]))
    assert pdf.status_code != 200


def test_the_meeting_page_is_closed_to_a_service_outside_its_basis(
    world: Any, verified_client: Any
) -> None:
    consultation = _consent(world, _current(world))
    meeting = meetings.meeting_schedule(
        actor=world.director,
        case=world.case,
        kind="case",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        place="Veilig Huis",
        invitee_ids=[world.caw_partner.pk],
        legal_basis_id=consultation.pk,
    )
    newcomer = _join_later(world)
    page = verified_client(newcomer).get(reverse("live_notes:meeting", args=[meeting.pk]))
    assert page.status_code == 404
    # those it covers open it
    invited = verified_client(world.caw_partner).get(
        reverse("live_notes:meeting", args=[meeting.pk])
    )
    assert invited.status_code == 200


def test_attendance_stays_within_the_meetings_basis(world: Any) -> None:
    from collaboration.live_notes.models import Attendance

    consultation = _consent(world, _current(world))
    meeting = meetings.meeting_schedule(
        actor=world.director,
        case=world.case,
        kind="case",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        place="Veilig Huis",
        invitee_ids=[world.caw_partner.pk],
        legal_basis_id=consultation.pk,
    )
    with contextlib.suppress(ValidationError):
        meetings.meeting_prepare(
            actor=world.director,
            meeting_id=meeting.pk,
            agenda=["Veiligheid"],
            attendance={world.caw_partner.pk: "present", _join_later(world).pk: "present"},
            family_present=[],
            started=True,
        )
    assert not Attendance.objects.filter(meeting=meeting, user__email="ocmw@test.example").exists()
    assert Attendance.objects.filter(meeting=meeting, user=world.caw_partner).exists()


@pytest.mark.xfail(
    strict=True,
    reason="HOLE: a flag with its free-text reason reaches every participant service and "
    "mails them, without any basis",
)
def test_a_flag_with_its_reason_is_refused_without_a_basis(world: Any) -> None:
    with pytest.raises(ValidationError):
        flag_services.flag_raise(
            actor=world.caw_partner,
            case=world.case,
            kind="weapons",
            reason="Vader heeft een jachtgeweer in de garage.",
        )


def test_re_adding_a_removed_participant_keeps_the_first_basis_history(world: Any) -> None:
    ocmw, olga = _newcomer(world)
    first = _consent(world, [ocmw])
    participant = participant_add(
        actor=world.director,
        case=world.case,
        user=olga,
        organisation_id=ocmw.pk,
        role_in_case="Budgetbegeleiding",
        legal_basis_id=first.pk,
    )
    participant_remove(
        actor=world.director, case=world.case, participant_id=participant.pk, reason="Afgerond."
    )
    second = _urgent(world, [ocmw])
    participant_add(
        actor=world.director,
        case=world.case,
        user=olga,
        organisation_id=ocmw.pk,
        role_in_case="Budgetbegeleiding",
        legal_basis_id=second.pk,
    )
    access = case_access(user=world.director, reference=world.case.reference, purpose="test")
    under_first = shared_under(access, first.pk)
    under_second = shared_under(access, second.pk)
    assert under_first is not None and under_second is not None
    # Re-added on the second basis: the first consent's answer still names her, as no longer
    # under it; the second names her as under it now.
    assert [(r.name, r.still_under_it) for r in under_first.participants] == [
        (olga.full_name, False)
    ]
    assert [(r.name, r.still_under_it) for r in under_second.participants] == [
        (olga.full_name, True)
    ]


def test_the_consent_of_a_removed_family_member_no_longer_carries_sharing(world: Any) -> None:
    mother = _mother(world)
    consent = _consent(world, [world.caw], member_=mother)
    family_member_remove(
        actor=world.director, case=world.case, member_id=mother.pk, reason="Foutief toegevoegd."
    )
    consent.refresh_from_db()
    assert not consent.usable()


def test_a_basis_does_not_cover_a_service_of_another_region(world: Any) -> None:
    assert world.other_caw.region == Region.LIMBURG
    with pytest.raises(ValidationError):
        _consent(world, [world.caw, world.other_caw])


def test_a_refusal_audits_the_basis_it_was_tried_under(world: Any) -> None:
    ocmw, olga = _newcomer(world)
    consent = _consent(world, [world.caw])
    with pytest.raises(ValidationError):
        participant_add(
            actor=world.director,
            case=world.case,
            user=olga,
            organisation_id=ocmw.pk,
            role_in_case="Budgetbegeleiding",
            legal_basis_id=consent.pk,
        )
    denied = AuditEvent.objects.filter(outcome="denied", extra__refused="not_covered").get()
    assert denied.extra.get("legal_basis_id") == consent.pk


def test_the_register_hides_the_justification_from_services_it_does_not_cover(
    world: Any, verified_client: Any
) -> None:
    from collaboration.models import ConsultationFramework

    _urgent(world, [world.police])  # "Dreiging met een wapen gemeld; ..."
    legal_basis_record(
        actor=world.director,
        case=world.case,
        kind=BasisKind.CONSULTATION,
        organisation_ids=[world.police.pk],
        purpose="Afstemming politie en parket over de klacht van moeder.",
        given_on=datetime.date(2026, 11, 2),
        framework=ConsultationFramework.PROSECUTOR,
        framework_reference="Machtiging PK Gent 2026/118",
        family_informed="no",
        family_informed_note="Vader mag niet weten dat het parket meekijkt.",
    )
    page = verified_client(world.referrer).get(  # the CLB: covered by neither
        reverse("collaboration:legal_bases", args=[world.case.reference])
    )
    assert page.status_code == 200
    text = page.content.decode()
    leaked = [
        s
        for s in ("Dreiging met een wapen", "klacht van moeder", "Vader mag niet weten")
        if s in text
    ]
    assert leaked == []


def test_the_subject_access_export_names_the_recorded_basis(world: Any) -> None:
    from collaboration.subject_access.assembly import assemble_for_family_member

    ocmw, olga = _newcomer(world)
    mother = _mother(world)
    consent = _consent(world, [ocmw], member_=mother)
    participant_add(
        actor=world.director,
        case=world.case,
        user=olga,
        organisation_id=ocmw.pk,
        role_in_case="Budgetbegeleiding",
        legal_basis_id=consent.pk,
    )
    shared = next(s for s in assemble_for_family_member(mother).sections if s.id == "gedeeld")
    row = (
        next(r for r in shared.items[0]["rijen"] if r.get("Aan") == "OCMW Test")
        if (shared.items and "rijen" in shared.items[0])
        else next(r for r in shared.items if r.get("Aan") == "OCMW Test")
    )
    assert "Toestemming" in str(row["Rechtsgrond"])


# --- attacks that held --------------------------------------------------------------------


def test_a_basis_of_another_case_is_refused(world: Any) -> None:
    from collaboration.services.referrals import referral_accept, referral_submit
    from tests.factories.cases import referral_data

    referral = referral_submit(actor=world.referrer, **referral_data(world.clb))
    other_case = referral_accept(
        actor=world.coordinator, referral=referral, case_director=world.director
    )
    foreign = LegalBasis.objects.create(
        case=other_case,
        kind=BasisKind.URGENT,
        purpose="Elders.",
        given_on=datetime.date(2026, 11, 2),
        review_due_at=timezone.now() + datetime.timedelta(hours=24),
        created_by=world.director,
    )
    foreign.organisations.add(world.caw, world.police, world.clb)
    with pytest.raises(ValidationError) as error:
        timeline.timeline_entry_add(
            actor=world.director,
            case=world.case,
            kind="note",
            occurred_on=datetime.date(2026, 11, 3),
            title="x",
            legal_basis_id=foreign.pk,
        )
    assert "grondslag" in str(error.value)
    assert not TimelineEntry.objects.filter(case=world.case, title="x").exists()


@pytest.mark.parametrize("value", ["abc", "1e3", "-1", "99999999999999999999", "1; DROP"])
def test_tampered_basis_values_give_a_form_error_not_a_500(
    world: Any, verified_client: Any, value: str
) -> None:
    client = verified_client(world.director)
    response = client.post(
        reverse("collaboration:timeline_add", args=[world.case.reference]),
        {
            "kind": "note",
            "occurred_on": "2026-11-03",
            "title": "Manipulatie",
            "visibility": "all",
            "legal_basis": value,
        },
    )
    assert response.status_code in (200, 400)
    assert not TimelineEntry.objects.filter(title="Manipulatie").exists()


@pytest.mark.parametrize("basis_id", ["abc", "0", "99999999999999999999"])
def test_basis_pages_with_bad_ids_are_not_found(
    world: Any, verified_client: Any, basis_id: str
) -> None:
    client = verified_client(world.director)
    url = f"/samenwerking/dossiers/{world.case.reference}/grondslagen/{basis_id}/"
    assert client.get(url).status_code == 404


def test_register_of_a_case_is_not_found_for_an_outsider(world: Any, verified_client: Any) -> None:
    consent = _consent(world, [world.caw])
    client = verified_client(world.outsider_member)
    register = client.get(reverse("collaboration:legal_bases", args=[world.case.reference]))
    detail = client.get(
        reverse("collaboration:legal_basis_detail", args=[world.case.reference, consent.pk])
    )
    missing = client.get(reverse("collaboration:legal_bases", args=["VH-OVL-2099-9999"]))
    assert register.status_code == detail.status_code == missing.status_code == 404
    assert register.content == missing.content


def test_restricted_entry_title_is_hidden_on_the_basis_page(
    world: Any, verified_client: Any
) -> None:
    consent = _consent(world, _current(world))
    timeline.timeline_entry_add(
        actor=world.director,
        case=world.case,
        kind="note",
        occurred_on=datetime.date(2026, 11, 3),
        title="Alleen politie-zq55",
        visibility="audience",
        organisation_ids=[world.police.pk],
        legal_basis_id=consent.pk,
    )
    url = reverse("collaboration:legal_basis_detail", args=[world.case.reference, consent.pk])
    caw_page = verified_client(world.caw_partner).get(url).content.decode()
    assert "Alleen politie-zq55" not in caw_page
    assert "beperkte zichtbaarheid" in caw_page
    assert "Alleen politie-zq55" in verified_client(world.police_partner).get(url).content.decode()


def test_purpose_and_reasons_stay_out_of_audit_and_mail(world: Any, mailoutbox: Any) -> None:
    consent = _consent(world, [world.caw])
    legal_basis_end(
        actor=world.director, case=world.case, basis_id=consent.pk, reason="Reden-geheim-8812."
    )
    for event in AuditEvent.objects.all():
        text = f"{event.extra} {event.purpose}"
        assert "uniek-doel-7731" not in text and "Reden-geheim-8812" not in text
    for message in mailoutbox:
        assert "uniek-doel-7731" not in message.body + message.subject
        assert "Reden-geheim-8812" not in message.body + message.subject
    recorded = AuditEvent.objects.get(action=AuditAction.LEGAL_BASIS_RECORDED)
    assert recorded.extra["legal_basis_id"] == consent.pk


def test_the_director_and_the_invoker_may_not_review_an_urgent_necessity(world: Any) -> None:
    urgent = _urgent(world, [world.police], actor=world.coordinator)
    for who in (world.director, world.coordinator):
        with pytest.raises((ValidationError, NotFoundOrNotAllowed)):
            urgent_review(actor=who, case=world.case, basis_id=urgent.pk, outcome="confirmed")
    with pytest.raises(NotFoundOrNotAllowed):
        urgent_review(
            actor=world.caw_partner, case=world.case, basis_id=urgent.pk, outcome="confirmed"
        )


def test_urgent_review_deadline_is_24_real_hours_across_the_dst_change(world: Any) -> None:
    import time_machine

    # 29 March 2026, 01:30 UTC: half an hour before Brussels goes to summer time.
    with time_machine.travel(
        datetime.datetime(2026, 3, 28, 1, 30, tzinfo=datetime.UTC), tick=False
    ):
        urgent = _urgent(world, [world.police], given_on=datetime.date(2026, 3, 28))
    assert urgent.review_due_at == datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)
    assert urgent.usable(datetime.datetime(2026, 3, 29, 1, 29, tzinfo=datetime.UTC))
    assert not urgent.usable(datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC))


def test_future_dates_and_huge_text_are_refused_in_dutch(world: Any) -> None:
    mother = _mother(world)
    with pytest.raises(ValidationError) as error:
        legal_basis_record(
            actor=world.director,
            case=world.case,
            kind=BasisKind.CONSENT,
            organisation_ids=[world.caw.pk],
            purpose="x" * 5000,
            given_on=timezone.localdate(),
            consent_of_id=mother.pk,
            consent_recorded="signed",
        )
    assert "te lang" in str(error.value)
    with pytest.raises(ValidationError) as error:
        legal_basis_record(
            actor=world.director,
            case=world.case,
            kind=BasisKind.CONSENT,
            organisation_ids=[world.caw.pk],
            purpose="ok",
            given_on=timezone.localdate() + datetime.timedelta(days=1),
            consent_of_id=mother.pk,
            consent_recorded="signed",
        )
    assert "toekomst" in str(error.value)


def test_a_removed_family_member_cannot_give_consent(world: Any) -> None:
    mother = _mother(world)
    family_member_remove(
        actor=world.director, case=world.case, member_id=mother.pk, reason="Foutief toegevoegd."
    )
    with pytest.raises(ValidationError) as error:
        _consent(world, [world.caw], member_=mother)
    assert "toestemming" in str(error.value)


def test_end_and_review_pages_are_not_found_for_the_wrong_people(
    world: Any, verified_client: Any
) -> None:
    consent = _consent(world, [world.caw])
    urgent = _urgent(world, [world.police])
    end = reverse("collaboration:legal_basis_end", args=[world.case.reference, consent.pk])
    review = reverse("collaboration:legal_basis_review", args=[world.case.reference, urgent.pk])
    review_consent = reverse(
        "collaboration:legal_basis_review", args=[world.case.reference, consent.pk]
    )
    partner = verified_client(world.caw_partner)
    assert partner.get(end).status_code == 404
    assert partner.post(end, {"reason": "Ik trek dit in."}).status_code == 404
    assert verified_client(world.director).get(review).status_code == 404
    coordinator = verified_client(world.coordinator)
    assert coordinator.get(review_consent).status_code == 404
    assert coordinator.get(review).status_code == 200
    consent.refresh_from_db()
    assert not consent.is_ended


def test_a_partner_may_not_register_or_end_a_basis(world: Any) -> None:
    consent = _consent(world, [world.caw])
    with pytest.raises(NotFoundOrNotAllowed):
        legal_basis_record(
            actor=world.caw_partner,
            case=world.case,
            kind=BasisKind.URGENT,
            organisation_ids=[world.caw.pk],
            purpose="x",
            given_on=datetime.date(2026, 11, 2),
        )
    with pytest.raises(NotFoundOrNotAllowed):
        legal_basis_end(
            actor=world.caw_partner, case=world.case, basis_id=consent.pk, reason="Ik wil dit."
        )
