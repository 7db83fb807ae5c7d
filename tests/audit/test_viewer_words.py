"""The audit viewer speaks Dutch: actions, grounds, purposes, outcomes and objects in words,
people by name and organisation; repeated reads grouped with a count; labels resolved for a
page in a fixed number of queries; a Dutch CSV; the case's "who accessed" summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import FamilyMember, Meeting, Membership
from collaboration.selectors.cases import case_access
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from portal.audit.presentation import describe
from portal.audit.selectors import GROUP_WINDOW, access_by_person, group_repeated_reads
from portal.audit.writer import record_event

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 14, 10, 0, tzinfo=dt.UTC)


def _meeting(world: Any) -> Meeting:
    starts = timezone.make_aware(dt.datetime(2026, 12, 12, 14, 0))
    return Meeting.objects.create(
        case=world.case, kind="network", starts_at=starts, place="Gent", created_by=world.director
    )


def _page(client: Client, **params: Any) -> tuple[str, list[Any]]:
    response = client.get(reverse("audit:log"), params)
    assert response.status_code == 200
    return response.content.decode(), response.context["rows"]


def test_viewer_shows_words_and_names_not_codes(
    world: Any,
    verified_client: Callable[..., Client],
    make_device: Callable[[Any], Any],
) -> None:
    with time_machine.travel(NOW, tick=False):
        case_access(user=world.director, reference=world.case.reference, purpose="CaseReopenView")
        meeting = _meeting(world)
        record_event(
            action=AuditAction.LIVE_NOTES_JOINED,
            actor=world.caw_partner,
            organisation=world.caw.name,
            role="participant",
            object_type="meeting",
            object_id=meeting.pk,
            case_reference=world.case.reference,
        )
        make_device(world.caw_partner)  # records "device added" for otp_totp.totpdevice/<id>
        record_event(
            action=AuditAction.SIGN_IN_SUCCEEDED,
            actor=world.caw_partner,
            object_type="user",
            object_id=world.caw_partner.pk,
        )
        with pytest.raises(NotFoundOrNotAllowed):
            case_access(user=world.outsider_member, reference=world.case.reference)
        html, rows = _page(verified_client(world.privacy))

    assert f"Dossier {world.case.reference}" in html
    assert "Netwerkoverleg 12 december" in html
    assert "Tweestapsapparaat van Carla CAW" in html
    assert "Account van Carla CAW" in html
    assert "formulier: dossier heropenen" in html and "casusregisseur" in html
    assert "toegestaan" in html and "geweigerd" in html
    for code in ("case_director", "CaseReopenView", "otp_totp", "user #", ">allowed<", "#4"):
        assert code not in html, code
    by_action = {row.event.action: row for row in rows}
    read = by_action[AuditAction.CASE_VIEWED]
    assert (read.who_name, read.who_organisation) == ("Rik Regisseur", "Veilig Huis Test")
    assert read.what == f"Dossier bekeken: Dossier {world.case.reference}"
    # A sign-in carries no organisation: the person's current one is shown.
    sign_in = by_action[AuditAction.SIGN_IN_SUCCEEDED]
    assert (sign_in.who_name, sign_in.who_organisation) == ("Carla CAW", "CAW Test")
    assert "@" not in " ".join(f"{r.who_name} {r.who_organisation} {r.what}" for r in rows)


def test_viewer_links_to_subject_access_and_retention(
    world: Any,
    verified_client: Callable[..., Client],
) -> None:
    html, _rows = _page(verified_client(world.privacy))
    assert 'href="/audit/inzage/"' in html and 'href="/audit/bewaartermijnen/"' in html


def test_object_labels_are_resolved_in_bulk(
    world: Any,
    make_device: Callable[[Any], Any],
    django_assert_max_num_queries: Any,
) -> None:
    """Sixty events over six kinds of object, each with its own id: a query per kind (and one
    for organisations), not one per row."""
    people = [world.caw_partner, world.police_partner, world.caw_colleague, world.referrer]
    devices = [make_device(person) for person in people]
    memberships = list(Membership.objects.filter(user__in=people))
    family = [
        FamilyMember.objects.create(case=world.case, name=f"Kind {n}", family_role="child")
        for n in range(4)
    ]
    meetings = [_meeting(world) for _ in range(4)]
    kinds = [
        ("meeting", [m.pk for m in meetings]),
        ("user", [p.pk for p in people]),
        ("device", [d.persistent_id for d in devices]),
        ("membership", [m.pk for m in memberships]),
        ("family_member", [f.pk for f in family]),
        ("referral", [11, 12, 13, 14]),
    ]
    for number in range(60):
        kind, ids = kinds[number % len(kinds)]
        record_event(
            action=AuditAction.CASE_CHANGED,
            actor=people[number % len(people)],
            object_type=kind,
            object_id=ids[(number // len(kinds)) % len(ids)],
        )
    events = list(AuditEvent.objects.select_related("actor").order_by("-id")[:60])
    with django_assert_max_num_queries(len(kinds) + 1):
        rows = describe(group_repeated_reads(events))
    assert len(rows) == 60
    words = {row.object for row in rows}
    assert "Gezinslid (kind)" in words and "Aanmelding nr. 12" in words
    assert "Lidmaatschap van Carla CAW bij CAW Test" in words
    assert {"Tweestapsapparaat van Carla CAW", "Account van Paul Politie"} <= words
    assert any(w.startswith("Netwerkoverleg 12 december") for w in words)
    assert not any(w.startswith("onbekende code") for w in words)


def test_viewer_query_count_stays_fixed_with_many_kinds(
    world: Any,
    verified_client: Callable[..., Client],
    django_assert_max_num_queries: Any,
) -> None:
    meeting = _meeting(world)
    for number in range(50):
        record_event(
            action=AuditAction.CASE_CHANGED,
            actor=world.director,
            object_type=("meeting", "user", "family_member", "case")[number % 4],
            object_id=(meeting.pk, world.director.pk, 1, world.case.pk)[number % 4],
        )
    client = verified_client(world.privacy)
    with django_assert_max_num_queries(20):
        client.get(reverse("audit:log"))


def _event(pk: int, at: dt.datetime, actor_id: int, action: int = 200, **kw: Any) -> AuditEvent:
    values = {"object_type": "case", "object_id": "7", "case_reference": "VH-OVL-2026-0002"}
    values.update(kw)
    return AuditEvent(
        pk=pk,
        occurred_at=at,
        action=action,
        outcome=values.pop("outcome", "allowed"),
        actor_id=actor_id,
        **values,
    )


def test_repeated_reads_within_a_minute_are_one_group() -> None:
    t0 = NOW
    s = dt.timedelta(seconds=1)
    events = [  # newest first, as a page comes
        _event(9, t0 + 180 * s, actor_id=1),  # same read, but minutes later: its own row
        _event(8, t0 + 51 * s, actor_id=1, action=int(AuditAction.CASE_CHANGED)),
        _event(7, t0 + 50 * s, actor_id=1, action=int(AuditAction.CASE_CHANGED)),
        _event(6, t0 + 45 * s, actor_id=1, outcome="denied"),  # a refusal stands alone
        _event(5, t0 + 40 * s, actor_id=1),
        _event(4, t0 + 30 * s, actor_id=2),  # someone else in between
        _event(3, t0 + 20 * s, actor_id=1),
        _event(2, t0, actor_id=1),
        _event(1, t0 - 21 * s, actor_id=1),  # 61 s before the run's newest read
    ]
    groups = group_repeated_reads(events)
    assert [[e.pk for e in g.events] for g in groups] == [[9], [8], [7], [6], [5, 3, 2], [4], [1]]
    run = groups[4]
    assert (run.count, run.first_at, run.last_at) == (3, t0, t0 + 40 * s)
    assert dt.timedelta(minutes=1) == GROUP_WINDOW


def test_a_read_exactly_one_minute_apart_joins_the_run() -> None:
    events = [_event(2, NOW + GROUP_WINDOW, actor_id=1), _event(1, NOW, actor_id=1)]
    assert [g.count for g in group_repeated_reads(events)] == [2]


def test_viewer_shows_a_run_of_reads_as_one_row_with_a_count(
    world: Any,
    verified_client: Callable[..., Client],
) -> None:
    for _ in range(3):
        case_access(user=world.director, reference=world.case.reference, purpose="case_page")
    client = verified_client(world.privacy)
    html, rows = _page(client, action=int(AuditAction.CASE_VIEWED))
    assert [row.count for row in rows] == [3]
    assert "3×" in html
    viewed = AuditEvent.objects.filter(action=AuditAction.AUDIT_VIEWED, actor=world.privacy).last()
    assert len(viewed.extra["shown"]) == 3


def test_csv_has_dutch_headers_and_values_and_no_formulas(
    world: Any,
    verified_client: Callable[..., Client],
) -> None:
    case_access(user=world.director, reference=world.case.reference, purpose="CaseReopenView")
    record_event(
        action=AuditAction.SIGN_IN_FAILED,
        outcome=Outcome.DENIED,
        actor_label='=HYPERLINK("http://kwaad.example")',
        object_type="user",
    )
    # Both in the officer's region: the failed sign-in is made in a member's name too.
    record_event(
        action=AuditAction.SIGN_IN_FAILED,
        outcome=Outcome.DENIED,
        actor_label=world.caw_partner.email,
        object_type="user",
    )
    response = verified_client(world.privacy).get(reverse("audit:export"))
    body = b"".join(response.streaming_content).decode()
    header, *lines = body.lstrip("\ufeff").splitlines()
    assert header.startswith("Nummer,Tijdstip (UTC),Handeling,Resultaat,Naam,Organisatie")
    read = next(line for line in lines if "Dossier bekeken" in line)
    for words in (
        "toegestaan",
        "Rik Regisseur",
        "Veilig Huis Test",
        "casusregisseur",
        f"Dossier {world.case.reference}",
        "formulier: dossier heropenen",
    ):
        assert words in read, words
    refused = [line for line in lines if "Aanmelden mislukt" in line]
    assert refused and all("geweigerd" in line for line in refused)
    assert "allowed" not in body and "denied" not in body and "case_director" not in body
    assert ",=HYPERLINK" not in body  # the CSV writer's formula guard still applies


def test_who_accessed_this_case_groups_by_person_and_organisation(
    world: Any,
    verified_client: Callable[..., Client],
) -> None:
    with time_machine.travel(NOW, tick=True):
        case_access(user=world.caw_partner, reference=world.case.reference)
        case_access(user=world.caw_partner, reference=world.case.reference)
        case_access(user=world.police_partner, reference=world.case.reference)
        with pytest.raises(NotFoundOrNotAllowed):
            case_access(user=world.outsider_member, reference=world.case.reference)
    people = {(p.name, p.organisation): p for p in access_by_person(world.case.reference)}
    carla = people[("Carla CAW", "CAW Test")]
    assert (carla.count, carla.denied) == (2, 0) and carla.first_at <= carla.last_at
    assert people[("Paul Politie", "Politie Test")].count == 1
    assert people[("Lode Limburg", "CAW Limburg Test")].denied == 1

    page = verified_client(world.director).get(
        reverse("collaboration:case_audit", args=[world.case.reference])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Wie opende dit dossier" in html and "Carla CAW" in html and "CAW Test" in html
    assert "caw@test.example" not in html.split("Gebeurtenissen, nieuwste eerst")[0]
    assert page.context["people"] and page.context["rows"]


def test_case_trail_read_records_the_rule_that_granted_it(
    world: Any,
    verified_client: Callable[..., Client],
) -> None:
    """The director reads their case's trail as its director, the officer as privacy officer
    (the action's fixed rule alone said 'privacy officer' for both)."""
    url = reverse("collaboration:case_audit", args=[world.case.reference])
    for user in (world.director, world.privacy):
        assert verified_client(user).get(url).status_code == 200
    rules = {
        event.actor_id: (event.access_rule, event.role)
        for event in AuditEvent.objects.filter(
            action=AuditAction.AUDIT_VIEWED, object_type="case_audit_trail"
        )
    }
    assert rules[world.director.pk] == ("case_director", "case_director")
    assert rules[world.privacy.pk] == ("privacy_officer", "privacy_officer")
