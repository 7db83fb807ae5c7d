"""The workspace speaks Dutch and shows no technical hashes (issue 15, item 10): a page walk.

Every page mounted under ``/samenwerking/`` (found from the resolved URLconf, so a new page is
walked the day it is mounted) is opened by a verified partner, a case director and a
coordinator whose browser asks for nl-BE, over a case with a plan, a document, a planned and a
finalised meeting, a waiting referral and a consult question. In what a person can read (text,
and the attributes a screen reader or a button shows) the walk fails on

- English that Django, Wagtail, two_factor or Quill bring along ("This field is required.",
  "Normal", "None", "---------", English month names ...);
- a 64-character hexadecimal hash (SHA-256): those belong only in the minutes' technical
  details, a ``<details data-technical>`` element.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collaboration.models import ConsultRequest, FamilyMember, Membership, Region
from collaboration.services import documents, flags, plans, timeline
from collaboration.services.legal_bases import legal_basis_record
from collaboration.services.minutes import meeting_finalise
from collaboration.services.referrals import referral_submit
from tests.factories.cases import referral_data
from tests.factories.legal_bases import standing_basis
from tests.factories.meetings import MeetingFactory
from tests.security.routes import Route, resolved_routes

pytestmark = pytest.mark.django_db

WORKSPACE = "samenwerking/"
ACTORS = ("caw_partner", "director", "coordinator")
HASH = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])")
# Defaults of Django, Wagtail, two_factor and Quill that must not reach a Dutch page; whole
# words, case-sensitive. Words that are Dutch as well ("Open", "Status", "April") are left out.
ENGLISH = (
    "This field is required",
    "Enter a valid",
    "Select a valid choice",
    "Ensure this value",
    "Please correct",
    "Your session has timed out",
    "Token generator",
    "---------",
    "Normal",
    "Heading",
    "None",
    "True",
    "False",
    "Yes",
    "No",
    "Unknown",
    "Submit",
    "Save",
    "Cancel",
    "Delete",
    "Search",
    "Previous",
    "Next",
    "Page",
    "Choose",
    "Select",
    "Currently",
    "Change",
    "Clear",
    "Add another",
    "Show",
    "Hide",
    "Today",
    "Yesterday",
    "Tomorrow",
    "midnight",
    "noon",
    "a.m.",
    "p.m.",
    "minutes",
    "hours",
    "January",
    "February",
    "March",
    "May",
    "June",
    "July",
    "August",
    "October",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Log in",
    "Log out",
    "Sign in",
    "Password",
    "Username",
    "Email address",
)
ENGLISH_RE = re.compile("|".join(rf"(?<![\w-]){re.escape(word)}(?![\w-])" for word in ENGLISH))
# Attributes people read or hear; hidden inputs' values, links and ids are not read.
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "aria-description")
NOT_READ = {"script", "style", "template", "noscript"}


class VisibleText(HTMLParser):
    """Pieces of readable text, each marked whether it sits in a technical-details element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, bool]] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, technical)

    @property
    def _technical(self) -> bool:
        return any(technical for _tag, technical in self._stack)

    @property
    def _hidden(self) -> bool:
        return any(tag in NOT_READ for tag, _technical in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            self._stack.append((tag, tag == "details" and "data-technical" in values))
        if self._hidden:
            return
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.pieces.append((values[name] or "", self._technical))
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self.pieces.append((values.get("value") or "", self._technical))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._stack and self._stack[-1][0] == tag:
            self._stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._hidden:
            self.pieces.append((data, self._technical))


def readable(html: str) -> list[tuple[str, bool]]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.pieces


def problems(html: str) -> list[str]:
    found = []
    for text, technical in readable(html):
        for match in ENGLISH_RE.finditer(text):
            found.append(f"English {match.group(0)!r} in {text.strip()[:80]!r}")
        if not technical and HASH.search(text):
            found.append(f"hash outside the minutes' details: {text.strip()[:100]!r}")
    return found


def test_the_checks_see_english_and_hashes() -> None:
    """The detectors themselves, on the very things of the finding."""
    digest = "ab" * 32
    assert problems('<select><option value="">---------</option></select>')
    assert problems('<span class="ql-picker-label" aria-label="Normal"></span>')
    assert problems("<p>Dit veld is verplicht. This field is required.</p>")
    assert problems(f"<li><p>Verslag afgerond; SHA-256 (PDF) {digest}.</p></li>")
    assert not problems(
        f"<details data-technical><dl><dd><code>{digest}</code></dd></dl></details>"
    )
    assert problems(f"<details><code>{digest}</code></details>")  # only the technical one
    assert not problems('<p>Open acties: April, "Nog niemand", Status: Nee</p>')
    assert not problems(f'<input type="hidden" name="once" value="{digest}">')
    assert not problems("<script>var Normal = 1</script>")


@pytest.fixture
def workspace(world: Any, make_user: Callable[..., Any]) -> dict[str, Any]:
    """The case world with something on every page: plan, document, meetings (one finalised,
    so the timeline and the meeting page carry its minutes), a referral, a consult."""
    case = world.case
    director = world.director
    member = FamilyMember.objects.create(
        case=case, name="Mila Fictief", family_role="child", birth_year=2014
    )
    goal = plans.goal_add(actor=director, case=case, domain="housing", description="Wonen")
    action = plans.action_add(
        actor=director,
        case=case,
        goal_id=goal.pk,
        description="Huurachterstal bespreken",
        organisation_id=world.caw.pk,
        responsible=world.caw_partner,
        due_date=datetime.date(2030, 1, 1),
    )
    document = documents.document_upload(
        actor=director,
        case=case,
        legal_basis_id=standing_basis(case),
        title="Verslag politie",
        upload=SimpleUploadedFile(
            "verslag.pdf", b"%PDF-1.4 fictief", content_type="application/pdf"
        ),
    )
    entry = timeline.timeline_entry_add(
        actor=director,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="note",
        occurred_on=datetime.date(2020, 1, 5),
        title="Notitie",
    )
    planned = MeetingFactory(
        case=case,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        created_by=director,
        invitees=[world.caw_partner],
    )
    held = MeetingFactory(
        case=case,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        created_by=director,
        invitees=[world.caw_partner],
    )
    minutes = meeting_finalise(actor=director, meeting_id=held.pk, actions=[])
    pending = referral_submit(actor=world.referrer, **referral_data(world.clb))
    flag = flags.flag_raise(
        actor=world.caw_partner,
        case=case,
        kind="children_at_risk",
        reason="Fictieve zorg om het kind",
        family_member_id=member.pk,
    )
    flags.flag_acknowledge(actor=director, case=case, flag_id=flag.pk)
    consult = ConsultRequest.objects.create(
        name="Fictieve Leerkracht",
        organisation="School",
        email="leerkracht@school.example",
        region=Region.OOST_VLAANDEREN,
        question="Mag ik dit melden?",
    )
    return {
        "minutes": minutes,
        "values": {
            "reference": case.reference,
            "participant_id": str(case.participants.get(user=world.caw_partner).pk),
            "family_member_id": str(member.pk),
            "domain": "housing",
            "action_id": str(action.pk),
            "goal_id": str(goal.pk),
            "document_id": str(document.pk),
            "entry_id": str(entry.pk),
            # an urgency waiting for review: its page, withdrawal and review form
            "basis_id": str(
                legal_basis_record(
                    actor=director,
                    case=case,
                    kind="urgent",
                    organisation_ids=[world.police.pk],
                    purpose="Fictief acuut gevaar.",
                    given_on=datetime.date(2020, 1, 5),
                ).pk
            ),
            "flag_id": str(flag.pk),
            "meeting_id": str(planned.pk),
            "referral_id": str(pending.pk),
            "consult_id": str(consult.pk),
            "membership_id": str(Membership.objects.get(user=world.caw_colleague).pk),
            # a waiting invitation's pages are walked by the people tests; here: not found
            "invitation_id": "999999",
        },
        "held_meeting_id": str(held.pk),
    }


def acknowledged_client(
    verified_client: Callable[..., Client], user: Any, meeting_ids: list[str]
) -> Client:
    """A verified client that has confirmed the meetings' confidentiality statement (through
    the real form), so the meeting pages show notes and minutes instead of the statement."""
    client = verified_client(user)
    for meeting_id in meeting_ids:
        response = client.post(
            reverse("live_notes:acknowledge", args=[meeting_id]), {"confirm": "yes"}
        )
        assert response.status_code == 302, f"acknowledging meeting {meeting_id}"
    return client


def workspace_routes() -> list[Route]:
    return [route for route in resolved_routes() if route.template.startswith(WORKSPACE)]


def workspace_paths(values: dict[str, str], held_meeting_id: str) -> list[str]:
    paths = []
    for route in workspace_routes():
        unknown = [name for name in route.parameters if name not in values]
        assert not unknown, f"{route.template}: give the walk a value for {unknown}"
        paths.append(route.path(values))
        if "meeting_id" in route.parameters:
            paths.append(route.path({**values, "meeting_id": held_meeting_id}))
    return paths


@pytest.mark.parametrize("who", ACTORS)
def test_every_workspace_page_is_dutch_without_hashes(
    world: Any, workspace: dict[str, Any], verified_client: Callable[..., Client], who: str
) -> None:
    values = workspace["values"]
    client = acknowledged_client(
        verified_client, getattr(world, who), [values["meeting_id"], workspace["held_meeting_id"]]
    )
    paths = workspace_paths(workspace["values"], workspace["held_meeting_id"])
    found: dict[str, list[str]] = {}
    pages = 0
    for path in paths:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="nl-BE")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        html = response.content.decode()
        assert '<html lang="nl-BE">' in html, path
        trouble = problems(html)
        if trouble:
            found[path] = trouble
    assert pages >= 10, f"only {pages} pages walked as {who}"
    assert found == {}, found


def test_the_minutes_hashes_sit_in_their_details(
    world: Any, workspace: dict[str, Any], verified_client: Callable[..., Client]
) -> None:
    """The fingerprints are still there for whoever must check a copy: inside the details."""
    minutes = workspace["minutes"]
    client = acknowledged_client(verified_client, world.caw_partner, [workspace["held_meeting_id"]])
    meeting = client.get(reverse("live_notes:meeting", args=[workspace["held_meeting_id"]]))
    pieces = readable(meeting.content.decode())
    for digest in (minutes.pdf_sha256, minutes.html_sha256):
        assert [technical for text, technical in pieces if digest in text] == [True]
    case = client.get(reverse("collaboration:case_detail", args=[world.case.reference]))
    assert minutes.pdf_sha256 not in case.content.decode()
