"""The minutes PDF as a reader sees it: title and date, attendees by organisation (family
members by their role only), apologies, agenda, the notes with their headings and lists, the
agreed actions, and 'Vertrouwelijk' and 'Pagina X van Y' on every page. The text is read back
from the stored PDF with pypdf; the clock is pinned, the meeting is on a fixed day."""

from __future__ import annotations

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pycrdt import Doc, Text
from pypdf import PdfReader

from collaboration.live_notes import document
from collaboration.live_notes.models import Minutes, NoteUpdate
from collaboration.models import FamilyMember, Role
from collaboration.services import plans
from collaboration.services.meetings import meeting_prepare
from collaboration.services.minutes import AgreedAction, meeting_finalise
from tests.factories.cases import CaseParticipantFactory
from tests.factories.organisations import MembershipFactory, OrganisationFactory
from tests.factories.people import VerifiedUserFactory

from .world import World, build_world

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=BRUSSELS)
pytestmark = pytest.mark.django_db

LONG_PARAGRAPH = (
    "De begeleider van het CAW beschrijft hoe de week verliep: de afspraken over de "
    "opvang na school werden nageleefd en de moeder vond steun bij de buurtwerking. "
) * 4


def _write_notes(world: World, *, paragraphs: int) -> None:
    """Notes as the editor stores them: a heading, a bullet list, an ordered list and
    ``paragraphs`` long paragraphs (Quill puts a line's format on its newline)."""
    doc = Doc()
    text = doc.get(document.TEXT_NAME, type=Text)

    def line(content: str, attrs: dict[str, object] | None = None) -> None:
        # Formats given explicitly, as Quill sends them: an insert without any would take
        # over the previous line's (Yjs' rule).
        text.insert(len(str(text)), content, {})
        text.insert(len(str(text)), "\n", attrs or {})

    line("Veiligheid thuis", {"header": 1})
    line("Het gezin woont sinds oktober in een nieuwe woning.")
    line("Huisbezoek door het CAW", {"list": "bullet"})
    line("Contact met de school", {"list": "bullet"})
    line("Stand van de hulpverlening", {"header": 2})
    line("Eerst de vragen van het gezin", {"list": "ordered"})
    line("Dan de planning", {"list": "ordered"})
    for number in range(paragraphs):
        line(f"Verloop {number + 1}. {LONG_PARAGRAPH}")
    update = doc.get_update()
    NoteUpdate.objects.create(
        meeting=world.meeting,
        user=world.director,
        connection_id="seed",
        size=len(update),
        data=update,
    )


def _finalised_minutes(*, paragraphs: int) -> tuple[World, Minutes]:
    world = build_world()
    world.meeting.starts_at = datetime.datetime(2026, 12, 1, 14, 30, tzinfo=BRUSSELS)
    world.meeting.save(update_fields=["starts_at"])
    school = OrganisationFactory(
        name="Basisschool De Linde (test)", kind="school", sector="education", region="leuven"
    )
    teacher = MembershipFactory(
        user=VerifiedUserFactory(email="leerkracht@test.example", full_name="Lies Leerkracht"),
        organisation=school,
        role=Role.PARTNER,
    ).user
    CaseParticipantFactory(
        case=world.case, user=teacher, organisation=school, role_in_case="Zorgcoördinator"
    )
    mother = FamilyMember.objects.create(case=world.case, name="Mira Fictief", family_role="mother")
    meeting_prepare(
        actor=world.director,
        meeting_id=world.meeting.pk,
        agenda=["Veiligheid thuis", "Schoolgang", "Afspraken"],
        attendance={
            world.director.pk: "present",
            world.partner.pk: "present",
            teacher.pk: "apologies",
        },
        family_present=[mother.pk],
        started=True,
    )
    _write_notes(world, paragraphs=paragraphs)
    goal = plans.goal_add(
        actor=world.director, case=world.case, domain="safety", description="Veiligheid thuis"
    )
    minutes = meeting_finalise(
        actor=world.director,
        meeting_id=world.meeting.pk,
        actions=[
            AgreedAction(
                goal_id=goal.pk,
                description="Huisbezoek plannen",
                organisation_id=world.partner_org.pk,
                responsible=world.partner,
                due_date=datetime.date(2027, 1, 15),
            )
        ],
    )
    return world, minutes


def _pages(minutes: Minutes) -> list[str]:
    """Each page's text, whitespace collapsed; list bullets (Helvetica's bullet, read back
    as \\x7f) left out."""
    reader = PdfReader(io.BytesIO(bytes(minutes.pdf)))
    pages = [(page.extract_text() or "").replace("\x7f", " ") for page in reader.pages]
    return [" ".join(page.replace("\u2022", " ").split()) for page in pages]


def test_the_minutes_pdf_has_every_part_in_order() -> None:
    with time_machine.travel(NOW, tick=False):
        world, minutes = _finalised_minutes(paragraphs=1)
    pages = _pages(minutes)
    text = " ".join(pages)
    assert "Verslag netwerkoverleg" in text
    assert "1 december 2026, 14:30" in text
    assert world.case.reference in text
    # Attendees under their organisation: the director under her own (she is no participant),
    # the partner under the organisation he takes part for, the family by role only.
    assert "Veilig Huis Leuven (test) Ria Regisseur" in text
    assert "CAW Oost-Brabant (test) Pieter Partner" in text
    assert "Gezin Moeder" in text
    assert "Mira Fictief" not in text
    assert "Verontschuldigd Lies Leerkracht (Basisschool De Linde (test))" in text
    assert re.search(r"Agenda 1\. Veiligheid thuis 2\. Schoolgang 3\. Afspraken", text)
    assert "Veiligheid thuis Het gezin woont sinds oktober in een nieuwe woning." in text
    assert "Huisbezoek door het CAW" in text and "1. Eerst de vragen van het gezin" in text
    # Ordered lists are numbered with a dot, as a reader writes them.
    assert "2. Dan de planning" in text and "1 Eerst" not in text
    assert "Stand van de hulpverlening 1. Eerst" in text and "3. Verloop" not in text
    assert "Huisbezoek plannen CAW Oost-Brabant (test) Pieter Partner 15 januari 2027" in text
    assert "Afgerond op 2 december 2026, 10:00 door Ria Regisseur." in text
    assert (
        f"Technische gegevens Vingerafdruk (SHA-256) van het verslag in HTML: {minutes.html_sha256}"
        in text
    )
    # The order a reader expects.
    parts = ["Aanwezig", "Verontschuldigd", "Agenda", "Notities", "Afgesproken acties"]
    positions = [text.index(part) for part in parts]
    assert positions == sorted(positions)
    assert all("Vertrouwelijk" in page for page in pages)
    assert f"Pagina 1 van {len(pages)}" in pages[0]


def test_every_page_is_marked_confidential_and_numbered() -> None:
    with time_machine.travel(NOW, tick=False):
        _world, minutes = _finalised_minutes(paragraphs=12)
    pages = _pages(minutes)
    total = len(pages)
    assert total >= 2
    for number, page in enumerate(pages, start=1):
        assert "Vertrouwelijk" in page
        assert f"Pagina {number} van {total}" in page
    assert "Verloop 12." in pages[-1] and "Huisbezoek plannen" in pages[-1]
