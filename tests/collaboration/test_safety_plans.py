"""Safety plans (issue 17 item 3): per person at risk, every save a new version with the earlier
ones kept, each shared on a legal basis (seen by the services it covers, the case director and
the coordinators), printable as a PDF for the person with a neutral title and no case reference
(recorded as printed). Refusals: someone not on the case (not found, audited), an empty plan, a
save from an older version, a person of another case, a closed case, no basis or a withdrawn
one; nothing is saved. The basis rules themselves are in test_safety_plan_bases.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import SAFETY_PLAN_FIELDS, FamilyMember, SafetyPlan
from collaboration.services.safety_plans import safety_plan_pdf, safety_plan_save
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.legal_bases import standing_basis
from tests.retention.full_case import pdf_text

pytestmark = pytest.mark.django_db

SIGNS = "Hij begint te roepen over geld en gooit met deuren"
PLACE = "Bij buurvrouw Fictiefhof, sleutel onder de bloempot"
PHONE = "Tante Ria Fictief 0470 00 00 99"


@pytest.fixture
def mother(world: Any) -> FamilyMember:
    return FamilyMember.objects.create(
        case=world.case, name="Mira Fictiefnaam", birth_year=1988, family_role="mother"
    )


def _save(world: Any, member: FamilyMember, based_on: int = 0, **values: str) -> SafetyPlan:
    return safety_plan_save(
        actor=values.pop("actor", world.caw_partner),  # type: ignore[arg-type]
        case=world.case,
        family_member_id=member.pk,
        values=values or {"warning_signs": SIGNS, "safe_places": PLACE},
        based_on=based_on,
        legal_basis_id=standing_basis(world.case),
    )


@pytest.mark.parametrize("who", ["director", "coordinator", "caw_partner"])
def test_director_coordinator_and_participant_save_a_plan(world, mother, who) -> None:
    plan = _save(world, mother, actor=getattr(world, who))
    assert (plan.version, plan.is_current, plan.saved_by) == (1, True, getattr(world, who))
    event = AuditEvent.objects.get(action=AuditAction.SAFETY_PLAN_SAVED)
    assert event.extra == {
        "family_member": mother.pk,
        "version": 1,
        "fields": ["warning_signs", "safe_places"],
        "legal_basis_id": standing_basis(world.case),
    }
    assert SIGNS not in str(event.__dict__) and PLACE not in str(event.__dict__)


def test_every_save_is_a_new_version_and_the_history_stays(world, mother) -> None:
    first = _save(world, mother)
    second = _save(world, mother, based_on=1, warning_signs=SIGNS, trusted_people=PHONE)
    first.refresh_from_db()
    assert (first.version, first.is_current, first.safe_places) == (1, False, PLACE)
    assert (second.version, second.is_current, second.safe_places) == (2, True, "")
    assert AuditEvent.objects.filter(action=AuditAction.SAFETY_PLAN_SAVED).latest("id").extra[
        "fields"
    ] == ["safe_places", "trusted_people"]


@pytest.mark.parametrize("who", ["caw_colleague", "outsider_member", "privacy"])
def test_someone_not_on_the_case_is_refused_as_not_found_and_audited(world, mother, who) -> None:
    with pytest.raises(NotFoundOrNotAllowed):
        _save(world, mother, actor=getattr(world, who))
    assert not SafetyPlan.objects.exists()
    denial = AuditEvent.objects.get(actor=getattr(world, who), outcome=Outcome.DENIED)
    assert denial.extra == {"change": "safety_plan"}


def test_refusals_save_nothing(world, mother) -> None:
    with pytest.raises(ValidationError, match="minstens één onderdeel"):
        _save(world, mother, warning_signs="   ")
    _save(world, mother)
    with pytest.raises(ValidationError, match="intussen bewaard"):
        _save(world, mother, based_on=0, warning_signs="Een andere versie")
    with pytest.raises(ValidationError, match="niets gewijzigd"):
        _save(world, mother, based_on=1, warning_signs=SIGNS, safe_places=PLACE)
    with pytest.raises(ValidationError, match="4000"):
        _save(world, mother, based_on=1, warning_signs="x" * 4001)
    removed = FamilyMember.objects.create(
        case=world.case, name="Weg Fictief", family_role="child", removed_at="2026-01-01T10:00Z"
    )
    with pytest.raises(ValidationError, match="gezinslid"):
        _save(world, removed)
    assert SafetyPlan.objects.count() == 1
    world.case.phase = "closed"
    world.case.closing_summary = "Afgesloten"
    world.case.save()
    with pytest.raises(ValidationError, match="afgesloten"):
        _save(world, mother, based_on=1, warning_signs="Nieuw")
    assert SafetyPlan.objects.count() == 1


def test_the_pdf_has_a_neutral_title_and_no_case_reference_name_or_service(world, mother) -> None:
    plan = _save(world, mother, warning_signs=SIGNS, trusted_people=PHONE)
    pdf = safety_plan_pdf(plan)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Mijn plan" in text and "Waarschuwingssignalen" in text
    assert "Fictief 0470 00 00 99" in text  # the plan itself
    for forbidden in (world.case.reference, "VH-", "Mira", "Veilig Huis", "CAW", "Vertrouwelijk"):
        assert forbidden not in text, forbidden
    assert pdf == safety_plan_pdf(plan)  # reproducible (no creation time)
    assert pdf_text(safety_plan_pdf(None)).count("Mijn plan") >= 1  # the empty form


def test_the_pages_show_the_plan_its_versions_and_print_it(world, mother, verified_client) -> None:
    _save(world, mother, warning_signs="Eerste versie van de signalen")
    _save(world, mother, based_on=1, warning_signs=SIGNS, trusted_people=PHONE)
    client = verified_client(world.police_partner)  # a participant who did not write it
    case_page = client.get(reverse("collaboration:case_detail", args=[world.case.reference]))
    body = case_page.content.decode()
    assert "Veiligheidsplan: <a" in body and "versie 2 van" in body
    page = client.get(reverse("collaboration:safety_plan", args=[world.case.reference, mother.pk]))
    text = page.content.decode()
    assert SIGNS in text and PHONE in text and "Eerste versie van de signalen" in text
    assert "Huidige versie" in text
    pdf = client.get(
        reverse("collaboration:safety_plan_pdf", args=[world.case.reference, mother.pk])
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "mijn-plan.pdf" in pdf["Content-Disposition"]
    assert world.case.reference not in pdf["Content-Disposition"]
    printed = AuditEvent.objects.get(action=AuditAction.PRINTED, actor=world.police_partner)
    assert printed.object_type == "safety_plan"
    assert printed.extra == {
        "family_member": mother.pk,
        "version": 2,
        "legal_basis_id": standing_basis(world.case),
    }
    assert printed.outcome == Outcome.ALLOWED


def test_the_pdf_of_a_person_of_another_case_is_not_found_and_recorded(
    world, mother, verified_client
) -> None:
    from collaboration.services.referrals import referral_accept, referral_submit
    from tests.factories.cases import referral_data

    other = referral_accept(
        actor=world.coordinator,
        referral=referral_submit(actor=world.referrer, **referral_data(world.clb)),
        case_director=world.coordinator,
    )
    stranger = FamilyMember.objects.create(case=other, name="Elders Fictief", family_role="child")
    client = verified_client(world.caw_partner)
    for name in ("safety_plan_pdf", "safety_plan", "safety_plan_edit"):
        response = client.get(
            reverse(f"collaboration:{name}", args=[world.case.reference, stranger.pk])
        )
        assert response.status_code == 404, name
    assert AuditEvent.objects.filter(action=AuditAction.PRINTED, outcome=Outcome.DENIED).exists()
    outsider = verified_client(world.caw_colleague)
    url = reverse("collaboration:safety_plan_pdf", args=[world.case.reference, mother.pk])
    assert outsider.get(url).status_code == 404
    assert not AuditEvent.objects.filter(
        action=AuditAction.PRINTED, outcome=Outcome.ALLOWED
    ).exists()


def test_the_form_saves_a_new_version_and_refuses_a_stale_one(
    world, mother, verified_client
) -> None:
    client = verified_client(world.caw_partner)
    url = reverse("collaboration:safety_plan_edit", args=[world.case.reference, mother.pk])
    form = client.get(url).content.decode()
    assert 'name="based_on" value="0"' in form and "Mira Fictiefnaam" in form
    empty = {name: "" for name in SAFETY_PLAN_FIELDS} | {"legal_basis": standing_basis(world.case)}
    response = client.post(url, {**empty, "warning_signs": SIGNS, "based_on": "0"})
    assert response.status_code == 302
    assert 'name="based_on" value="1"' in client.get(url).content.decode()
    stale = client.post(url, {**empty, "warning_signs": "Iets anders", "based_on": "0"})
    assert stale.status_code == 200 and "intussen bewaard" in stale.content.decode()
    assert "Iets anders" in stale.content.decode()  # what was typed is kept
    assert SafetyPlan.objects.count() == 1


def test_case_page_queries_do_not_grow_with_plans(world, verified_client) -> None:
    client = verified_client(world.director)
    url = reverse("collaboration:case_detail", args=[world.case.reference])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def grow(n: int) -> None:
        for i in range(n):
            member = FamilyMember.objects.create(
                case=world.case, name=f"Lid {i} Fictief", family_role="child"
            )
            _save(world, member)
            _save(world, member, based_on=1, warning_signs="Tweede")

    grow(1)
    small = count()
    grow(5)
    assert count() == small


def test_the_subject_access_export_holds_the_persons_plans_and_assessments(world, mother) -> None:
    """Her plans (every version) and the assessments of the family and of her; not her child's
    plan or assessment; other names redacted; a police service's assessment held."""
    from collaboration.models import RiskInstrument
    from collaboration.risk_instruments import DEMO_INSTRUMENT, load_instrument_file
    from collaboration.services.risk import risk_assess
    from collaboration.subject_access.assembly import assemble_for_family_member

    child = FamilyMember.objects.create(
        case=world.case, name="Kobe Fictiefkind", family_role="child"
    )
    _save(world, mother, warning_signs=f"{SIGNS}; Kobe Fictiefkind huilt")
    _save(world, mother, based_on=1, warning_signs=SIGNS, trusted_people=PHONE)
    _save(world, child, warning_signs="Plan van het kind")
    instrument = RiskInstrument.objects.filter(is_active=True).first() or load_instrument_file(
        DEMO_INSTRUMENT
    )
    answers = {q.key: "no" for q in instrument.questions.all()}

    def assess(actor: Any, member: Any, reason: str) -> None:
        risk_assess(
            actor=actor,
            case=world.case,
            instrument_id=instrument.pk,
            answers=answers,
            family_member_id=member.pk if member else None,
            judged_level="raised",
            override_reason=reason,
        )

    assess(world.director, None, "Het gezin als geheel (fictief)")
    assess(world.caw_partner, mother, "Over moeder, Kobe Fictiefkind is bang")
    assess(world.caw_partner, child, "Over het kind alleen")
    assess(world.police_partner, mother, "Wijkagent meldt dreiging")
    export = assemble_for_family_member(mother)
    sections = {s.id: s for s in export.sections}
    plans = sections["veiligheidsplan"].items
    assert len(plans) == 2 and PHONE in str(plans[1])
    assert "Plan van het kind" not in str(export.as_json())
    risk = str(sections["risicotaxatie"].items)
    assert "Het gezin als geheel (fictief)" in risk and "Over moeder" in risk
    assert "Over het kind alleen" not in risk
    assert "Kobe Fictiefkind" not in str(export.as_json())  # redacted
    assert "Wijkagent meldt dreiging" not in str(export.as_json())
    assert [h.section for h in export.held if "Wijkagent meldt dreiging" in str(h.content)] == [
        "risicotaxatie"
    ]
