"""Subject access in headless Chromium: a privacy officer signs in through the real sign-in
pages, registers a request for the father, assembles it and withholds the police entry; a
second privacy officer of the region releases it; the PDF is downloaded and its text read.
Axe (WCAG 2.2 AA) runs on every page visited."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from playwright.sync_api import expect

from collaboration.models import (
    Case,
    CaseParticipant,
    FamilyMember,
    Membership,
    Role,
    SubjectAccessRequest,
    SubjectAccessStatus,
)
from collaboration.services import timeline
from tests.browser.journeys import Journey
from tests.factories.legal_bases import standing_basis
from tests.factories.worlds import Person, build_agencies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FATHER = "Tom Pompelmoes"
MOTHER = "Els Zonnebloem"
POLICE_TITLE = "Proces-verbaal Kwispelstaart"


def _case(people: Any) -> Case:
    case = Case.objects.create(
        reference="VH-OVL-2026-0901", region="oost-vlaanderen", case_director=people.director.user
    )
    CaseParticipant.objects.create(
        case=case,
        user=people.police_partner.user,
        organisation=people.police,
        role_in_case="Sociale cel",
    )
    FamilyMember.objects.create(case=case, name=FATHER, birth_year=1984, family_role="father")
    FamilyMember.objects.create(case=case, name=MOTHER, birth_year=1986, family_role="mother")
    day = dt.date(2026, 1, 5)
    timeline.timeline_entry_add(
        actor=people.director.user,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="introduction",
        occurred_on=day,
        title="Kennismaking thuis",
        body=f"Gesprek met {MOTHER} en Tom.",
    )
    timeline.timeline_entry_add(
        actor=people.police_partner.user,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="police",
        occurred_on=day,
        title=POLICE_TITLE,
        body="Verhoor (fictief).",
        visibility="audience",
        sectors=["police"],
    )
    return case


def test_register_withhold_release_by_a_second_officer_and_read_the_pdf(
    browser: Any, live_server: Any, make_user: Any, make_device: Any, tmp_path: Any
) -> None:
    from pypdf import PdfReader

    people = build_agencies()
    case = _case(people)
    user = make_user(email="bert@vh.example", full_name="Bert Bewaker")
    Membership.objects.create(user=user, organisation=people.veilig_huis, role=Role.PRIVACY_OFFICER)
    second = Person(user=user, device=make_device(user), organisation=people.veilig_huis)

    journey = Journey(browser, live_server.url)
    try:
        page = journey.sign_in(people.privacy, "/audit/inzage/")
        page.get_by_role("heading", name="Inzageverzoeken").wait_for()
        journey.axe(page)
        page.get_by_role("link", name="Nieuw verzoek registreren").click()
        page.get_by_role("heading", name="Nieuw inzageverzoek").wait_for()
        journey.axe(page)
        page.get_by_label("Dossiernummer").fill(case.reference)
        page.get_by_role("button", name="Dossier zoeken").click()
        page.get_by_role("heading", name="Inzageverzoek registreren").wait_for()
        journey.axe(page)
        page.get_by_label(f"{FATHER} (vader)").check()
        page.get_by_label("Naam van de aanvrager").fill(FATHER)
        page.get_by_label("De betrokkene zelf").check()
        page.get_by_label("Identiteit nagekeken door").fill("Rik Regisseur, Veilig Huis")
        page.get_by_label("Manier van nakijken").select_option("id_card_shown")
        page.get_by_role("button", name="Verzoek registreren").click()
        page.get_by_role("heading", name="Stap 1: gegevens samenstellen").wait_for()
        journey.axe(page)
        page.get_by_role("button", name="Gegevens samenstellen").click()
        page.get_by_role("heading", name="Stap 2: gegevens van politie en justitie").wait_for()
        journey.axe(page, again=True)
        held = SubjectAccessRequest.objects.get().held_items.count()
        # the police entry, the police in the case, the police's reads, and the case
        # consultation the items were shared on (it covers the police)
        assert held == 4
        first = page.locator("article").filter(has_text="Gegeven 1:")
        first.get_by_label("Niet vrijgeven", exact=True).check()
        first.get_by_role("button", name="Beslissing over gegeven 1 vastleggen").click()
        page.get_by_role("alert").wait_for()  # the reason is required
        journey.axe(page, again=True)
        for number in range(1, held + 1):
            item = page.locator("article").filter(has_text=f"Gegeven {number}:")
            item.get_by_label("Niet vrijgeven", exact=True).check()
            item.get_by_label("Reden").fill("Lopend strafonderzoek")
            item.get_by_role("button", name=f"Beslissing over gegeven {number} vastleggen").click()
            expect(item).to_contain_text("Beslissing: Niet vrijgeven")
        page.get_by_text("Een tweede privacyverantwoordelijke van de regio moet het").wait_for()
        journey.axe(page, again=True)
        page.get_by_role("link", name="Verzoeken tot rechtzetting").click()
        page.get_by_role("heading", name="Rechtzetting, bezwaar en beperking").wait_for()
        journey.axe(page)

        sar = SubjectAccessRequest.objects.get()
        detail = f"/audit/inzage/{sar.pk}/"
        other = journey.sign_in(second, detail)
        other.get_by_label("Ik heb de samenstelling en de beslissingen nagekeken").check()
        other.get_by_role("button", name="Export vrijgeven").click()
        other.get_by_role("heading", name="Export", exact=True).wait_for()
        journey.axe(other, again=True)
        with other.expect_download() as download_info:
            other.get_by_role("link", name="Export downloaden (PDF)").click()
        path = tmp_path / "inzage.pdf"
        download_info.value.save_as(path)
        other.get_by_role("link", name="Terug naar de inzageverzoeken").click()
        other.get_by_role("heading", name="Vrijgegeven verzoeken").wait_for()
        journey.axe(other, again=True)
        # The one refusal above answers 400 (a form with an error), which the console reports.
        assert [p for p in journey.problems if "status of 400" not in p] == []
        assert journey.unchecked() == {}
    finally:
        journey.close()

    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Inzage in persoonsgegevens" in text and FATHER in text
    assert "Gesprek met [naam afgeschermd] en Tom." in text
    assert MOTHER not in text and "Zonnebloem" not in text
    assert POLICE_TITLE not in text and "Lopend strafonderzoek" not in text
    assert "Politiezone Reisduin" not in text
    sar.refresh_from_db()
    assert sar.status == SubjectAccessStatus.RELEASED and sar.released_by == user
