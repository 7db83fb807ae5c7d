"""XSS and HTML injection through every form of the portal, rendered in headless Chromium.

1. ``test_every_text_field_of_every_form_is_planned``: the plan (``xss_plan.SHOWN``/``NOT_FED``)
   covers every free-text field of every form class in the code.
2. ``test_the_detector_*``: the detector fires on a page that runs or injects the payloads, and
   stays quiet on the same text escaped; without that the other tests prove nothing.
3. ``test_collaboration_forms_*``: the corpus goes in through the real views (HTTP posts as
   verified users, live notes typed in the browser and sent by a hostile Yjs client), then every
   page that shows it is opened in Chromium, one page per view with all payloads on it.
4. ``test_every_form_re_renders_hostile_input_as_text``: every form page, posted with the corpus
   in every field (choices, hidden tokens and dates included); the re-rendered form (or the page
   a valid post leads to) is opened in Chromium. Every form class must have been bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode, urljoin

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collaboration import forms as cf
from collaboration import forms_approvals as fa
from collaboration import forms_closure as fc
from collaboration import forms_meetings as fm
from collaboration.models import CLOSURE_CRITERIA
from collaboration.services.closure import reason_field
from collaboration.services.legal_bases import legal_basis_record
from portal.organisations import forms as organisation_forms
from portal.security.once import new_token
from tests.factories.cases import referral_data
from tests.factories.legal_bases import standing_basis
from tests.factories.people import PASSWORD

from .xss import CORPUS, EMAIL_CORPUS, Probe, normalise
from .xss_plan import (
    ALL_PAYLOADS,
    NOT_FED,
    SHOWN,
    Feeder,
    error_summary,
    project_forms,
    text_fields,
)

# --- 1. the plan is complete --------------------------------------------------------------


def test_every_text_field_of_every_form_is_planned() -> None:
    discovered = {
        f"{path}.{name}" for path, form in project_forms().items() for name in text_fields(form)
    }
    planned = set(SHOWN) | set(NOT_FED)
    assert sorted(discovered - planned) == [], "text fields missing from xss_plan.SHOWN/NOT_FED"
    assert sorted(planned - discovered) == [], "xss_plan names fields that no longer exist"
    assert len(discovered) >= 40  # the discovery itself works


# --- 2. the detector works ----------------------------------------------------------------


@pytest.mark.browser
def test_the_detector_fires_on_a_page_that_runs_the_payloads(browser) -> None:
    from django.utils.html import escape

    probe = Probe(browser, "http://detector.test")
    try:
        for number, payload in enumerate(CORPUS):
            raw = f"<!doctype html><title>t</title><main><p>{payload}</p></main>"
            probe.visit(f"/raw/{number}", label=f"raw {number}", html=raw, expect=[payload])
        raw_findings = list(probe.problems)
        probe.problems.clear()
        body = "".join(f"<p>{escape(p)}</p>" for p in CORPUS)
        escaped = f"<!doctype html><title>t</title><main><textarea>{escape(' '.join(CORPUS))}"
        escaped += f"</textarea>{body}</main>"
        probe.visit("/escaped", label="escaped", html=escaped, expect=CORPUS)
        assert probe.problems == []
    finally:
        probe.close()

    markup = {i for i, p in enumerate(CORPUS) if "<" in p and not p.startswith("<math>")}
    # Unescaped, every markup payload leaves an element, attribute or script behind (the
    # <math> one only fools sanitisers that re-serialise; raw it parses into inert text).
    assert {
        int(re.match(r"raw (\d+)", f).group(1))
        for f in raw_findings
        if "not shown as text" not in f
    } >= markup, raw_findings
    assert any("payload ran" in f for f in raw_findings), raw_findings
    assert any("dialog opened" in f for f in raw_findings), raw_findings
    # an entity decoded (what |safe on escaped text does) is caught by the text check
    entity = next(i for i, p in enumerate(CORPUS) if p.startswith("&lt;"))
    assert any(f.startswith(f"raw {entity}: not shown as text") for f in raw_findings)


# --- helpers for the browser tests --------------------------------------------------------


def session_cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def post_ok(client: Client, url: str, data: dict[str, Any], status: int = 302, **extra: Any):
    response = client.post(url, data, **extra)
    assert response.status_code == status, (url, response.status_code, error_summary(response))
    return response


def in_thread(function: Callable[[], Any]) -> Any:
    """Run ``function`` off the test thread, where Playwright's event loop runs: a view that
    calls ``async_to_sync`` (finalising tells live clients) must not see a running loop."""
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append(("ok", function()))
        except BaseException as error:  # re-raised in the test thread
            outcome.append(("error", error))

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    kind, value = outcome[0]
    if kind == "error":
        raise value
    return value


def forget_consult_rate(addresses: list[str]) -> None:
    """The consult page counts questions per address for an hour, in the shared cache (Redis
    outlives a test run); start these addresses from zero."""
    from django.core.cache import cache

    cache.delete_many([f"content:consult-rate:{address}" for address in addresses])


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _hostile_edit(text: Any) -> None:
    """Formats and embeds the toolbar never makes, appended to the notes ``text``."""
    text.insert(len(str(text)), "\nLink ", {"link": "javascript:window.__xss=1"})
    text.insert(len(str(text)), "kop", {"header": '1"><img src=x onerror=alert(3)>'})
    text.insert(len(str(text)), "\nlijst\n", {"list": "<svg onload=alert(4)>"})
    text.insert_embed(len(str(text)), {"image": "javascript:window.__xss=1"})
    text.insert_embed(len(str(text)), {"video": "javascript:window.__xss=1"})
    text.insert_embed(len(str(text)), {"formula": "<img src=x onerror=alert(5)>"})
    text.insert(len(str(text)), " einde hostiele client\n")


def _hostile_yjs_client(base_url: str, cookie: str, meeting_id: int) -> None:
    """A participant's own client, not the bundle, sends the hostile edit. The server refuses
    the update whole (``collaboration/live_notes/validation.py``: unknown formats, values of
    the wrong type, embeds) and closes the socket with 4422; nothing of it is stored."""
    from collaboration.live_notes import document
    from collaboration.live_notes.consumers import CLOSE_INVALID_UPDATE
    from tests.live_notes.netclient import NetClient
    from tests.live_notes.world import when_unlocked

    before = when_unlocked(lambda: document.plain_text(document.stored_update(meeting_id)))
    close_codes: list[int | None] = []

    async def run() -> None:
        client = NetClient(
            base_url.replace("http", "ws") + f"/ws/samenwerking/overleg/{meeting_id}/notities",
            cookie=f"{settings.SESSION_COOKIE_NAME}={cookie}",
            origin=base_url,
        )
        await client.connect()
        assert await client.until(lambda: client.can_edit is not None)
        assert client.can_edit
        with client.doc.transaction():
            _hostile_edit(client.text)
        await client.flush()
        with contextlib.suppress(TimeoutError):  # the close code then says what happened
            await asyncio.wait_for(asyncio.shield(client._reader), timeout=10)
        close_codes.append(client._ws.close_code)
        await client.close()

    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(run())
        except BaseException as error:  # reported in the test thread
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=20)
    assert not errors, errors
    assert close_codes == [CLOSE_INVALID_UPDATE], close_codes
    after = when_unlocked(lambda: document.plain_text(document.stored_update(meeting_id)))
    assert after == before and "einde hostiele client" not in after


def _plant_hostile_notes(meeting_id: int, user: Any) -> None:
    """The same edit written straight into the log, as notes stored before the check (or
    written around it) are: the pages must still show them as text, never as markup."""
    from pycrdt import Doc, Text

    from collaboration.live_notes import document
    from collaboration.live_notes.models import NoteUpdate
    from tests.live_notes.world import when_unlocked

    doc = Doc()
    text = doc.get(document.TEXT_NAME, type=Text)
    doc.apply_update(when_unlocked(lambda: document.stored_update(meeting_id)))
    state = doc.get_state()
    with doc.transaction():
        _hostile_edit(text)
    update = doc.get_update(state)
    when_unlocked(
        lambda: NoteUpdate.objects.create(
            meeting_id=meeting_id, user=user, connection_id="planted", size=len(update), data=update
        )
    )


def _wait_for_notes(meeting_id: int, text: str, timeout: float = 10.0) -> str:
    from tests.live_notes.world import stored_notes_when

    stored = stored_notes_when(
        meeting_id, lambda t: normalise(text) in normalise(t), seconds=timeout
    )
    if normalise(text) not in normalise(stored):
        raise AssertionError(f"notes not stored: {stored[:200]!r}")
    return stored


# --- 3. stored through the collaboration forms ---------------------------------------------


def _organisation_admin(organisation: Any) -> Any:
    """An admin for ``organisation``: a coordinator's invitation into it waits for one."""
    from collaboration.models import Membership
    from portal.accounts.models import User

    admin = User.objects.create_user(
        email=f"beheer-{organisation.pk}@xss.example", password=PASSWORD, full_name="Beheerder"
    )
    Membership.objects.create(user=admin, organisation=organisation, role="org_admin")
    return admin


def _approve_waiting(admin: Any) -> None:
    """Approve every accepted invitation that waits for ``admin``."""
    from collaboration.services.members import invitation_approve, pending_approvals

    for invitation in pending_approvals(admin):
        invitation_approve(actor=admin, invitation=invitation)


@dataclass
class _Walk:
    """One hostile walk through the case workspace: the feeder, the world, a verified client
    per role and the browser probe that reads every page."""

    feed: Feeder
    world: Any
    probe: Probe
    asgi_server: str
    coordinator: Client
    director: Client
    referrer: Client
    partner: Client
    privacy: Client

    @property
    def case(self) -> Any:
        return self.world.case

    @property
    def ref(self) -> str:
        return self.world.case.reference

    def visit(self, path: str, label: str, who: Client | None) -> str:
        self.probe.sign_in(session_cookie(who) if who else None)
        return self.probe.visit(path, label=label, expect=self.feed.expect(label))


def _walk_people(w: _Walk) -> list[Any]:
    """People: invitations (e-mail addresses with markup) and accounts with hostile names."""
    from collaboration.models import Membership

    feed, world, coordinator, visit = w.feed, w.world, w.coordinator, w.visit
    # People: invitations (e-mail addresses with markup) and accounts with hostile names.
    names = feed.plan(organisation_forms.InvitationAcceptForm, ["full_name"])
    invitations = feed.plan(cf.InvitationForm, ["email"], count=len(names))
    # the coordinator's invitations into the CAW wait for a CAW admin (issue 12, item 4)
    caw_admin = _organisation_admin(world.caw)
    mail.outbox.clear()
    for row in invitations:
        post_ok(
            coordinator,
            url("collaboration:invite"),
            {**row, "organisation": world.caw.pk, "role": "partner"},
        )
    tokens = re.findall(r"/account/uitnodiging/([^/\s]+)/", "".join(m.body for m in mail.outbox))
    assert len(tokens) == len(invitations)
    for i, token in enumerate(tokens[: len(EMAIL_CORPUS)]):
        visit(url("accounts:invitation_accept", token), f"invitation_accept@{i}", None)
    hostile_people = []
    for token, row in zip(tokens, names, strict=False):
        newcomer = Client()
        post_ok(
            newcomer,
            url("accounts:invitation_accept", token),
            {**row, "password1": PASSWORD, "password2": PASSWORD},
        )
        _approve_waiting(caw_admin)
        hostile_people.append(
            Membership.objects.filter(organisation=world.caw, user__full_name=row["full_name"])
            .select_related("user")
            .get()
            .user
        )
    assert len(hostile_people) == len(names)
    return hostile_people


def _caw_members(world: Any, count: int) -> list[Any]:
    from collaboration.models import Membership, Role
    from tests.factories.people import UserFactory

    members = [UserFactory(full_name=f"CAW-medewerker {n} (fictief)") for n in range(count)]
    for member in members:
        Membership.objects.create(user=member, organisation=world.caw, role=Role.PARTNER)
    return members


def _walk_legal_bases(w: _Walk) -> None:
    """The register of legal bases: a consent, a 458ter consultation and an urgency of each
    planned row, one consent withdrawn and one urgency reviewed with a hostile reason; the
    register shows every purpose, note and reason as text."""
    from collaboration.forms_legal_bases import (
        ConsentForm,
        ConsultationForm,
        EndBasisForm,
        UrgentForm,
        UrgentReviewForm,
    )
    from collaboration.models import FamilyMember, LegalBasis

    feed, world, ref, director = w.feed, w.world, w.ref, w.director
    mother = FamilyMember.objects.create(
        case=w.case, name="Moeder Fictief", birth_year=1988, family_role="mother"
    )
    services = [str(world.caw.pk), str(world.police.pk)]
    common = {"organisations": services, "given_on": "2026-01-10"}
    for row in feed.plan(ConsentForm, ["purpose", "family_informed_note"]):
        post_ok(
            director,
            url("collaboration:legal_basis_consent", ref),
            {
                **row,
                **common,
                "consent_of": mother.pk,
                "consent_recorded": "oral",
                "family_informed": "no",
            },
        )
    for row in feed.plan(
        ConsultationForm, ["purpose", "framework_reference", "family_informed_note"]
    ):
        post_ok(
            director,
            url("collaboration:legal_basis_consultation", ref),
            {**row, **common, "framework": "prosecutor", "family_informed": "no"},
        )
    for row in feed.plan(UrgentForm, ["purpose"]):
        post_ok(director, url("collaboration:legal_basis_urgent", ref), {**row, **common})
    for row in feed.plan(EndBasisForm, ["reason"]):
        consent = LegalBasis.objects.filter(kind="consent", ended_at__isnull=True).first()
        assert consent is not None
        post_ok(director, url("collaboration:legal_basis_end", ref, consent.pk), row)
    for row in feed.plan(UrgentReviewForm, ["note"]):
        urgent = LegalBasis.objects.filter(kind="urgent", reviewed_at__isnull=True).first()
        assert urgent is not None
        post_ok(
            w.coordinator,
            url("collaboration:legal_basis_review", ref, urgent.pk),
            {**row, "outcome": "ended"},
        )
    w.visit(url("collaboration:legal_bases", ref), "legal_bases", director)


def _walk_workspace(w: _Walk, hostile_people: list[Any]) -> tuple[Any, Any, list[Any], Any]:
    """The case workspace, form by form; the goal, the action and the meetings it made."""
    from collaboration.models import Action, Goal, Meeting

    feed, world, case, ref, director, partner, visit = (
        w.feed,
        w.world,
        w.case,
        w.ref,
        w.director,
        w.partner,
        w.visit,
    )
    _walk_legal_bases(w)
    basis = {"legal_basis": standing_basis(case)}
    # The case workspace, form by form.
    visit(url("collaboration:participant_add", ref), "participant_add_form", director)
    rows = feed.plan(
        cf.ParticipantForm, ["role_in_case", "task_division"], count=len(hostile_people)
    )
    # a long tag packs the corpus into more rows than there are hostile people: everyone fed
    # is posted, the extra rows for plain CAW members
    people = [*hostile_people, *_caw_members(world, len(rows) - len(hostile_people))]
    for person, row in zip(people, rows, strict=True):
        post_ok(
            director,
            url("collaboration:participant_add", ref),
            {**row, "membership": f"{person.pk}:{world.caw.pk}", **basis},
        )
    for row in feed.plan(cf.FamilyMemberForm, ["name"]):
        post_ok(
            director,
            url("collaboration:family_add", ref),
            {**row, "birth_year": "2012", "family_role": "child"},
        )
    assessment = feed.plan(cf.AssessmentForm, ["strengths", "worries", "concerns", "wishes"])
    for row in assessment:
        post_ok(partner, url("collaboration:assessment", ref, "housing"), row)
    for row in feed.plan(cf.GoalForm, ["description"]):
        post_ok(director, url("collaboration:goal_add", ref), {**row, "domain": "housing"})
    goal = Goal.objects.filter(plan__case=case).latest("pk")
    for row in feed.plan(cf.ActionForm, ["description"]):
        post_ok(
            director,
            url("collaboration:action_add", ref),
            {
                **row,
                "goal": goal.pk,
                "organisation": world.caw.pk,
                "responsible": hostile_people[0].pk,
                "due_date": "2030-01-01",
            },
        )
    action = Action.objects.filter(case=case).latest("pk")
    for row in feed.plan(cf.ActionStatusForm, ["reason"]):
        post_ok(
            partner,
            url("collaboration:action_status", ref, action.pk),
            {**row, "status": "not_possible"},
        )
    for row in feed.plan(cf.TimelineEntryForm, ["title", "body"]):
        post_ok(
            partner,
            url("collaboration:timeline_add", ref),
            {**row, "kind": "note", "occurred_on": "2026-01-15", "visibility": "all", **basis},
        )
    for number, row in enumerate(feed.plan(cf.DocumentForm, ["title"])):
        upload = SimpleUploadedFile(f"verslag-{number}.pdf", b"%PDF-1.4\n fictief verslag")
        post_ok(
            partner,
            url("collaboration:document_upload", ref),
            {**row, "visibility": "all", "file": upload, **basis},
        )
    # retractions: the reason is shown, in place of the entry, to those who saw it
    from collaboration.services import timeline

    for row in feed.plan(cf.RetractForm, ["reason"]):
        entry = timeline.timeline_entry_add(
            actor=world.caw_partner,
            case=case,
            legal_basis_id=standing_basis(case),
            kind="note",
            occurred_on=datetime.date(2026, 1, 15),
            title="In te trekken",
        )
        post_ok(partner, url("collaboration:timeline_retract", ref, entry.pk), row)
    # removals: the reason is shown on the case page, with the removed family member
    from collaboration.models import FamilyMember

    for row in feed.plan(cf.RemovalForm, ["reason"]):
        leaving = FamilyMember.objects.create(
            case=case, name="Te verwijderen", birth_year=2014, family_role="child"
        )
        post_ok(director, url("collaboration:family_remove", ref, leaving.pk), row)
    starts = timezone.localtime() + datetime.timedelta(days=7)
    for row in feed.plan(fm.MeetingForm, ["place"]):
        post_ok(
            director,
            url("collaboration:meeting_add", ref),
            {
                **row,
                "kind": "network",
                "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
                "invitees": [world.caw_partner.pk],
                **basis,
            },
        )
    meetings = list(Meeting.objects.filter(case=case).order_by("pk"))
    return goal, action, meetings, starts


def _walk_corrections(w: _Walk, goal: Any, action: Any) -> None:
    """Corrections of every kind, each field and reason fed: the case page shows the current
    values, the last reason and every earlier version (before and after) as text."""
    from collaboration.forms_corrections import CORRECTION_FORMS
    from collaboration.models import Action, CaseDocument, CaseParticipant, FamilyMember
    from collaboration.services import timeline
    from collaboration.services.corrections import CORRECTABLE

    case, ref, director = w.case, w.ref, w.director
    items = {
        "family_member": FamilyMember.objects.create(
            case=case, name="Te corrigeren", birth_year=2014, family_role="child"
        ),
        "participant": CaseParticipant.objects.get(case=case, user=w.world.caw_partner),
        "goal": goal,
        # an action of its own: the action-status page shows the first action's description
        "action": Action.objects.create(
            goal=action.goal, case=case, description="Te corrigeren", organisation=w.world.caw
        ),
        "timeline_entry": timeline.timeline_entry_add(
            actor=w.world.director,
            case=case,
            legal_basis_id=standing_basis(case),
            kind="note",
            occurred_on=datetime.date(2026, 1, 15),
            title="Te corrigeren",
        ),
        "document": CaseDocument.objects.filter(case=case).latest("pk"),
    }
    for kind, item in items.items():
        form = CORRECTION_FORMS[kind]
        texts = [n for n in text_fields(form) if n != "version"]
        for row in w.feed.plan(form, texts):
            item.refresh_from_db()
            current = {}
            for name in CORRECTABLE[kind].fields:
                value = getattr(item, item._meta.get_field(name).attname)
                current[name] = "" if value is None else value
            post_ok(
                director, url(f"collaboration:{kind}_correct", ref, item.pk), {**current, **row}
            )


def _walk_risk(w: _Walk) -> None:
    """Risk assessments whose own judgement differs from the computed level, the corpus as the
    reason: the risk page shows each as text."""
    from collaboration.forms_risk import QUESTION_PREFIX, RiskAssessmentForm
    from collaboration.models import RiskInstrument
    from collaboration.risk_instruments import DEMO_INSTRUMENT, load_instrument_file

    instrument = RiskInstrument.objects.filter(is_active=True).first()
    instrument = instrument or load_instrument_file(DEMO_INSTRUMENT)
    answers = {QUESTION_PREFIX + q.key: "no" for q in instrument.questions.all()}
    for row in w.feed.plan(RiskAssessmentForm, ["override_reason"]):
        post_ok(
            w.partner,
            url("collaboration:risk_assess", w.ref),
            {**row, **answers, "family_member": "", "judged_level": "high"},
        )
    w.visit(url("collaboration:risk_list", w.ref), "risk_list", w.partner)
    # safety plans: each save a new version of the same person's plan
    from collaboration.forms_safety_plans import SafetyPlanForm
    from collaboration.models import SAFETY_PLAN_FIELDS, FamilyMember

    member = FamilyMember.objects.create(
        case=w.case, name="Veilig Fictief", birth_year=1990, family_role="mother"
    )
    edit = url("collaboration:safety_plan_edit", w.ref, member.pk)
    for version, row in enumerate(w.feed.plan(SafetyPlanForm, list(SAFETY_PLAN_FIELDS))):
        post_ok(
            w.partner, edit, {**row, "based_on": version, "legal_basis": standing_basis(w.case)}
        )
    w.visit(url("collaboration:safety_plan", w.ref, member.pk), "safety_plan", w.partner)
    w.visit(edit, "safety_plan_form", w.partner)


def _walk_flags(w: _Walk) -> None:
    """Flags: custom flags with hostile labels and reasons raised by the partner, flags removed
    by the director with hostile reasons; the case page shows both (the removals in the
    flag history)."""
    from collaboration.forms_flags import FlagRaiseForm, FlagRemoveForm
    from collaboration.services.flags import flag_raise

    case, ref, director, partner = w.case, w.ref, w.director, w.partner
    for row in w.feed.plan(FlagRaiseForm, ["custom_label", "reason"]):
        post_ok(partner, url("collaboration:flag_raise", ref), {**row, "kind": "custom"})
    for row in w.feed.plan(FlagRemoveForm, ["reason"]):
        flag = flag_raise(actor=w.world.caw_partner, case=case, kind="weapons", reason="Fictief")
        post_ok(director, url("collaboration:flag_remove", ref, flag.pk), row)


def _walk_meetings_as_they_happen(w: _Walk, starts: Any) -> None:
    """Meetings as they happen: one recorded after the fact, one moved, one cancelled."""
    from collaboration.models import Meeting

    feed, world, case, ref, director = w.feed, w.world, w.case, w.ref, w.director
    # Meetings as they happen: one recorded after the fact, one moved, one cancelled.
    past = timezone.localtime() - datetime.timedelta(days=1)
    for row in feed.plan(fm.MeetingRecordForm, ["place"]):
        post_ok(
            director,
            url("collaboration:meeting_record", ref),
            {
                **row,
                "kind": "network",
                "starts_at": past.strftime("%Y-%m-%dT%H:%M"),
                "invitees": [world.caw_partner.pk],
                "legal_basis": standing_basis(case),
            },
        )

    def planned_meeting() -> int:
        post_ok(
            director,
            url("collaboration:meeting_add", ref),
            {
                "kind": "network",
                "place": "Veilig Huis",
                "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
                "invitees": [world.caw_partner.pk],
                "legal_basis": standing_basis(case),
            },
        )
        return Meeting.objects.filter(case=case).latest("pk").pk

    later = starts + datetime.timedelta(days=1)
    for row in feed.plan(fm.MeetingRescheduleForm, ["place"]):
        post_ok(
            director,
            url("collaboration:meeting_reschedule", ref, planned_meeting()),
            {**row, "starts_at": later.strftime("%Y-%m-%dT%H:%M")},
        )
    for row in feed.plan(fm.MeetingCancelForm, ["reason"]):
        post_ok(director, url("collaboration:meeting_cancel", ref, planned_meeting()), row)


def _walk_meeting(w: _Walk, meetings: list[Any], goal: Any, hostile_people: list[Any]) -> None:
    """The meeting: agenda, attendance, live notes typed in the browser and sent by a hostile
    client, then the minutes with the agreed actions."""
    from collaboration.models import Meeting

    feed, world, director, partner, probe, visit, asgi_server = (
        w.feed,
        w.world,
        w.director,
        w.partner,
        w.probe,
        w.visit,
        w.asgi_server,
    )
    meeting = meetings[0]
    # The meeting: agenda, attendance, live notes typed in the browser and sent by a
    # hostile client, then the minutes with the agreed actions.
    for who in (director, partner):
        post_ok(who, url("live_notes:acknowledge", meeting.pk), {"confirm": "yes"})
    agenda = feed.plan(fm.PrepareForm, ["agenda"], limits={"agenda": 200})
    people = {f"person_{u.pk}": "present" for u in [world.director, *hostile_people]}
    post_ok(
        director,
        url("live_notes:prepare", meeting.pk),
        {"agenda": "\n".join(r["agenda"] for r in agenda), "started": "on", **people},
    )
    typed = " ".join(CORPUS)
    probe.sign_in(session_cookie(director))
    probe.page.goto(f"{asgi_server}{url('live_notes:meeting', meeting.pk)}")
    probe.page.wait_for_selector(".ql-editor[contenteditable=true]", timeout=10_000)
    probe.page.locator(".ql-editor").click()
    probe.page.keyboard.insert_text(typed)
    _wait_for_notes(meeting.pk, typed)
    _hostile_yjs_client(asgi_server, session_cookie(partner), meeting.pk)
    _plant_hostile_notes(meeting.pk, world.caw_partner)
    _wait_for_notes(meeting.pk, "einde hostiele client")
    probe.sign_in(session_cookie(partner))
    probe.page.goto(f"{asgi_server}{url('live_notes:meeting', meeting.pk)}")
    probe.page.wait_for_function(
        "() => document.querySelector('.ql-editor')"
        " && document.querySelector('.ql-editor').innerText.includes('einde hostiele')",
        timeout=10_000,
    )
    live = probe.visit(
        url("live_notes:meeting", meeting.pk),
        label="meeting@0",
        expect=[typed, *feed.expect("meeting@0")],
    )
    embeds = probe.page.evaluate(
        "() => [...document.querySelectorAll('.ql-editor img, .ql-editor iframe,"
        " .ql-editor video, .ql-editor .ql-formula')].map(e => e.outerHTML)"
    )
    assert embeds == [], f"the editor shows embeds the toolbar cannot make: {embeds}"
    assert "einde hostiele client" in live
    for number, other in enumerate(meetings[1:], start=1):
        visit(url("live_notes:meeting", other.pk), f"meeting@{number}", director)

    agreed = feed.plan(fm.AgreedActionForm, ["description"])
    formset = {
        "actie-TOTAL_FORMS": str(len(agreed)),
        "actie-INITIAL_FORMS": "0",
        "actie-MIN_NUM_FORMS": "0",
        "actie-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(agreed):
        formset |= {
            f"actie-{i}-goal": goal.pk,
            f"actie-{i}-description": row["description"],
            f"actie-{i}-organisation": world.caw.pk,
            f"actie-{i}-responsible": hostile_people[-1].pk,
            f"actie-{i}-due_date": "",
        }
    # Planned for next week through the form; it took place an hour ago for the minutes.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    in_thread(lambda: post_ok(director, url("live_notes:finalise", meeting.pk), formset))
    visit(url("live_notes:meeting", meeting.pk), "minutes", partner)


def _walk_phases_and_closure(w: _Walk, action: Any) -> None:
    """The workspace pages that show all of it; phases, closing and reopening; break the glass."""
    from collaboration.models import Action

    feed, case, ref, coordinator, director, partner, privacy, visit = (
        w.feed,
        w.case,
        w.ref,
        w.coordinator,
        w.director,
        w.partner,
        w.privacy,
        w.visit,
    )
    # The workspace pages that show all of it, and the forms that show some of it again.
    visit(url("collaboration:assessment", ref, "housing"), "assessment_form", partner)
    visit(url("collaboration:action_status", ref, action.pk), "action_status_form", partner)
    visit(url("collaboration:action_add", ref), "action_add_form", director)
    visit(url("collaboration:members"), "members", coordinator)

    # Phases: each reason lands on the timeline; closing and reopening.
    post_ok(director, url("collaboration:plan_presented", ref), {"presented_on": "2026-01-20"})
    # Four eyes: the coordinator refuses with a reason (the plan goes back and is presented
    # again) until the last row approves with a comment; each shows on the case page.
    comments = feed.plan(fa.PlanApprovalForm, ["comment"])
    for number, row in enumerate(comments):
        last = number == len(comments) - 1
        approve = url("collaboration:plan_approval", ref)
        visit(approve, f"plan_approval_form@{number}", coordinator)
        post_ok(coordinator, approve, {**row, "decision": "approve" if last else "refuse"})
        visit(url("collaboration:case_detail", ref), f"plan_approved@{number}", director)
        if not last:
            post_ok(
                director, url("collaboration:plan_presented", ref), {"presented_on": "2026-01-20"}
            )
    reasons = feed.plan(cf.PhaseChangeForm, ["reason"])
    for to_phase in ("execution", "completion"):
        if to_phase == "completion":
            # completion needs every action finished and the plan evaluated
            for pk in Action.objects.filter(case=case, status="open").values_list("pk", flat=True):
                post_ok(
                    director,
                    url("collaboration:action_status", ref, pk),
                    {"status": "done", "reason": ""},
                )
            evaluations = feed.plan(fc.PlanEvaluationForm, ["evaluation"])
            for number, row in enumerate(evaluations):
                post_ok(
                    director,
                    url("collaboration:plan_evaluate", ref),
                    {**row, "evaluated_on": "2026-01-20"},
                )
                visit(url("collaboration:case_detail", ref), f"plan_evaluated@{number}", director)
        for row in reasons:
            post_ok(director, url("collaboration:case_phase", ref), {**row, "to_phase": to_phase})
    # Closing with "Nee" everywhere (a reason each): a coordinator reads and confirms.
    criteria = {name: "no" for name, _label in CLOSURE_CRITERIA}
    closures = feed.plan(
        fc.ClosureForm,
        [
            "closing_summary",
            "contact_card",
            *(reason_field(name) for name, _label in CLOSURE_CRITERIA),
        ],
    )
    notes = feed.plan(fc.ClosureDecisionForm, ["note"], count=len(closures))
    for number, (row, note) in enumerate(zip(closures, notes, strict=False)):
        if number:  # closed by the previous row: reopened and back in completion
            post_ok(
                director,
                url("collaboration:case_reopen", ref),
                {"incident": "Opnieuw", "to_phase": "execution"},
            )
            post_ok(
                director,
                url("collaboration:case_phase", ref),
                {"reason": "", "to_phase": "completion"},
            )
        post_ok(director, url("collaboration:case_close", ref), {**row, **criteria})
        decide = url("collaboration:case_closure_decide", ref)
        visit(decide, f"closure_decide@{number}", coordinator)
        post_ok(coordinator, decide, {**note, "decision": "confirm"})
        visit(url("collaboration:case_detail", ref), f"closure_closed@{number}", director)
    visit(url("collaboration:case_detail", ref), "case:closed", director)
    for row in feed.plan(cf.ReopenForm, ["incident"]):
        post_ok(director, url("collaboration:case_reopen", ref), {**row, "to_phase": "execution"})
    visit(url("collaboration:case_detail", ref), "case", director)

    # Break the glass: the justification is stored for the audit trail.
    for row in feed.plan(cf.BreakGlassForm, ["justification"]):
        post_ok(privacy, url("collaboration:break_glass"), {**row, "reference": ref})
    visit(url("collaboration:notifications"), "notifications", director)
    visit(url("collaboration:case_audit", ref), "case_audit", director)
    visit(f"{url('audit:log')}?case={ref}", "audit_log", privacy)


def _walk_referral_and_consults(w: _Walk) -> None:
    """A referral declined with the corpus as reason; consult questions from the public page."""
    from collaboration.models import ConsultRequest, Referral
    from content.demo import ensure_home_page
    from content.forms import ConsultRequestForm, form_token
    from content.models import ConsultPage

    feed, world, ref, coordinator, director, referrer, visit = (
        w.feed,
        w.world,
        w.ref,
        w.coordinator,
        w.director,
        w.referrer,
        w.visit,
    )
    # A referral with the corpus in every text field, declined with the corpus as reason.
    for row in feed.plan(
        cf.ReferralForm,
        [
            "family_composition",
            "criterion_complexity",
            "criterion_multiple_domains",
            "criterion_stuck_help",
            "services_involved",
        ],
    ):
        data = referral_data(world.clb) | row | {"organisation": world.clb.pk}
        post_ok(referrer, url("collaboration:referral_create"), {**data, "once": new_token()})
    referral = Referral.objects.filter(referrer=world.referrer).latest("pk")
    visit(url("collaboration:referral_detail", referral.pk), "referral:coordinator", coordinator)
    for row in feed.plan(cf.ReferralDeclineForm, ["reason", "advice"]):
        post_ok(coordinator, url("collaboration:referral_decline", referral.pk), row)
    visit(url("collaboration:referral_detail", referral.pk), "referral:referrer", referrer)
    visit(url("collaboration:referral_list"), "referral_list", coordinator)

    # Consult questions from the public consult page, into the coordinators' inbox.
    home = ensure_home_page()
    consult_page = ConsultPage(title="Consult", slug="consult", thank_you_text="Bedankt.")
    home.add_child(instance=consult_page)
    consult_page.save_revision().publish()
    questions = feed.plan(
        ConsultRequestForm, ["name", "organisation", "email", "phone", "question"]
    )
    addresses = [f"192.0.2.{number + 1}" for number in range(len(questions))]
    forget_consult_rate(addresses)  # a count left in Redis by an earlier run
    for number, row in enumerate(questions):
        post_ok(
            Client(),
            consult_page.url,
            {
                **row,
                "region": "oost-vlaanderen",
                "website": "",
                "shown_at": form_token(time.time() - 60),
                "once": new_token(),
            },
            REMOTE_ADDR=addresses[number],
        )
    consults = list(ConsultRequest.objects.order_by("pk"))
    assert len(consults) == len(questions)
    for row in feed.plan(cf.ConsultAnswerForm, ["answer"]):
        post_ok(coordinator, url("collaboration:consult_detail", consults[0].pk), row)
    visit(url("collaboration:consult_inbox"), "consult_inbox", coordinator)
    for number, consult in enumerate(consults):
        visit(
            url("collaboration:consult_detail", consult.pk),
            f"consult_detail@{number}",
            coordinator,
        )
    visit(url("collaboration:consult_convert", consults[1].pk), "consult_convert", coordinator)
    visit(f"{url('collaboration:case_list')}?q={ref}", "case_list", director)
    visit(url("collaboration:home"), "dashboard", director)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_collaboration_forms_show_hostile_text_as_text(
    world,
    verified_client: Callable[..., Client],
    browser: Any,
    asgi_server: str,
) -> None:
    feed = Feeder()
    probe = Probe(browser, asgi_server)
    w = _Walk(
        feed=feed,
        world=world,
        probe=probe,
        asgi_server=asgi_server,
        coordinator=verified_client(world.coordinator),
        director=verified_client(world.director),
        referrer=verified_client(world.referrer),
        partner=verified_client(world.caw_partner),
        privacy=verified_client(world.privacy),
    )
    try:
        hostile_people = _walk_people(w)
        goal, action, meetings, starts = _walk_workspace(w, hostile_people)
        _walk_corrections(w, goal, action)
        _walk_risk(w)
        _walk_flags(w)
        _walk_meetings_as_they_happen(w, starts)
        _walk_meeting(w, meetings, goal, hostile_people)
        _walk_phases_and_closure(w, action)
        _walk_referral_and_consults(w)
        problems, visited = list(probe.problems), list(probe.visited)
    finally:
        probe.close()

    assert problems == [], "\n".join(problems)
    assert probe.dialogs == []
    gaps = [
        g
        for g in feed.missing()
        if "training" not in g and "signup" not in g and "subject_access" not in g
    ]
    assert gaps == [], gaps
    assert len(visited) >= 25


# --- 3a. stored through the subject-access forms (the audit area) ------------------------


def _post_the_persons_rights(
    feed: Feeder, privacy: Client, rights_url: str, member: Any, case: Any, today: str
) -> None:
    """On a request's rights page: rectifications and their handling, restrictions and their
    lifting, each with the corpus as text."""
    from collaboration import forms_subject_access as sa
    from collaboration.models import ProcessingRestriction, RectificationRequest

    for row in feed.plan(sa.RectificationForm, ["request_text"]):
        post_ok(
            privacy,
            rights_url,
            {
                "form": "rectification",
                "rechtzetting-kind": "annotate",
                "rechtzetting-target": "",
                "rechtzetting-request_text": row["request_text"],
                "rechtzetting-received_on": today,
            },
        )
    rectifications = list(RectificationRequest.objects.filter(family_member=member))
    handled = feed.plan(sa.HandleRectificationForm, ["text"], count=len(rectifications))
    for rectification, row in zip(rectifications, handled, strict=True):
        prefix = f"r{rectification.pk}"
        post_ok(
            privacy,
            rights_url,
            {
                "form": "handle",
                "id": rectification.pk,
                f"{prefix}-outcome": "annotated",
                f"{prefix}-text": row["text"],
            },
        )
    for row in feed.plan(sa.RestrictionForm, ["reason"]):
        post_ok(
            privacy,
            rights_url,
            {"form": "restriction", "beperking-target": "", "beperking-reason": row["reason"]},
        )
    restrictions = list(ProcessingRestriction.objects.filter(case=case))
    lifted = feed.plan(sa.LiftForm, ["lift_reason"], count=len(restrictions))
    for restriction, row in zip(restrictions, lifted, strict=True):
        post_ok(
            privacy,
            rights_url,
            {
                "form": "lift",
                "id": restriction.pk,
                f"l{restriction.pk}-lift_reason": row["lift_reason"],
            },
        )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_subject_access_forms_show_hostile_text_as_text(
    world,
    verified_client: Callable[..., Client],
    browser: Any,
    asgi_server: str,
) -> None:
    """A privacy officer registers requests with the corpus as requester, checker and note,
    withholds the police entry with the corpus as reason, and records the person's
    rectification, its handling, a restriction and its lifting with the corpus as text."""
    from collaboration import forms_subject_access as sa
    from collaboration.models import (
        FamilyMember,
        SubjectAccessRequest,
    )
    from collaboration.services import timeline

    feed = Feeder()
    case, ref = world.case, world.case.reference
    member = FamilyMember.objects.create(
        case=case, name="Tom Pompelmoes", birth_year=1984, family_role="father"
    )
    timeline.timeline_entry_add(
        actor=world.police_partner,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="police",
        occurred_on=datetime.date(2026, 1, 5),
        title="Proces-verbaal (fictief)",
        body="Verhoor (fictief).",
        visibility="audience",
        sectors=["police"],
    )
    today = timezone.localdate().isoformat()
    privacy = verified_client(world.privacy)
    probe = Probe(browser, asgi_server)

    def visit(path: str, label: str) -> None:
        probe.sign_in(session_cookie(privacy))
        probe.visit(path, label=label, expect=feed.expect(label))

    try:
        requests = []
        for row in feed.plan(
            sa.RegisterForm, ["requester_name", "identity_checked_by", "identity_note"]
        ):
            post_ok(
                privacy,
                url("audit:subject_access_new"),
                {
                    **row,
                    "dossier": ref,
                    "member": member.pk,
                    "requester_relation": "self",
                    "identity_check": "other",
                    "received_on": today,
                },
            )
            requests.append(SubjectAccessRequest.objects.latest("pk"))
        for sar, row in zip(requests, feed.plan(sa.DecisionForm, ["reason"]), strict=False):
            post_ok(privacy, url("audit:subject_access_assemble", sar.pk), {})
            held = list(sar.held_items.all())  # the police's entry, part and reads
            assert held
            for item in held:
                prefix = f"item-{item.pk}"
                post_ok(
                    privacy,
                    url("audit:subject_access_decide", sar.pk, item.pk),
                    {f"{prefix}-decision": "withhold", f"{prefix}-reason": row["reason"]},
                )
        for number, sar in enumerate(requests):
            visit(url("audit:subject_access_detail", sar.pk), f"subject_access_detail@{number}")

        # The person's rights, on the first request's page.
        sar = requests[0]
        rights_url = url("audit:subject_access_rights", sar.pk)
        _post_the_persons_rights(feed, privacy, rights_url, member, case, today)
        visit(rights_url, "subject_access_rights")
        problems, visited = list(probe.problems), list(probe.visited)
    finally:
        probe.close()

    assert problems == [], "\n".join(problems)
    assert probe.dialogs == []
    gaps = [g for g in feed.missing() if "subject_access" in g]
    assert gaps == [], gaps
    assert len(visited) >= 2


# --- 4. every form, posted with the corpus in every field ---------------------------------


class _Forms(HTMLParser):
    """The forms of a page: method, action and their controls (tag, type, name, maxlength)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = {
                "method": attributes.get("method", "get").lower(),
                "action": attributes.get("action", ""),
                "fields": [],
            }
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current is not None:
            kind = attributes.get("type", "text").lower() if tag == "input" else tag
            maxlength = attributes.get("maxlength", "")
            self._current["fields"].append(
                (
                    kind,
                    attributes.get("name", ""),
                    int(maxlength) if maxlength.isdigit() else 0,
                    attributes.get("value", ""),
                )
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


TEXT_KINDS = {"text", "email", "search", "tel", "url", "textarea"}
SKIP_KINDS = {"submit", "button", "image", "reset"}
# Framework plumbing kept as rendered (a wizard's step, a formset's counts): with the corpus in
# them the form is not even parsed, and the fields around them would not be tested.
PLUMBING = re.compile(r"(current_step|-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)$")
# Forms on every page that are not the page's own: signing out would end the test's session.
GLOBAL_ACTIONS = ("/account/afmelden/",)


def _fields_of(form: dict[str, Any]) -> list[str]:
    """The names a form posts besides its CSRF token and buttons."""
    return [
        name
        for kind, name, _maxlength, _value in form["fields"]
        if name and name != "csrfmiddlewaretoken" and kind not in SKIP_KINDS
    ]


def hostile_data(
    fields: list[tuple[str, str, int, str]],
    *,
    method: str = "post",
    keep: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], list[str]]:
    """The corpus in every control (for a POST longer than its maxlength, so the form comes
    back; for a GET as much as the browser would send); and the values that must show as text
    on the page that answers. Controls named in ``keep`` (hidden ones that say which record
    or which of a page's forms a post is about) keep their rendered value."""
    data: dict[str, Any] = {}
    shown: list[str] = []
    for kind, name, maxlength, rendered in fields:
        if not name or name == "csrfmiddlewaretoken" or kind in SKIP_KINDS or name in data:
            continue
        if PLUMBING.search(name) or (kind == "hidden" and name in keep):
            data[name] = rendered
            continue
        if method == "get":
            data[name] = ALL_PAYLOADS[:maxlength] if maxlength else ALL_PAYLOADS
            if kind in TEXT_KINDS:
                shown.append(data[name])
            continue
        if kind == "file":
            data[name] = SimpleUploadedFile(
                '"><img src=x onerror=alert(9)>.pdf', b"%PDF-1.4\n<script>alert(9)</script>"
            )
            continue
        value = ALL_PAYLOADS
        while maxlength and len(value) <= maxlength:
            value += " " + ALL_PAYLOADS
        data[name] = value
        if kind in TEXT_KINDS:
            shown.append(value)
    return data, shown


def _every_form_records(world: Any, make_user: Callable[..., Any]) -> SimpleNamespace:
    """A record behind every form: a second case waiting for closure, a goal and an action, a
    held and a planned meeting, a referral, a consult, an invitation, a course with a quiz
    attempt, a peer-support registration, subject-access requests, a retention proposal and
    accounts (one signed in with a password only)."""
    from collaboration.models import Action, ConsultRequest, Meeting, Membership
    from collaboration.services import plans, timeline
    from collaboration.services.members import invitation_send
    from collaboration.services.referrals import referral_submit
    from content.demo import ensure_home_page
    from content.models import ConsultPage
    from content.training.models import (
        LessonPage,
        QuizPage,
        TrainingIndexPage,
        TrainingSession,
    )
    from content.training.services.learning import enrolment_create
    from content.training.services.quizzes import attempt_start
    from content.training.services.sessions import registration_create
    from tests.factories.courses import QUESTIONS, publish, stream

    case = world.case
    # a second case whose closure waits for the coordinator (the decision form)
    from collaboration.models import Case, ClosureRequest

    waiting = Case.objects.create(
        reference="VH-OVL-2026-9001",
        region=case.region,
        phase="completion",
        case_director=world.director,
    )
    closure_request = ClosureRequest.objects.create(
        case=waiting,
        criteria={name: "no" for name, _label in CLOSURE_CRITERIA},
        reasons={name: "Fictief" for name, _label in CLOSURE_CRITERIA},
        closing_summary="Samenvatting",
        contact_card="CAW",
        requested_by=world.director,
    )
    # its closure and its plan wait for the coordinator's four eyes (the decision forms)
    from collaboration.models import ActionPlan, Approval

    Approval.objects.create(
        case=waiting, subject="closure", closure=closure_request, requested_by=world.director
    )
    Approval.objects.create(
        case=waiting,
        subject="plan",
        plan=ActionPlan.objects.create(case=waiting, version=1, created_by=world.director),
        requested_by=world.director,
    )
    goal = plans.goal_add(actor=world.director, case=case, domain="housing", description="Wonen")
    action = Action.objects.get(
        pk=plans.action_add(
            actor=world.director,
            case=case,
            goal_id=goal.pk,
            description="Huisbezoek",
            organisation_id=world.caw.pk,
            responsible=None,
            due_date=None,
        ).pk
    )
    meeting = Meeting.objects.create(
        case=case,
        kind="network",
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        place="Zaal 1",
        created_by=world.director,
    )
    planned = Meeting.objects.create(
        case=case,
        kind="network",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        place="Zaal 2",
        created_by=world.director,
    )
    from collaboration.live_notes.models import Acknowledgement

    Acknowledgement.objects.create(meeting=meeting, user=world.director)
    pending = referral_submit(actor=world.referrer, **referral_data(world.clb))
    consult = ConsultRequest.objects.create(
        name="Fictieve Leerkracht",
        organisation="School",
        email="leerkracht@school.example",
        region="oost-vlaanderen",
        question="Vraag",
    )
    _organisation_admin(world.caw)
    _invitation, token = invitation_send(
        actor=world.coordinator,
        email="nieuw@test.example",
        organisation=world.caw,
        role="partner",
    )
    home = ensure_home_page()
    consult_page = publish(home, ConsultPage(title="Consult", slug="consult", thank_you_text="x"))
    index = publish(home, TrainingIndexPage(title="Vorming", slug="vorming"))
    course = _publish_course(index)
    publish(course, LessonPage(title="Les", slug="les", body=stream([("text", "<p>Les</p>")])))
    quiz = publish(course, QuizPage(title="Toets", slug="toets", questions=stream(QUESTIONS)))
    learner = make_user(email="lerende@test.example", full_name="Fien Fictief")
    enrolment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    start = timezone.now() + datetime.timedelta(days=7)
    session = TrainingSession.objects.create(
        kind="peer_support",
        title="Lotgenoten",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        location="Gent",
        capacity=5,
        training_hours=1,
    )
    registration = registration_create(
        session_id=session.pk, display_name="Anna", email="anna@test.example"
    )
    # subject access: a request registered and assembled (the police's items held), a
    # rectification and a restriction on the person's rights page; a retention proposal
    from collaboration.models import FamilyMember, RetentionRun
    from collaboration.services import retention
    from collaboration.subject_access import rights as sa_rights
    from collaboration.subject_access import services as sa_services

    member = FamilyMember.objects.create(
        case=case, name="Tom Pompelmoes", birth_year=1984, family_role="father"
    )
    # a family member for the removal form (posting it removes them: among the last pages)
    leaving = FamilyMember.objects.create(
        case=case, name="Lies Vertrokken", birth_year=2015, family_role="child"
    )
    police_entry = timeline.timeline_entry_add(
        actor=world.police_partner,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="police",
        occurred_on=datetime.date(2026, 1, 5),
        title="Proces-verbaal (fictief)",
        body="Verhoor (fictief).",
        visibility="audience",
        sectors=["police"],
    )
    # an entry of the CAW's partner, for the retraction form
    partner_entry = timeline.timeline_entry_add(
        actor=world.caw_partner,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="note",
        occurred_on=datetime.date(2026, 1, 5),
        title="Notitie (fictief)",
    )
    sar = sa_services.subject_access_register(
        actor=world.privacy,
        requester_name="Tom Pompelmoes",
        requester_relation="self",
        identity_checked_by="Pia Privacy, Veilig Huis",
        identity_check="id_card_shown",
        family_member=member,
    )
    sa_services.subject_access_assemble(actor=world.privacy, request_id=sar.pk)
    assert sar.held_items.exists()
    # a second request, decided: a second officer of the region may release it
    second_sar = sa_services.subject_access_register(
        actor=world.privacy,
        requester_name="Tom Pompelmoes",
        requester_relation="self",
        identity_checked_by="Pia Privacy, Veilig Huis",
        identity_check="id_card_shown",
        family_member=member,
    )
    sa_services.subject_access_assemble(actor=world.privacy, request_id=second_sar.pk)
    for item in second_sar.held_items.all():
        sa_services.subject_access_decide(
            actor=world.privacy,
            request_id=second_sar.pk,
            item_id=item.pk,
            decision="release",
            reason="",
        )
    second_privacy = make_user(email="privacy2@test.example", full_name="Piet Privacy")
    Membership.objects.create(user=second_privacy, organisation=world.vh, role="privacy_officer")
    sa_rights.rectification_register(
        actor=world.privacy, family_member=member, kind="annotate", request_text="Vraag"
    )
    sa_rights.restriction_add(
        actor=world.privacy, case=case, reason="Reden", timeline_entry_id=police_entry.pk
    )
    now = timezone.now()
    run = RetentionRun.objects.create(
        region=case.region,
        case_cutoff=retention.case_cutoff(now),
        consult_cutoff=retention.consult_cutoff(now),
    )
    account = make_user(email="account@test.example")
    half = make_user(email="half@test.example")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=half, name="default", confirmed=True)
    password_only = Client()
    password_only.force_login(half)
    from collaboration.models import CaseParticipant, FamilyMember
    from collaboration.services.documents import document_upload

    corrected = {  # one item of each kind for the correction forms
        "family_member": FamilyMember.objects.create(
            case=case, name="Te corrigeren", birth_year=2014, family_role="child"
        ),
        "participant": CaseParticipant.objects.get(case=case, user=world.caw_partner),
        "goal": action.goal,
        "action": action,
        "timeline_entry": partner_entry,
        "document": document_upload(
            actor=world.director,
            case=case,
            legal_basis_id=standing_basis(case),
            title="Te corrigeren",
            upload=SimpleUploadedFile("verslag.txt", b"Fictief verslag.", "text/plain"),
            visibility="all",
        ),
    }
    consent = legal_basis_record(
        actor=world.director,
        case=case,
        kind="consent",
        organisation_ids=[world.caw.pk],
        purpose="Fictieve toestemming.",
        given_on=datetime.date(2026, 1, 10),
        consent_of_id=leaving.pk,
        consent_recorded="oral",
    )
    urgent = legal_basis_record(
        actor=world.director,
        case=case,
        kind="urgent",
        organisation_ids=[world.police.pk],
        purpose="Fictieve noodtoestand.",
        given_on=datetime.date(2026, 1, 10),
    )
    from collaboration.services.flags import flag_raise

    flags = [  # one to remove, one to acknowledge
        flag_raise(actor=world.caw_partner, case=case, kind="weapons", reason="Fictief")
        for _n in range(2)
    ]
    return SimpleNamespace(
        consent=consent,
        urgent=urgent,
        flags=flags,
        corrected=corrected,
        leaving=leaving,
        partner_entry=partner_entry,
        waiting=waiting,
        pending=pending,
        consult=consult,
        token=token,
        consult_page=consult_page,
        session=session,
        registration=registration,
        learner=learner,
        attempt=attempt,
        sar=sar,
        second_sar=second_sar,
        second_privacy=second_privacy,
        run=run,
        account=account,
        password_only=password_only,
        planned=planned,
        meeting=meeting,
        action=action,
    )


def _every_form_pages(world: Any, r: SimpleNamespace) -> list[tuple[str, str]]:
    """Who opens which page: every form of the portal, forms without fields last."""
    from collaboration.models import Membership
    from content.training.services.sessions import registration_link_token

    case, ref = world.case, world.case.reference
    (
        waiting,
        pending,
        consult,
        token,
        consult_page,
        session,
        registration,
        attempt,
        sar,
        second_sar,
        run,
        planned,
        meeting,
        action,
    ) = (
        r.waiting,
        r.pending,
        r.consult,
        r.token,
        r.consult_page,
        r.session,
        r.registration,
        r.attempt,
        r.sar,
        r.second_sar,
        r.run,
        r.planned,
        r.meeting,
        r.action,
    )
    collab = "collaboration:"
    from collaboration.models import RiskInstrument
    from collaboration.risk_instruments import DEMO_INSTRUMENT, load_instrument_file

    if not RiskInstrument.objects.filter(is_active=True).exists():
        load_instrument_file(DEMO_INSTRUMENT)  # a transactional test flushed the migration's
    pages: list[tuple[str, str]] = [
        ("coordinator", url(collab + "invite")),
        ("director", url(collab + "participant_add", ref)),
        ("director", url(collab + "family_add", ref)),
        ("partner", url(collab + "assessment", ref, "housing")),
        ("partner", url(collab + "risk_assess", ref)),
        ("partner", url(collab + "safety_plan_edit", ref, r.corrected["family_member"].pk)),
        ("director", url(collab + "goal_add", ref)),
        ("director", url(collab + "action_add", ref)),
        ("partner", url(collab + "action_status", ref, action.pk)),
        ("director", url(collab + "plan_presented", ref)),
        ("director", url(collab + "case_phase", ref)),
        ("director", url(collab + "case_close", ref)),
        ("director", url(collab + "plan_evaluate", ref)),
        ("coordinator", url(collab + "case_closure_decide", waiting.reference)),
        ("coordinator", url(collab + "plan_approval", waiting.reference)),
        ("director", url(collab + "case_reopen", ref)),
        ("partner", url(collab + "timeline_add", ref)),
        ("partner", url(collab + "document_upload", ref)),
        ("director", url(collab + "meeting_add", ref)),
        ("director", url(collab + "legal_basis_consent", ref)),
        ("director", url(collab + "legal_basis_consultation", ref)),
        ("director", url(collab + "legal_basis_urgent", ref)),
        ("director", url(collab + "legal_basis_end", ref, r.consent.pk)),
        ("coordinator", url(collab + "legal_basis_review", ref, r.urgent.pk)),
        ("referrer", url(collab + "referral_create")),
        ("coordinator", url(collab + "referral_accept", pending.pk)),
        ("coordinator", url(collab + "referral_decline", pending.pk)),
        ("coordinator", url(collab + "consult_detail", consult.pk)),
        ("coordinator", url(collab + "consult_convert", consult.pk)),
        ("privacy", url(collab + "break_glass")),
        ("director", f"{url(collab + 'case_list')}"),
        ("privacy", url("audit:log")),
        ("partner", url("live_notes:meeting", meeting.pk)),  # the acknowledgement
        ("director", url("live_notes:prepare", meeting.pk)),
        ("director", url("live_notes:finalise", meeting.pk)),
        ("anonymous", url("two_factor:login")),
        ("password_only", url("accounts:verify")),
        ("anonymous", url("accounts:signup")),
        ("anonymous", url("accounts:password_reset")),
        ("anonymous", url("accounts:invitation_accept", token)),
        ("account", url("accounts:password_change")),
        ("account", url("accounts:device_remove")),
        ("anonymous", url("training:session_detail", session.pk)),
        ("anonymous", url("training:registration_manage", registration_link_token(registration))),
        ("coordinator", url("training:session_attendees", session.pk)),
        ("learner", url("training:profile")),
        ("learner", url("training:attempt", attempt.pk)),
        ("anonymous", url("training:certificate_lookup")),
        ("anonymous", consult_page.url),
        ("anonymous", "/zoeken/"),
        ("account", url("accounts:erase")),
        ("privacy", url("audit:subject_access_new")),  # finding the person (GET)
        ("privacy", f"{url('audit:subject_access_new')}?dossier={ref}"),
        ("privacy", url("audit:subject_access_detail", sar.pk)),
        ("privacy", url("audit:subject_access_rights", sar.pk)),
        ("director", url(collab + "meeting_record", ref)),
        ("director", url(collab + "meeting_reschedule", ref, planned.pk)),
        ("director", url(collab + "meeting_cancel", ref, planned.pk)),
        # corrections before the retraction below (a retracted entry is not corrected)
        *(
            ("director", url(f"{collab}{kind}_correct", ref, item.pk))
            for kind, item in r.corrected.items()
        ),
        ("partner", url(collab + "flag_raise", ref)),
        ("director", url(collab + "flag_remove", ref, r.flags[0].pk)),
        ("partner", url(collab + "timeline_narrow", ref, r.partner_entry.pk)),
        ("partner", url(collab + "timeline_retract", ref, r.partner_entry.pk)),
        # forms without fields last: posting them acts at once
        ("director", url(collab + "plan_version", ref)),
        ("coordinator", url(collab + "consult_close", consult.pk)),
        # after a page of another address: from the case page at #plan, the case page at
        # #signalen would be a jump within the page, not a new request the probe can check
        ("director", url(collab + "flag_acknowledge", ref, r.flags[1].pk)),
        (
            "director",
            url(
                collab + "participant_remove",
                ref,
                case.participants.get(user=world.police_partner).pk,
            ),
        ),
        ("director", url(collab + "family_remove", ref, r.leaving.pk)),
        (
            "coordinator",
            url(
                collab + "membership_deactivate",
                Membership.objects.get(user=world.caw_colleague).pk,
            ),
        ),
        ("privacy", url("audit:retention_detail", run.pk)),  # a checkbox: confirms at once
        ("second_privacy", url("audit:subject_access_detail", second_sar.pk)),  # releases
        ("coordinator", url(collab + "director_reassign", ref)),  # last: the director changes
    ]
    return pages


def _post_every_form(
    probe: Probe,
    pages: list[tuple[str, str]],
    clients: dict[str, Client],
    keep: dict[str, frozenset[str]],
) -> list[str]:
    """GET every page as its person, post each of its forms with hostile data (one look per
    search form) and let the probe read what comes back; the addresses posted to."""
    posted: list[str] = []
    searched: set[str] = set()
    for who, path in pages:
        client = clients[who]
        page = client.get(path)
        if page.status_code != 200:
            probe.problems.append(f"GET {path} as {who}: {page.status_code}")
            continue
        parser = _Forms()
        parser.feed(page.content.decode())
        # a page's forms without fields last, as the pages': posting them acts at once
        # (assembling again, say, would replace the records the other forms are about)
        for form in sorted(parser.forms, key=lambda f: not _fields_of(f)):
            action_url = urljoin(path, form["action"] or path)
            if action_url.startswith(GLOBAL_ACTIONS):
                continue
            data, shown = hostile_data(
                form["fields"], method=form["method"], keep=keep.get(path, frozenset())
            )
            if form["method"] == "get":
                # one look per search form: two on one page (a case, a person) are two
                key = action_url.split("?")[0]
                searched_key = f"{key} {sorted(data)}"
                if searched_key in searched or not data:
                    continue
                searched.add(searched_key)
                probe.sign_in(session_cookie(client) if who != "anonymous" else None)
                probe.visit(
                    f"{key}?{urlencode(data)}",
                    label=f"GET {key} as {who}",
                    expect=shown,
                    statuses=(200, 400),
                )
                continue
            response = client.post(action_url, data)
            posted.append(action_url)
            label = f"POST {action_url} as {who}"
            if response.status_code in (200, 400):
                probe.visit(action_url, label=label, expect=shown, html=response.content.decode())
            elif response.status_code in (301, 302, 303):
                probe.sign_in(session_cookie(client) if who != "anonymous" else None)
                probe.visit(response["Location"], label=f"{label} -> {response['Location']}")
            else:
                probe.problems.append(f"{label}: {response.status_code}")
    return posted


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_form_re_renders_hostile_input_as_text(
    world,
    verified_client: Callable[..., Client],
    make_user: Callable[..., Any],
    browser: Any,
    asgi_server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django import forms

    bound: set[str] = set()
    original = forms.BaseForm.__init__

    def recording(self: Any, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            bound.add(f"{type(self).__module__}.{type(self).__qualname__}")
        original(self, data, *args, **kwargs)

    monkeypatch.setattr(forms.BaseForm, "__init__", recording)

    r = _every_form_records(world, make_user)
    ref = world.case.reference
    # an address of its own: the consult page's rate limit (kept in Redis) is not shared
    anonymous = Client(REMOTE_ADDR="198.51.100.23")
    forget_consult_rate(["198.51.100.23"])
    clients = {
        "anonymous": anonymous,
        "password_only": r.password_only,
        "director": verified_client(world.director),
        "coordinator": verified_client(world.coordinator),
        "partner": verified_client(world.caw_partner),
        "referrer": verified_client(world.referrer),
        "privacy": verified_client(world.privacy),
        "learner": verified_client(r.learner),
        "account": verified_client(r.account),
        "second_privacy": verified_client(r.second_privacy),
    }
    pages = _every_form_pages(world, r)
    # Hidden controls that name the record or which of the page's forms is posted: with the
    # corpus in them the post is "not found", and the fields around them go untested.
    keep = {
        f"{url('audit:subject_access_new')}?dossier={ref}": frozenset({"dossier"}),
        url("audit:subject_access_rights", r.sar.pk): frozenset({"form", "id"}),
    }

    probe = Probe(browser, asgi_server)
    try:
        posted = _post_every_form(probe, pages, clients, keep)
        problems, visited, expected = list(probe.problems), list(probe.visited), probe.expected
    finally:
        probe.close()

    assert problems == [], "\n".join(problems)
    exempt = {
        "collaboration.forms.AudienceFields",  # a base class of two forms, never alone
        "collaboration.forms_corrections.CorrectionForm",  # the base of the correction forms
        "collaboration.forms_legal_bases.BasisForm",  # the base of the three kinds' forms
        "portal.security.form_guard.HumanCheckForm",  # base of the consult and peer-support forms
        "content.image_forms.ImageForm",  # the Wagtail image upload: see test_uploads.py
    }
    assert sorted(set(project_forms()) - bound - exempt) == [], "forms not posted hostile"
    assert len(posted) >= 40 and len(visited) >= 40 and expected >= 40


@pytest.mark.django_db
def test_certificate_lookup_answers_a_typed_non_code_in_dutch() -> None:
    """Found by the reflected test: a "/" in a typed code made the redirect fail (500)."""
    response = Client().get(reverse("training:certificate_lookup"), {"code": "../<b>x</b>/"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "geen geldige verificatiecode" in body
    assert 'value="../&lt;b&gt;x&lt;/b&gt;/"' in body
    ok = Client().get(reverse("training:certificate_lookup"), {"code": " vh-abcd-efgh-jkmn "})
    assert ok.status_code == 302


# --- 3b. stored through the training and sign-up forms ------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_training_forms_show_hostile_names_as_text(
    world,
    verified_client: Callable[..., Client],
    browser: Any,
    asgi_server: str,
    settings: Any,
) -> None:
    from django.core.cache import cache

    from content.demo import ensure_home_page
    from content.training.forms import SessionRegistrationForm
    from content.training.models import (
        Certificate,
        LessonPage,
        SessionRegistration,
        TrainingIndexPage,
        TrainingSession,
    )
    from content.training.services.sessions import registration_link_token
    from portal.accounts.models import User
    from portal.accounts.signup import SignUpForm
    from portal.security.form_guard import form_token
    from tests.factories.courses import publish, stream

    feed = Feeder()
    home = ensure_home_page()
    index = publish(home, TrainingIndexPage(title="Vorming", slug="vorming"))
    course = _publish_course(index)
    lesson = publish(
        course, LessonPage(title="Les", slug="les", body=stream([("text", "<p>x</p>")]))
    )
    start = timezone.now() + datetime.timedelta(days=7)
    session = TrainingSession.objects.create(
        kind="peer_support",
        title="Lotgenoten",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        location="Gent",
        capacity=40,
        training_hours=1,
    )
    probe = Probe(browser, asgi_server)

    def visit(path: str, label: str, who: Client | None, html: str | None = None) -> None:
        probe.sign_in(session_cookie(who) if who else None)
        probe.visit(path, label=label, expect=feed.expect(label), html=html)

    try:
        # Learners sign up with hostile names and addresses, confirm, and earn a certificate.
        mail.outbox.clear()
        for number, row in enumerate(feed.plan(SignUpForm, ["full_name", "email"])):
            visitor = Client()
            post_ok(
                visitor,
                url("accounts:signup"),
                {**row, "password1": PASSWORD, "password2": PASSWORD},
            )
            visit(url("accounts:signup_check_email"), f"signup_check_email@{number}", visitor)
            link = re.search(r"/account/registreren/bevestigen/\S+/", mail.outbox[-1].body)
            post_ok(visitor, link.group(0), {}, status=200)
            learner = User.objects.get(email=row["email"])
            assert learner.full_name == row["full_name"]
            learner_client = Client()
            learner_client.force_login(learner)
            post_ok(learner_client, url("training:enrol", course.pk), {})
            post_ok(learner_client, url("training:complete_lesson", lesson.pk), {})
            code = Certificate.objects.get(user=learner).code
            visit(url("training:certificate_detail", code), f"certificate@{number}", learner_client)
            visit(url("training:certificate_verify", code), f"certificate_verify@{number}", None)

        # Peer-support bookings with hostile names and addresses; the coordinator's list. As
        # people send them: each from an address of its own, the form shown a minute ago, the
        # session's rate limit out of the way (tests/training/test_registration_privacy.py).
        settings.TRAINING_REGISTRATION_LIMITS = {"session_minimum": 1000}
        cache.delete(f"training:registration-rate:session:{session.pk}")
        shown = form_token(time.time() - 60, salt=SessionRegistrationForm.token_salt)
        for number, row in enumerate(feed.plan(SessionRegistrationForm, ["display_name", "email"])):
            path = url("training:session_detail", session.pk)
            address = f"198.51.100.{number % 250}"
            cache.delete(f"training:registration-rate:address:{address}")
            done = post_ok(
                Client(), path, {**row, "shown_at": shown}, status=200, REMOTE_ADDR=address
            )
            registration = SessionRegistration.objects.get(email=row["email"])
            assert registration.display_name == row["display_name"]
            if number == 0:  # these two show neither name nor address; one look each
                visit(path, "registration_done", None, html=done.content.decode())
                token = registration_link_token(registration)
                visit(url("training:registration_manage", token), "registration_manage", None)
        visit(
            url("training:session_attendees", session.pk),
            "session_attendees",
            verified_client(world.coordinator),
        )
        problems, visited = list(probe.problems), list(probe.visited)
    finally:
        probe.close()

    assert problems == [], "\n".join(problems)
    gaps = [g for g in feed.missing() if "training" in g or "signup" in g]
    assert gaps == [], gaps
    assert len(visited) >= 20


@pytest.mark.django_db
def test_sign_in_with_a_very_long_name_is_an_ordinary_failure() -> None:
    """Found by the reflected test on PostgreSQL: a name over 255 characters made django-axes'
    failure record overflow its column, and the sign-in page a server error."""
    from axes.models import AccessAttempt

    name = ("<b>" + "x" * 400 + "@example.be").upper()
    response = Client().post(
        reverse("two_factor:login"),
        {"sign_in_view-current_step": "auth", "auth-username": name, "auth-password": "fout"},
    )
    assert response.status_code == 200
    assert "Er is een probleem" in response.content.decode()
    attempt = AccessAttempt.objects.get()
    assert attempt.username == name.lower()[:254]


def _publish_course(index: Any) -> Any:
    """The plain course both training set-ups hang their lessons and quizzes under."""
    from content.training.models import CoursePage
    from tests.factories.courses import publish

    return publish(
        index,
        CoursePage(
            title="Cursus",
            slug="cursus",
            summary="Kort",
            audience="Professionals",
            duration="1 uur",
            training_hours=1,
            learning_objectives="<ul><li>Leerdoel</li></ul>",
        ),
    )
