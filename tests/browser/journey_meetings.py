"""Journey steps for meetings as they happen and the director handover (issue 15, items 2 and
3), kept apart from test_journeys.py so the steps read as one each there: move the planned
meeting, record yesterday's meeting and finalise it, and hand the case to another director.

``pinned_clock`` runs a journey at a chosen Brussels hour (time-machine, ticking): the server
thread, the TOTP codes and the dates the steps type all read the same clock."""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.utils import formats, timezone
from playwright.sync_api import expect

from collaboration.models import Membership, Role
from tests.browser.journey_bases import choose_basis
from tests.browser.journeys import Journey, Person

BRUSSELS = ZoneInfo("Europe/Brussels")


@contextlib.contextmanager
def pinned_clock(at: str | None) -> Iterator[None]:
    """``None``: the real clock; ``"23:30"``: today at that Brussels hour, ticking on."""
    if at is None:
        yield
        return
    hour, minute = (int(part) for part in at.split(":"))
    today = datetime.datetime.now(BRUSSELS).date()
    moment = datetime.datetime.combine(today, datetime.time(hour, minute), BRUSSELS)
    with time_machine.travel(moment, tick=True):
        yield


def local_input(moment: datetime.datetime) -> str:
    """A moment as a datetime-local field takes it, in Brussels time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def shown(moment: datetime.datetime) -> str:
    """A moment as the case page shows it ("3 december 2026 01:30")."""
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")


def reschedule_meeting(journey: Journey, director: Any, case_path: str) -> None:
    """The planned network meeting moves an hour later and to another room."""
    later = timezone.now() + datetime.timedelta(hours=3)
    meetings = director.locator("#overleg")
    meetings.get_by_role("link", name=re.compile(r"^Overleg van .* verplaatsen$")).click()
    director.get_by_role("heading", name="Overleg verplaatsen").wait_for()
    journey.axe(director)
    director.get_by_label("Nieuwe datum en uur").fill(local_input(later))
    director.get_by_label("Plaats").fill("Vergaderzaal Duinzicht (fictief)")
    director.get_by_role("button", name="Verplaatsen").click()
    director.wait_for_url(re.compile(case_path))
    expect(director.locator(".messages, [role=status]").first).to_contain_text(
        "Het overleg is verplaatst."
    )
    moved = director.locator("#overleg").get_by_role("listitem").filter(has_text="Netwerkoverleg")
    expect(moved).to_contain_text(shown(later))
    expect(moved).to_contain_text("Vergaderzaal Duinzicht (fictief)")


def record_and_finalise_yesterday(
    journey: Journey, director: Any, case_path: str, partner: Person
) -> None:
    """Yesterday's client meeting at 16:00 is recorded as held, then its minutes are fixed:
    the timeline shows them on yesterday's date, whatever the hour now."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    held_at = datetime.datetime.combine(yesterday, datetime.time(16, 0), BRUSSELS)
    director.get_by_role("link", name="Gehouden overleg vastleggen").click()
    director.get_by_role("heading", name="Gehouden overleg vastleggen").wait_for()
    journey.axe(director)
    director.get_by_label("Soort overleg").select_option(label="Cliëntoverleg")
    director.get_by_label("Datum en uur").fill(local_input(held_at))
    director.get_by_label("Plaats").fill("Bij het gezin thuis (fictief)")
    director.get_by_label(partner.name).check()
    choose_basis(director)
    director.get_by_role("button", name="Vastleggen").click()
    director.wait_for_url(re.compile(case_path))
    held = director.locator("#overleg").get_by_role("listitem").filter(has_text="Cliëntoverleg")
    expect(held).to_contain_text("Gehouden, verslag nog af te ronden")
    expect(held).to_contain_text(shown(held_at))

    held.get_by_role("link", name=re.compile("Cliëntoverleg")).click()
    director.get_by_label("Ik heb de vertrouwelijkheidsverklaring gelezen").check()
    director.get_by_role("button", name="Bevestigen en deelnemen").click()
    director.get_by_role("link", name="Overleg afronden en verslag vastleggen").click()
    director.get_by_role("heading", name="Overleg afronden").wait_for()
    director.get_by_role("button", name="Afronden en verslag vastleggen").click()
    expect(director.get_by_role("region", name="Verslag")).to_be_visible()
    director.get_by_role("link", name=re.compile("Terug naar dossier")).click()
    director.wait_for_url(re.compile(case_path))
    entry = director.locator("#tijdlijn li").filter(has_text="Verslag: Cliëntoverleg")
    expect(entry.locator("time")).to_have_attribute("datetime", yesterday.isoformat())
    finalised = (
        director.locator("#overleg").get_by_role("listitem").filter(has_text="Cliëntoverleg")
    )
    expect(finalised).to_contain_text("Afgerond")


def second_director(
    make_user: Callable[..., Any], make_device: Callable[[Any], Any], organisation: Any
) -> Person:
    user = make_user(email="dina@vh.example", full_name="Dina Tweede Regisseur")
    Membership.objects.create(user=user, organisation=organisation, role=Role.CASE_DIRECTOR)
    return Person(user=user, device=make_device(user), organisation=organisation)


def reassign_director(
    journey: Journey, coordinator: Any, reference: str, old: Person, new: Person
) -> None:
    """The coordinator hands the case to ``new``; ``new`` finds it on their dashboard and is
    told, ``old`` is told and no longer finds the case."""
    case_path = f"/samenwerking/dossiers/{reference}/"
    coordinator.goto(journey.base_url + case_path)
    coordinator.get_by_role("link", name="Casusregisseur wijzigen").click()
    coordinator.get_by_role("heading", name="Casusregisseur wijzigen").wait_for()
    journey.axe(coordinator)
    coordinator.get_by_label("Nieuwe casusregisseur").select_option(label=new.name)
    coordinator.get_by_role("button", name="Casusregisseur wijzigen").click()
    coordinator.wait_for_url(re.compile(case_path))
    expect(coordinator.locator(".summary").first).to_contain_text(new.name)
    expect(coordinator.locator("#tijdlijn")).to_contain_text(
        f"Nieuwe casusregisseur: {new.name} (neemt over van {old.name})"
    )
    journey.axe(coordinator, again=True)  # the case page with the handover

    page = journey.sign_in(new, "/samenwerking/")
    page.get_by_role("link", name=reference).first.click()
    page.wait_for_url(re.compile(case_path))
    expect(page.locator(".summary").first).to_contain_text(new.name)
    page.goto(journey.base_url + "/samenwerking/meldingen/")
    expect(page.locator("main")).to_contain_text("De casusregisseur van een dossier is gewijzigd")
    journey.axe(page)

    page = journey.sign_in(old, "/samenwerking/meldingen/")
    expect(page.locator("main")).to_contain_text("De casusregisseur van een dossier is gewijzigd")
    # asked with the old director's cookies, outside the page (a 404 page logs a console error)
    response = page.context.request.get(journey.base_url + case_path)
    assert response.status == 404, response.status
    assert reference not in response.text()


def the_case_reference() -> str:
    """The journey opens exactly one case."""
    from collaboration.models import Case

    return Case.objects.values_list("reference", flat=True).get()
