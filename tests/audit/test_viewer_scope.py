"""The audit viewer is scoped to the officer's regions and follows the one membership rule
(issue 12, item 7): an Oost-Vlaanderen officer never reads a Limburg break-the-glass
justification, and the viewer closes as soon as the officer's organisation or membership is
switched off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from collaboration.models import Case, Membership, Organisation, Region, Role
from collaboration.services.cases import break_the_glass
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.organisations import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Limburg: melding van acuut gevaar voor een kind, politie ter plaatse"


@pytest.fixture
def limburg(world: Any, make_user: Callable[..., Any]) -> dict[str, Any]:
    vh = OrganisationFactory(
        name="Veilig Huis Limburg Test", kind="veilig_huis", sector="welfare", region=Region.LIMBURG
    )
    officer = make_user(email="privacy@limburg.example")
    director = make_user(email="regie@limburg.example")
    MembershipFactory(user=officer, organisation=vh, role=Role.PRIVACY_OFFICER)
    MembershipFactory(user=director, organisation=vh, role=Role.CASE_DIRECTOR)
    case = Case.objects.create(
        reference="VH-LIM-2026-0001", region=Region.LIMBURG, case_director=director
    )
    break_the_glass(actor=officer, reference=case.reference, justification=JUSTIFICATION)
    return {"officer": officer, "case": case}


def _export(client: Client) -> str:
    response = client.get(reverse("audit:export"))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_an_officer_reads_only_the_events_of_their_regions(
    world: Any,
    limburg: dict[str, Any],
    verified_client: Callable[..., Client],
) -> None:
    ovl_reference = world.case.reference
    own = verified_client(world.coordinator)
    assert own.get(reverse("collaboration:case_detail", args=[ovl_reference])).status_code == 200
    # a person of the region probing a reference that does not exist: the officer's business
    own.get(reverse("collaboration:case_detail", args=["VH-OVL-1999-0001"]))

    officer = verified_client(world.privacy)
    page = officer.get(reverse("audit:log"))
    assert page.status_code == 200
    html = page.content.decode()
    shown = {row.event.case_reference for row in page.context["rows"]}
    assert ovl_reference in shown and "VH-OVL-1999-0001" in shown
    assert limburg["case"].reference not in shown and JUSTIFICATION not in html
    # asking for the other region by name does not help
    other = officer.get(reverse("audit:log"), {"case": limburg["case"].reference})
    assert list(other.context["rows"]) == []
    exported = _export(officer)
    assert ovl_reference in exported
    assert JUSTIFICATION not in exported and limburg["case"].reference not in exported
    assert "privacy@limburg.example" not in exported

    # the Limburg officer reads their own region, not Oost-Vlaanderen
    theirs = _export(verified_client(limburg["officer"]))
    assert JUSTIFICATION in theirs and ovl_reference not in theirs


def test_failed_sign_ins_in_a_region_persons_name_reach_that_region(
    world: Any,
    limburg: dict[str, Any],
    verified_client: Callable[..., Client],
) -> None:
    from portal.audit.writer import record_event

    for label in (world.caw_partner.email.upper(), "privacy@limburg.example"):
        record_event(action=AuditAction.SIGN_IN_FAILED, outcome=Outcome.DENIED, actor_label=label)
    page = verified_client(world.privacy).get(
        reverse("audit:log"), {"action": int(AuditAction.SIGN_IN_FAILED)}
    )
    labels = {row.event.actor_label for row in page.context["rows"]}
    assert labels == {world.caw_partner.email.upper()}


@pytest.mark.parametrize("switch_off", ["organisation", "membership"])
def test_the_viewer_closes_when_the_officers_organisation_is_switched_off(
    world: Any,
    verified_client: Callable[..., Client],
    switch_off: str,
) -> None:
    officer = verified_client(world.privacy)
    assert officer.get(reverse("audit:log")).status_code == 200
    if switch_off == "organisation":
        Organisation.objects.filter(pk=world.vh.pk).update(is_active=False)
    else:
        Membership.objects.filter(user=world.privacy).update(is_active=False)
    assert officer.get(reverse("audit:log")).status_code == 404
    assert officer.get(reverse("audit:export")).status_code == 404
    assert AuditEvent.objects.filter(actor=world.privacy, outcome=Outcome.DENIED).count() == 2
