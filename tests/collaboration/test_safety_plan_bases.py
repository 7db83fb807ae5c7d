"""A safety plan is shared on a legal basis, like a timeline entry (issue 17 item 3: "shared
with the participants the basis allows"; docs/legal-basis.md).

Saving without a basis, or under a withdrawn consent, is refused in Dutch with nothing saved;
the save's audit record carries the basis id. A participant whose service the basis does not
cover sees no plan: not on the plan page, not on the case page's line, not in the PDF (refused
exactly as a person who is not in the case); a version they are not covered for is missing from
the history, and they cannot build a new version on it. A covered participant, the case
director and the coordinators see it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import SAFETY_PLAN_FIELDS, BasisKind, FamilyMember, LegalBasis, SafetyPlan
from collaboration.services.legal_bases import legal_basis_end, legal_basis_record
from collaboration.services.safety_plans import safety_plan_save
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.legal_bases import standing_basis

pytestmark = pytest.mark.django_db

SIGNS = "Hij begint te roepen over geld en gooit met deuren (fictief)"
SIGNS_V2 = "Hij zoekt haar op aan de schoolpoort (fictief)"
PLACE = "Bij buurvrouw Fictiefhof, sleutel onder de bloempot"


@pytest.fixture
def mother(world: Any) -> FamilyMember:
    return FamilyMember.objects.create(
        case=world.case, name="Mira Fictiefnaam", birth_year=1988, family_role="mother"
    )


def _consent(world: Any, mother: FamilyMember, organisations: list[Any]) -> LegalBasis:
    """The mother's consent to share with ``organisations`` (and Veilig Huis)."""
    return legal_basis_record(
        actor=world.director,
        case=world.case,
        kind=BasisKind.CONSENT,
        organisation_ids=[o.pk for o in [world.vh, *organisations]],
        purpose="Haar veiligheidsplan delen met de hulpverlening (fictief).",
        given_on=datetime.date(2026, 11, 2),
        consent_of_id=mother.pk,
        consent_recorded="signed",
    )


def _save(
    world: Any,
    member: FamilyMember,
    basis_id: int | None,
    *,
    actor: Any = None,
    based_on: int = 0,
    signs: str = SIGNS,
) -> SafetyPlan:
    return safety_plan_save(
        actor=actor or world.director,
        case=world.case,
        family_member_id=member.pk,
        values={"warning_signs": signs, "safe_places": PLACE},
        based_on=based_on,
        legal_basis_id=basis_id,
    )


def _urls(world: Any, member_id: int) -> dict[str, str]:
    ref = world.case.reference
    return {
        name: reverse(f"collaboration:{name}", args=[ref, member_id])
        for name in ("safety_plan", "safety_plan_pdf", "safety_plan_edit")
    }


def _case_page(client: Client, world: Any) -> str:
    response = client.get(reverse("collaboration:case_detail", args=[world.case.reference]))
    assert response.status_code == 200
    return response.content.decode()


# --- saving --------------------------------------------------------------------------------


def test_saving_without_a_basis_is_refused_in_dutch_and_audited(world, mother) -> None:
    with pytest.raises(ValidationError, match="Kies de grondslag waarop u deelt"):
        _save(world, mother, None)
    with pytest.raises(ValidationError, match="Kies de grondslag waarop u deelt"):
        _save(world, mother, 999_999)  # not a basis of this case
    assert not SafetyPlan.objects.exists()
    denied = AuditEvent.objects.filter(
        outcome=Outcome.DENIED, extra__change="safety_plan", extra__refused="no_basis"
    )
    assert denied.count() == 2
    assert not AuditEvent.objects.filter(action=AuditAction.SAFETY_PLAN_SAVED).exists()


def test_the_form_asks_for_the_basis_and_refuses_without_one(
    world, mother, verified_client
) -> None:
    consent = _consent(world, mother, [world.caw])
    ended = _consent(world, mother, [world.police])
    legal_basis_end(actor=world.director, case=world.case, basis_id=ended.pk, reason="Fictief")
    client = verified_client(world.caw_partner)
    url = _urls(world, mother.pk)["safety_plan_edit"]
    form = client.get(url).content.decode()
    assert 'name="legal_basis"' in form and "Grondslag voor het delen" in form
    assert f'value="{consent.pk}"' in form  # in force: offered
    assert f'value="{ended.pk}"' not in form  # withdrawn: not offered
    data = {name: "" for name in SAFETY_PLAN_FIELDS} | {"warning_signs": SIGNS, "based_on": "0"}
    refused = client.post(url, data)
    assert (
        refused.status_code == 200
        and "Kies de grondslag waarop u deelt" in refused.content.decode()
    )
    assert SIGNS in refused.content.decode()  # what was typed is kept
    assert not SafetyPlan.objects.exists()
    assert client.post(url, data | {"legal_basis": consent.pk}).status_code == 302
    assert SafetyPlan.objects.get().legal_basis == consent


def test_saving_under_a_withdrawn_consent_is_refused_and_nothing_is_saved(world, mother) -> None:
    consent = _consent(world, mother, [world.caw, world.police])
    _save(world, mother, consent.pk)
    legal_basis_end(
        actor=world.director, case=world.case, basis_id=consent.pk, reason="Moeder trekt in"
    )
    with pytest.raises(ValidationError, match="ingetrokken of beëindigd"):
        _save(world, mother, consent.pk, based_on=1, signs=SIGNS_V2)
    assert list(SafetyPlan.objects.values_list("version", "warning_signs")) == [(1, SIGNS)]
    assert AuditEvent.objects.filter(
        outcome=Outcome.DENIED, extra__change="safety_plan", extra__refused="basis_ended"
    ).exists()


def test_the_audit_record_of_the_save_carries_the_basis_id(world, mother) -> None:
    consent = _consent(world, mother, [world.caw])
    plan = _save(world, mother, consent.pk, actor=world.caw_partner)
    assert plan.legal_basis_id == consent.pk
    event = AuditEvent.objects.get(action=AuditAction.SAFETY_PLAN_SAVED)
    assert event.extra["legal_basis_id"] == consent.pk
    assert (event.object_type, event.object_id) == ("safety_plan", str(plan.pk))


# --- who sees it ---------------------------------------------------------------------------


def test_a_participant_outside_the_consent_does_not_see_the_plan_a_covered_one_does(
    world, mother, verified_client
) -> None:
    """The consent covers the CAW, not the police: the police partner sees no plan anywhere,
    and the PDF is refused exactly as for a person who is not in the case."""
    consent = _consent(world, mother, [world.caw])
    _save(world, mother, consent.pk)
    urls = _urls(world, mother.pk)

    police = verified_client(world.police_partner)
    body = _case_page(police, world)
    assert "Veiligheidsplan: nog geen" in body and "versie 1 van" not in body
    assert urls["safety_plan_pdf"] not in body and urls["safety_plan_edit"] not in body
    page = police.get(urls["safety_plan"])
    assert page.status_code == 200
    text = page.content.decode()
    assert SIGNS not in text and PLACE not in text and "Huidige versie" not in text
    assert urls["safety_plan_pdf"] not in text and urls["safety_plan_edit"] not in text
    assert police.get(urls["safety_plan_edit"]).status_code == 404
    refused = police.get(urls["safety_plan_pdf"])
    missing = police.get(_urls(world, 999_999)["safety_plan_pdf"])
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert refused.get("Content-Type") == missing.get("Content-Type")
    printed = AuditEvent.objects.filter(action=AuditAction.PRINTED, actor=world.police_partner)
    assert set(printed.values_list("outcome", flat=True)) == {Outcome.DENIED}
    assert printed.filter(extra={"family_member": mother.pk}).exists()  # no version named

    for who in ("caw_partner", "director", "coordinator"):
        client = verified_client(getattr(world, who))
        assert "Veiligheidsplan: <a" in _case_page(client, world), who
        assert SIGNS in client.get(urls["safety_plan"]).content.decode(), who
        pdf = client.get(urls["safety_plan_pdf"])
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf", who
    printed = AuditEvent.objects.get(
        action=AuditAction.PRINTED, actor=world.caw_partner, outcome=Outcome.ALLOWED
    )
    assert printed.extra["legal_basis_id"] == consent.pk


def test_the_history_hides_the_versions_a_service_is_not_covered_for(
    world, mother, verified_client
) -> None:
    """Version 1 on the standing consultation (every service), version 2 on a consent for the
    CAW only: the police partner reads version 1 in the history, never version 2, sees no
    current plan (not version 1 in its place), prints nothing and cannot build version 3 on a
    version they never saw."""
    _save(world, mother, standing_basis(world.case))
    consent = _consent(world, mother, [world.caw])
    _save(world, mother, consent.pk, actor=world.caw_partner, based_on=1, signs=SIGNS_V2)
    urls = _urls(world, mother.pk)

    police = verified_client(world.police_partner)
    text = police.get(urls["safety_plan"]).content.decode()
    assert 'id="versie-1"' in text and SIGNS in text
    assert 'id="versie-2"' not in text and SIGNS_V2 not in text
    assert "Huidige versie" not in text
    assert "Veiligheidsplan: nog geen" in _case_page(police, world)
    assert police.get(urls["safety_plan_pdf"]).status_code == 404
    assert police.get(urls["safety_plan_edit"]).status_code == 404
    for based_on in (1, 2):
        with pytest.raises(NotFoundOrNotAllowed):
            _save(
                world,
                mother,
                standing_basis(world.case),
                actor=world.police_partner,
                based_on=based_on,
                signs="Overschreven",
            )
    assert SafetyPlan.objects.count() == 2
    assert (
        AuditEvent.objects.filter(
            actor=world.police_partner, outcome=Outcome.DENIED, extra__refused="version_not_shared"
        ).count()
        == 2
    )

    caw = verified_client(world.caw_partner)
    text = caw.get(urls["safety_plan"]).content.decode()
    assert SIGNS in text and SIGNS_V2 in text and "Huidige versie" in text
    assert f"gedeeld op grondslag #{consent.pk}" in text


def test_a_version_from_before_the_register_stays_visible(world, mother, verified_client) -> None:
    """Like an entry without a basis: a version saved before plans named one is seen by
    every participant, as before."""
    _save(world, mother, standing_basis(world.case))
    SafetyPlan.objects.update(legal_basis=None)
    police = verified_client(world.police_partner)
    assert SIGNS in police.get(_urls(world, mother.pk)["safety_plan"]).content.decode()
    assert "Veiligheidsplan: <a" in _case_page(police, world)


def test_the_basis_page_lists_the_plan_versions_shared_under_it(
    world, mother, verified_client
) -> None:
    """After a withdrawal the coordinator sees who received what: the plan's versions too."""
    consent = _consent(world, mother, [world.caw])
    _save(world, mother, consent.pk, actor=world.caw_partner)
    _save(world, mother, standing_basis(world.case), based_on=1, signs=SIGNS_V2)
    url = reverse("collaboration:legal_basis_detail", args=[world.case.reference, consent.pk])
    text = verified_client(world.coordinator).get(url).content.decode()
    assert "Versie 1 van het plan van Mira Fictiefnaam" in text
    assert "Versie 2 van het plan" not in text  # shared on another basis
