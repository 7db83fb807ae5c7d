"""The partner agencies' journey in headless Chromium, on the real ASGI server (HTTP and
WebSockets): a CLB refers a family; the coordinator accepts and names the case director; the
case director brings in the CAW and the police and plans a network meeting; the two partners,
each signed in with password and TOTP through the real sign-in pages, type in the same live
notes and each sees the other's text within a second; the case director finalises the meeting
(the agreed actions land in the plan of action), closes the case and reopens it; the privacy
officer then reviews in the audit viewer who read that case. Axe (WCAG 2.2 AA) runs on every
distinct page visited, and the journey shows that it did."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.journey_bases import (
    MOTHER,
    choose_basis,
    record_consent,
    withdraw_consent_and_refuse,
)
from tests.browser.journey_corrections import correct_wrongly_shared_entry
from tests.browser.journey_meetings import (
    pinned_clock,
    reassign_director,
    record_and_finalise_yesterday,
    reschedule_meeting,
    second_director,
    the_case_reference,
)
from tests.browser.journey_safety import (
    assess_high_risk,
    raise_and_acknowledge_flag,
    write_safety_plan,
)
from tests.browser.journey_signoff import approve_plan, confirm_closure
from tests.browser.journeys import Journey
from tests.browser.plan_steps import finish_plan
from tests.factories.worlds import build_agencies

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR = ".ql-editor"
CAW_LINE = "CAW plant een huisbezoek bij moeder en kinderen."
POLICE_LINE = "Politie bezorgt het verslag van de laatste interventie aan het parket."
# How long the test waits for the other person's text: a condition with a generous bound, not a
# speed requirement (relay latency is measured in bench/, docs/performance.md); a loaded CI
# machine must not fail a journey that works.
SEEN_WITHIN_MS = 20_000


def _meeting_time() -> str:
    """Two hours from now, local time, as a datetime-local field takes it."""
    when = timezone.localtime(timezone.now() + datetime.timedelta(hours=2))
    return when.strftime("%Y-%m-%dT%H:%M")


def _join_meeting(journey: Journey, page: Any, reference: str, *, first: bool) -> None:
    """From the dashboard to the live notes: case page, meeting link, confidentiality."""
    page.get_by_role("region", name="Komend overleg").get_by_role("link", name=reference).click()
    page.wait_for_url(re.compile(rf"/samenwerking/dossiers/{reference}/"))
    if first:
        journey.axe(page, again=True)  # the case page as a partner sees it
    page.locator("#overleg").get_by_role("link", name=re.compile("Netwerkoverleg")).click()
    page.get_by_role("heading", name="Vertrouwelijkheidsverklaring").wait_for()
    journey.axe(page)
    page.get_by_label("Ik heb de vertrouwelijkheidsverklaring gelezen").check()
    page.get_by_role("button", name="Bevestigen en deelnemen").click()
    page.wait_for_selector(f"{EDITOR}[contenteditable=true]", timeout=10_000)


def _type_and_time(writer: Any, reader: Any, text: str) -> float:
    """``writer`` types ``text`` at the end of the notes; seconds until ``reader`` shows it."""
    writer.locator(EDITOR).click()
    writer.keyboard.press("Control+End")
    writer.keyboard.press("Enter")
    writer.keyboard.type(text)
    started = time.monotonic()
    expect(reader.locator(EDITOR)).to_contain_text(text, timeout=SEEN_WITHIN_MS)
    return time.monotonic() - started


def _audit_rows(page: Any) -> list[list[str]]:
    """Every row of the filtered audit list as [what, outcome, name, organisation], following
    'Oudere gebeurtenissen' to the end."""
    rows: list[list[str]] = []
    while True:
        events = page.get_by_role("list", name="Gebeurtenissen, nieuwste eerst")
        for row in events.locator(".audit-event").all():
            what = row.locator(".audit-event__what").text_content() or ""
            outcome = row.locator(".audit-event__outcome").text_content() or ""
            organisation = row.locator(".audit-event__organisation")
            rows.append(
                [
                    what.strip().removeprefix("Wat:").strip(),
                    outcome.strip().removeprefix("Resultaat:").strip(),
                    (row.locator(".audit-event__name").text_content() or "").strip(),
                    (organisation.text_content() or "").strip() if organisation.count() else "",
                ]
            )
        older = page.get_by_role("link", name="Oudere gebeurtenissen")
        if older.count() == 0:
            return rows
        older.click()
        page.wait_for_load_state()


# Also at 23:30 Brussels: the evening the meeting planned two hours ahead falls on tomorrow.
@pytest.mark.parametrize("clock", [None, "23:30"], ids=["now", "at-23:30"])
def test_referral_to_live_network_meeting_closure_reopening_and_audit(
    browser, asgi_server: str, make_user, make_device, settings, tmp_path, clock
) -> None:
    settings.CASE_DOCUMENTS_ROOT = str(tmp_path / "private")
    people = build_agencies()
    journey = Journey(browser, asgi_server)
    try:
        with pinned_clock(clock):
            _journey(journey, people)
            # 9. The coordinator hands the case to another director (issue 15, item 2).
            coordinator = journey.sign_in(people.coordinator, "/samenwerking/")
            new = second_director(make_user, make_device, people.veilig_huis)
            reference = the_case_reference()
            reassign_director(journey, coordinator, reference, people.director, new)
    finally:
        journey.close()
    assert journey.problems == [], journey.problems
    # Axe checked every kind of page that any of the six people visited.
    assert journey.unchecked() == {}, journey.unchecked()
    assert len(journey.checked) >= 15, sorted(journey.checked)


def _journey(journey: Journey, people: Any) -> None:
    # 1. The CLB refers a family, from its dashboard.
    clb = journey.sign_in(people.referrer, "/samenwerking/")
    journey.axe(clb)
    clb.get_by_role("link", name="Een gezin aanmelden").click()
    clb.get_by_label("Gezinssamenstelling").wait_for()
    journey.axe(clb)
    clb.get_by_label("Gezinssamenstelling").fill("Moeder, vader, twee kinderen (fictief)")
    clb.get_by_label("Partnergeweld").check()
    clb.get_by_label("Opvoeding").check()
    clb.get_by_label("Voorwaarde 1", exact=False).fill("Politie en parket zijn betrokken.")
    clb.get_by_label("Voorwaarde 2", exact=False).fill("Wonen, opvoeding en financiën.")
    clb.get_by_label("Voorwaarde 3", exact=False).fill("De hulp loopt vast.")
    clb.get_by_role("button", name="Aanmelding versturen").click()
    clb.wait_for_url(re.compile(r"/samenwerking/aanmeldingen/\d+/$"))
    journey.axe(clb)
    referral_title = clb.get_by_role("heading", level=1).inner_text()  # "Aanmelding #N"

    # 2. The coordinator finds it on the dashboard, accepts it and names the case director.
    coordinator = journey.sign_in(people.coordinator, "/samenwerking/")
    coordinator.get_by_role("link", name=referral_title).click()
    coordinator.get_by_role("link", name="Aanvaarden", exact=True).click()
    coordinator.get_by_label("Casusregisseur").wait_for()
    journey.axe(coordinator)
    coordinator.get_by_label("Casusregisseur").select_option(label=people.director.name)
    coordinator.get_by_role("button", name="Aanvaarden en dossier openen").click()
    coordinator.wait_for_url(re.compile(r"/samenwerking/dossiers/VH-[A-Z0-9-]+/"))
    reference = coordinator.get_by_role("heading", level=1).inner_text().split()[-1]
    case_path = f"/samenwerking/dossiers/{reference}/"

    # 3. The case director brings in the CAW and the police, sets a goal, plans the meeting.
    director = journey.sign_in(people.director, "/samenwerking/")
    director.get_by_role("link", name=reference).first.click()
    director.wait_for_url(re.compile(case_path))
    journey.axe(director)
    services = [p.organisation.name for p in (people.caw_partner, people.police_partner)]
    record_consent(journey, director, case_path, [*services, people.referrer.organisation.name])
    for partner, role in (
        (people.caw_partner, "Crisisbegeleiding"),
        (people.police_partner, "Sociale cel"),
    ):
        director.get_by_role("link", name="Professional toevoegen").click()
        journey.axe(director)
        director.get_by_label("Professional en dienst").select_option(
            label=f"{partner.name} – {partner.organisation.name}"
        )
        director.get_by_label("Rol in het dossier").fill(role)
        choose_basis(director)
        director.get_by_role("button", name="Toevoegen").click()
        director.wait_for_url(re.compile(case_path))
    participants = director.get_by_role("table", name="Betrokkenen met hun rol en taakverdeling")
    expect(participants).to_contain_text(people.caw_partner.name)
    expect(participants).to_contain_text(people.police_partner.name)

    director.get_by_role("link", name="Doel toevoegen").click()
    journey.axe(director)
    director.get_by_label("Levensdomein").select_option(label="Veiligheid")
    director.get_by_label("Doel").fill("Geen geweld meer in het gezin")
    director.get_by_role("button", name="Toevoegen").click()
    director.wait_for_url(re.compile(case_path))

    director.get_by_role("link", name="Overleg plannen").click()
    journey.axe(director)
    director.get_by_label("Soort overleg").select_option(label="Netwerkoverleg")
    director.get_by_label("Datum en uur").fill(_meeting_time())
    director.get_by_label("Plaats").fill("Vergaderzaal Reisduin (fictief)")
    director.get_by_label(people.caw_partner.name).check()
    director.get_by_label(people.police_partner.name).check()
    choose_basis(director)
    director.get_by_role("button", name="Plannen").click()
    director.wait_for_url(re.compile(case_path))
    expect(director.locator("#overleg")).to_contain_text("Netwerkoverleg")
    reschedule_meeting(journey, director, case_path)

    # 4. Both partners sign in through the real pages and join the meeting's live notes.
    carla = journey.sign_in(people.caw_partner, "/samenwerking/")
    _join_meeting(journey, carla, reference, first=True)
    paul = journey.sign_in(people.police_partner, "/samenwerking/")
    _join_meeting(journey, paul, reference, first=False)
    for page in (carla, paul):
        presence = page.locator("[data-presence]")
        expect(presence).to_contain_text(people.caw_partner.name, timeout=5_000)
        expect(presence).to_contain_text(people.police_partner.name, timeout=5_000)
    journey.axe(carla)  # the live notes page, editor running

    # Each sees what the other types (how fast is the benchmark's question, not the journey's).
    _type_and_time(carla, paul, CAW_LINE)
    _type_and_time(paul, carla, POLICE_LINE)
    assert carla.locator(EDITOR).inner_text().strip() == paul.locator(EDITOR).inner_text().strip()

    # 5. The case director finalises: the notes become minutes, agreed actions enter the plan.
    director.locator("#overleg").get_by_role("link", name=re.compile("Netwerkoverleg")).click()
    # Directors confirm the confidentiality statement too.
    director.get_by_label("Ik heb de vertrouwelijkheidsverklaring gelezen").check()
    director.get_by_role("button", name="Bevestigen en deelnemen").click()
    expect(director.locator(EDITOR)).to_contain_text(POLICE_LINE, timeout=5_000)
    director.get_by_role("link", name="Overleg afronden en verslag vastleggen").click()
    director.get_by_role("heading", name="Overleg afronden").wait_for()
    journey.axe(director)
    agreed = [
        (people.caw_partner, "Huisbezoek bij moeder en kinderen"),
        (people.police_partner, "Verslag van de interventie aan het parket bezorgen"),
    ]
    for number, (partner, description) in enumerate(agreed, start=1):
        row = director.get_by_role("group", name=f"Afgesproken actie {number} (optioneel)")
        row.get_by_label("Doel", exact=True).select_option(label="Geen geweld meer in het gezin")
        row.get_by_label("Actie", exact=True).fill(description)
        row.get_by_label("Dienst die de actie opneemt").select_option(
            label=partner.organisation.name
        )
        row.get_by_label("Verantwoordelijke").select_option(label=partner.name)
        row.get_by_label("Tegen").fill("2030-03-31")
    director.get_by_role("button", name="Afronden en verslag vastleggen").click()
    minutes = director.get_by_role("region", name="Verslag")
    expect(minutes).to_contain_text(CAW_LINE)
    expect(minutes).to_contain_text(POLICE_LINE)
    journey.axe(director, again=True)  # the same address now shows the fixed minutes
    # The partners' editors turn read-only as soon as the minutes are fixed.
    for page in (carla, paul):
        expect(page.locator(f"{EDITOR}[contenteditable=false]")).to_be_attached(timeout=5_000)
        expect(page.locator("[data-read-only]")).to_be_visible()

    director.get_by_role("link", name=f"Terug naar dossier {reference}").click()
    plan = director.locator("#plan")
    for partner, description in agreed:
        action_row = plan.get_by_role("row").filter(has_text=description)
        expect(action_row).to_contain_text(partner.organisation.name)
        expect(action_row).to_contain_text(partner.name)
        expect(action_row).to_contain_text("31 maart 2030")
    expect(director.locator("#tijdlijn")).to_contain_text("Verslag: Netwerkoverleg")
    journey.axe(director, again=True)  # the case page with the plan, meeting and timeline
    record_and_finalise_yesterday(journey, director, case_path, people.caw_partner)
    correct_wrongly_shared_entry(journey, director, carla, paul, case_path)
    write_safety_plan(journey, carla, paul, case_path, MOTHER)
    withdraw_consent_and_refuse(journey, director, carla, case_path)
    assess_high_risk(journey, director, case_path, f"{MOTHER} (Moeder)")
    raise_and_acknowledge_flag(journey, director, paul, people.police_partner.name, case_path)

    # 6. The plan goes to team regie and the coordinator approves it; execution, completion,
    # closure with the checklist, confirmed by the coordinator.
    director.get_by_role("link", name="Voorgelegd in team regie").click()
    journey.axe(director)
    director.get_by_label("Voorgelegd in team regie op").fill(timezone.localdate().isoformat())
    director.get_by_role("button", name="Bewaren").click()
    approve_plan(journey, coordinator, director, reference)  # four eyes (issue 17, item 5)
    for phase in ("Uitvoeringsfase", "Afronding"):
        if phase == "Afronding":  # the completion guard (issue 15, item 5)
            finish_plan(director, evaluated_on=timezone.localdate().isoformat(), axe=journey.axe)
        director.get_by_role("link", name=re.compile("Naar de volgende fase")).click()
        journey.axe(director)
        director.get_by_label("Naar fase").select_option(label=phase)
        director.get_by_role("button", name="Fase wijzigen").click()
        expect(director.locator(".summary").first).to_contain_text(phase)
    director.get_by_role("link", name="Afsluiten met de afrondingscriteria").click()
    journey.axe(director)
    for group in director.locator("main form").get_by_role("group").all():
        group.get_by_label("Ja").check()
    director.get_by_label("Samenvatting bij de afsluiting").fill("Geen geweld meer gemeld.")
    director.get_by_label("Wie contacteren voor wat", exact=False).fill("CAW: vragen over wonen.")
    director.get_by_role("button", name="Dossier afsluiten").click()
    confirm_closure(journey, coordinator, director, reference)
    expect(director.locator(".summary").first).to_contain_text("Afgesloten")
    expect(director.get_by_role("link", name="Tijdlijn aanvullen")).to_have_count(0)
    journey.axe(director, again=True)  # the closed, read-only case page

    # 7. Reopened after a new incident.
    director.get_by_role("link", name="Heropenen na een nieuw incident").click()
    journey.axe(director)
    director.get_by_label("Heropenen in").select_option(label="Uitvoeringsfase")
    director.get_by_label("Nieuw incident of nieuwe bezorgdheid").fill(
        "Nieuwe melding bij politie."
    )
    director.get_by_role("button", name="Heropenen").click()
    expect(director.locator(".summary").first).to_contain_text("Uitvoeringsfase")
    expect(director.locator(".summary").first).to_contain_text("1 keer heropend")
    # The agreed actions survive closure and reopening.
    for _partner, description in agreed:
        expect(director.locator("#plan")).to_contain_text(description)

    # 8. The privacy officer reviews who read this case.
    pia = journey.sign_in(people.privacy, "/audit/")
    journey.axe(pia)
    pia.get_by_label("Dossier (referentie)").fill(reference)
    pia.get_by_label("Handeling").select_option(label="Dossier bekeken")
    pia.get_by_role("button", name="Filteren").click()
    pia.wait_for_url(re.compile(rf"/audit/\?.*case={reference}"))
    journey.axe(pia, again=True)  # the filtered results
    rows = _audit_rows(pia)
    assert rows, "the audit viewer shows no reads of the case"
    # Each row: what (in words), outcome, the reader's name, their organisation.
    # The case itself and its meetings (reading a meeting's page reads case data too).
    whats = {row[0] for row in rows}
    assert f"Dossier bekeken: Dossier {reference}" in whats, rows
    assert all(
        re.fullmatch(rf"Dossier bekeken: (Dossier {reference}|\w+overleg \d+ \w+)", what)
        for what in whats
    ), whats
    readers = {row[2] for row in rows}
    for partner in (people.caw_partner, people.police_partner):
        assert partner.name in readers, (partner.name, readers)
        partner_rows = [row for row in rows if row[2] == partner.name]
        assert all(partner.organisation.name in row[3] for row in partner_rows), partner_rows
        assert all(row[1] == "toegestaan" for row in partner_rows), partner_rows
    # Only the people who worked on the case read it; the referrer did not.
    assert people.referrer.name not in readers
    assert people.director.name in readers
