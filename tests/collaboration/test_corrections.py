"""Correcting case data (issue 15 item 1): every kind of item a person entered is corrected
through one service, the earlier version stays readable to those who see the item, with who
corrected it, when and why; a correction that changes nothing, one started from an older
version, one of an item the person may not correct, and one without a reason are refused.

The kinds come from the registry (``services.corrections.CORRECTABLE``): a kind added there
without an entry in ``MAKERS`` below fails ``test_every_kind_is_covered``."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import CorrectedKind, Correction, FamilyMember, Notification
from collaboration.services import documents, plans, timeline
from collaboration.services.corrections import CORRECTABLE, correct, item_version
from collaboration.views.corrections import CORRECTION_VIEWS
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.legal_bases import standing_basis

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
REASON = "Typfout in de naam, nagekeken met de school"
OLD_TEXT = "Zora Fictiefnaam zit bij de grootouders"
NEW_TEXT = "Zora Fictiefnaam zit bij haar tante"


def _goal(world: Any) -> Any:
    return plans.goal_add(
        actor=world.director, case=world.case, domain="housing", description=OLD_TEXT
    )


def _action(world: Any) -> Any:
    goal = plans.goal_add(
        actor=world.director, case=world.case, domain="housing", description="Wonen"
    )
    return plans.action_add(
        actor=world.director,
        case=world.case,
        goal_id=goal.pk,
        description=OLD_TEXT,
        organisation_id=world.caw.pk,
        responsible=None,
        due_date=datetime.date(2030, 1, 1),
    )


def _entry(world: Any, **kwargs: Any) -> Any:
    return timeline.timeline_entry_add(
        actor=kwargs.pop("author", world.director),
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        kind="note",
        occurred_on=datetime.date(2026, 3, 1),
        title=OLD_TEXT,
        body="Fictieve omschrijving",
        **kwargs,
    )


def _document(world: Any) -> Any:
    return documents.document_upload(
        actor=world.director,
        case=world.case,
        legal_basis_id=standing_basis(world.case),
        title=OLD_TEXT,
        upload=SimpleUploadedFile("v.pdf", b"%PDF-1.4 fictief", content_type="application/pdf"),
    )


# kind -> (make the item, the field whose text the test corrects)
MAKERS: dict[str, tuple[Callable[[Any], Any], str]] = {
    CorrectedKind.FAMILY_MEMBER: (
        lambda w: FamilyMember.objects.create(
            case=w.case, name=OLD_TEXT[:150], family_role="child"
        ),
        "name",
    ),
    CorrectedKind.PARTICIPANT: (
        lambda w: w.case.participants.get(user=w.caw_partner),
        "task_division",
    ),
    CorrectedKind.GOAL: (_goal, "description"),
    CorrectedKind.ACTION: (_action, "description"),
    CorrectedKind.TIMELINE_ENTRY: (_entry, "title"),
    CorrectedKind.DOCUMENT: (_document, "title"),
}


def _form_data(kind: str, item: Any, **changes: Any) -> dict[str, Any]:
    """What the correction form posts: every field as it is, then ``changes``."""
    data: dict[str, Any] = {"reason": REASON, "version": item_version(kind, item)}
    for name in CORRECTABLE[kind].fields:
        field = item._meta.get_field(name)
        value = getattr(item, field.attname)
        data[name] = "" if value is None else value
    data.update(changes)
    return data


def _values(kind: str, item: Any, **changes: Any) -> dict[str, Any]:
    """What the service receives from the form: cleaned values (a related row as itself)."""
    values = {name: getattr(item, name) for name in CORRECTABLE[kind].fields}
    values.update(changes)
    return values


def _url(kind: str, world: Any, item: Any) -> str:
    return reverse(f"collaboration:{kind}_correct", args=[world.case.reference, item.pk])


def _page(client: Any, world: Any) -> str:
    response = client.get(reverse("collaboration:case_detail", args=[world.case.reference]))
    return response.content.decode() if response.status_code == 200 else ""


def test_every_kind_is_covered() -> None:
    assert set(CORRECTABLE) == set(CorrectedKind.values) == set(CORRECTION_VIEWS) == set(MAKERS)


@pytest.mark.parametrize("kind", list(MAKERS))
def test_the_director_corrects_and_the_earlier_version_stays_readable(
    kind: str, world: Any, verified_client: Any
) -> None:
    make, field = MAKERS[kind]
    item = make(world)
    if field == "task_division":  # a participant's task starts empty in the world
        type(item).objects.filter(pk=item.pk).update(task_division=OLD_TEXT)
        item.refresh_from_db()
    director = verified_client(world.director)
    url = _url(kind, world, item)
    form = director.get(url)
    assert form.status_code == 200
    assert OLD_TEXT in form.content.decode()  # the form starts from the current version
    response = director.post(url, _form_data(kind, item, **{field: NEW_TEXT}))
    assert response.status_code == 302, response.content.decode()[:2000]

    item.refresh_from_db()
    assert getattr(item, field) == NEW_TEXT
    correction = Correction.objects.get(kind=kind, object_id=item.pk)
    assert correction.reason == REASON and correction.corrected_by == world.director
    assert [(c["field"], c["before"], c["after"]) for c in correction.changes] == [
        (field, OLD_TEXT[:150] if field == "name" else OLD_TEXT, NEW_TEXT)
    ]
    html = _page(director, world)
    assert NEW_TEXT in html and REASON in html and "Gecorrigeerd op" in html
    assert OLD_TEXT[:150] in html  # the earlier version, under "Eerdere versie bekijken"
    event = AuditEvent.objects.get(action=AuditAction.CASE_ITEM_CORRECTED)
    assert event.outcome == Outcome.ALLOWED and event.object_type == kind
    assert event.extra["fields"] == [field]
    assert NEW_TEXT not in str(event.extra) and REASON not in str(event.extra)


@pytest.mark.parametrize("kind", list(MAKERS))
def test_nothing_changed_and_no_reason_are_refused_with_a_dutch_message(
    kind: str, world: Any, verified_client: Any
) -> None:
    item = MAKERS[kind][0](world)
    director = verified_client(world.director)
    same = director.post(_url(kind, world, item), _form_data(kind, item))
    assert same.status_code == 200
    assert "Er is niets gewijzigd" in same.content.decode()
    field = MAKERS[kind][1]
    no_reason = director.post(
        _url(kind, world, item), _form_data(kind, item, reason=" ", **{field: NEW_TEXT})
    )
    assert no_reason.status_code == 200
    assert not Correction.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CASE_ITEM_CORRECTED).exists()


def test_a_correction_from_an_older_version_does_not_overwrite_unseen(world: Any) -> None:
    entry = _entry(world)
    seen = item_version(CorrectedKind.TIMELINE_ENTRY, entry)
    values = _values(CorrectedKind.TIMELINE_ENTRY, entry, title="Eerste correctie")
    correct(
        actor=world.director,
        case=world.case,
        kind=CorrectedKind.TIMELINE_ENTRY,
        object_id=entry.pk,
        values=values,
        reason=REASON,
        version=seen,
    )
    with pytest.raises(ValidationError, match="intussen gecorrigeerd"):
        correct(
            actor=world.coordinator,
            case=world.case,
            kind=CorrectedKind.TIMELINE_ENTRY,
            object_id=entry.pk,
            values={**values, "title": "Tweede correctie"},
            reason=REASON,
            version=seen,  # the coordinator's form was opened before the first correction
        )
    entry.refresh_from_db()
    assert entry.title == "Eerste correctie"
    assert Correction.objects.count() == 1


def test_only_those_who_may_change_an_item_correct_it(world: Any, verified_client: Any) -> None:
    action = _action(world)  # owned by the CAW
    police_entry = _entry(
        world, author=world.police_partner, visibility="audience", sectors=["police"]
    )
    retracted = _entry(world)
    timeline.timeline_entry_retract(
        actor=world.director, case=world.case, entry_id=retracted.pk, reason="Fout dossier"
    )
    removed = FamilyMember.objects.create(case=world.case, name="Fictief Kind", family_role="child")
    removed.removed_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    removed.save()
    refused = [
        ("police_partner", CorrectedKind.ACTION, action),  # not the owning service
        ("outsider_member", CorrectedKind.ACTION, action),
        ("caw_partner", CorrectedKind.TIMELINE_ENTRY, police_entry),  # does not see it
        ("coordinator", CorrectedKind.TIMELINE_ENTRY, police_entry),  # may, but does not see it
        ("caw_partner", CorrectedKind.FAMILY_MEMBER, removed),  # family: director, coordinator
        ("director", CorrectedKind.FAMILY_MEMBER, removed),  # removed: history, not corrected
        ("director", CorrectedKind.TIMELINE_ENTRY, retracted),  # retraction is final
    ]
    not_found = (
        verified_client(world.outsider_member)
        .get(reverse("collaboration:case_detail", args=["VH-OVL-1999-9999"]))
        .content
    )
    for who, kind, item in refused:
        client = verified_client(getattr(world, who))
        url = _url(kind, world, item)
        assert client.get(url).status_code == 404, who
        response = client.post(url, _form_data(kind, item, **{MAKERS[kind][1]: NEW_TEXT}))
        assert response.status_code == 404, who
        assert response.content == not_found, who
        with pytest.raises(NotFoundOrNotAllowed):
            correct(
                actor=getattr(world, who),
                case=world.case,
                kind=kind,
                object_id=item.pk,
                values=_values(kind, item, **{MAKERS[kind][1]: NEW_TEXT}),
                reason=REASON,
            )
    assert not Correction.objects.exists()
    denied = AuditEvent.objects.filter(outcome=Outcome.DENIED, extra__change__startswith="correct_")
    # each direct call is recorded (the views refuse before the service, as retraction does)
    assert denied.count() == len(refused)
    # the owning service's own partner corrects the action
    correct(
        actor=world.caw_partner,
        case=world.case,
        kind=CorrectedKind.ACTION,
        object_id=action.pk,
        values=_values(CorrectedKind.ACTION, action, description=NEW_TEXT),
        reason=REASON,
    )


def test_the_history_of_a_restricted_entry_reaches_only_its_audience(
    world: Any, verified_client: Any
) -> None:
    entry = _entry(world, author=world.police_partner, visibility="audience", sectors=["police"])
    correct(
        actor=world.police_partner,
        case=world.case,
        kind=CorrectedKind.TIMELINE_ENTRY,
        object_id=entry.pk,
        values=_values(CorrectedKind.TIMELINE_ENTRY, entry, title=NEW_TEXT),
        reason=REASON,
    )
    assert OLD_TEXT in _page(verified_client(world.police_partner), world)
    assert OLD_TEXT in _page(verified_client(world.director), world)
    caw_page = _page(verified_client(world.caw_partner), world)
    assert caw_page and OLD_TEXT not in caw_page and REASON not in caw_page


def test_a_new_responsible_hears_of_the_action_and_must_act_for_its_service(world: Any) -> None:
    action = _action(world)
    with pytest.raises(ValidationError) as error:
        correct(
            actor=world.director,
            case=world.case,
            kind=CorrectedKind.ACTION,
            object_id=action.pk,
            values=_values(CorrectedKind.ACTION, action, responsible=world.police_partner),
            reason=REASON,
        )
    assert "responsible" in error.value.message_dict
    correct(
        actor=world.director,
        case=world.case,
        kind=CorrectedKind.ACTION,
        object_id=action.pk,
        values=_values(CorrectedKind.ACTION, action, responsible=world.caw_partner),
        reason=REASON,
    )
    assert Notification.objects.filter(user=world.caw_partner, kind="assignment").exists()
    change = Correction.objects.get().changes[0]
    assert (change["before"], change["after"]) == ("–", "Carla CAW")


@pytest.mark.parametrize(
    ("local", "today"),
    [
        # 23:30 and 00:30 Brussels; 29 March 2026 is a daylight-saving day (02:00 -> 03:00)
        (datetime.datetime(2026, 12, 2, 23, 30), datetime.date(2026, 12, 2)),
        (datetime.datetime(2026, 12, 3, 0, 30), datetime.date(2026, 12, 3)),
        (datetime.datetime(2026, 3, 29, 0, 30), datetime.date(2026, 3, 29)),
        (datetime.datetime(2026, 3, 29, 23, 30), datetime.date(2026, 3, 29)),
    ],
)
def test_a_corrected_entry_date_may_be_today_in_brussels_not_tomorrow(
    world: Any, local: datetime.datetime, today: datetime.date
) -> None:
    entry = _entry(world)
    with time_machine.travel(local.replace(tzinfo=BRUSSELS), tick=False):
        with pytest.raises(ValidationError) as error:
            correct(
                actor=world.director,
                case=world.case,
                kind=CorrectedKind.TIMELINE_ENTRY,
                object_id=entry.pk,
                values=_values(
                    CorrectedKind.TIMELINE_ENTRY,
                    entry,
                    occurred_on=today + datetime.timedelta(days=1),
                ),
                reason=REASON,
            )
        assert "occurred_on" in error.value.message_dict
        correct(
            actor=world.director,
            case=world.case,
            kind=CorrectedKind.TIMELINE_ENTRY,
            object_id=entry.pk,
            values=_values(CorrectedKind.TIMELINE_ENTRY, entry, occurred_on=today),
            reason=REASON,
        )
    entry.refresh_from_db()
    assert entry.occurred_on == today


def test_a_closed_case_is_not_corrected(world: Any) -> None:
    entry = _entry(world)
    type(world.case).objects.filter(pk=world.case.pk).update(
        closed_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
        phase="closed",
        closing_summary="Fictieve afsluiting",
    )
    world.case.refresh_from_db()
    with pytest.raises(ValidationError, match="afgesloten"):
        correct(
            actor=world.director,
            case=world.case,
            kind=CorrectedKind.TIMELINE_ENTRY,
            object_id=entry.pk,
            values=_values(CorrectedKind.TIMELINE_ENTRY, entry, title=NEW_TEXT),
            reason=REASON,
        )


def test_a_responsible_who_left_the_case_stays_unless_the_correction_changes_it(
    world: Any, verified_client: Any
) -> None:
    """Correcting only the description keeps the person named before they left the case: the
    form offers them, and the service checks only a newly chosen responsible."""
    action = _action(world)
    type(action).objects.filter(pk=action.pk).update(responsible=world.caw_partner)
    participant = world.case.participants.get(user=world.caw_partner)
    from collaboration.services.cases import participant_remove

    participant_remove(
        actor=world.director, case=world.case, participant_id=participant.pk, reason="Vertrokken"
    )
    action.refresh_from_db()
    director = verified_client(world.director)
    url = _url(CorrectedKind.ACTION, world, action)
    assert f'value="{world.caw_partner.pk}" selected' in director.get(url).content.decode()
    response = director.post(url, _form_data(CorrectedKind.ACTION, action, description=NEW_TEXT))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.description == NEW_TEXT
    assert action.responsible_id == world.caw_partner.pk
    assert [c["field"] for c in Correction.objects.get().changes] == ["description"]


def test_actions_of_an_earlier_plan_version_are_history_not_corrected(world: Any) -> None:
    action = _action(world)
    plans.action_status_set(
        actor=world.director, case=world.case, action_id=action.pk, status="done"
    )
    plans.plan_new_version(actor=world.director, case=world.case)
    with pytest.raises(NotFoundOrNotAllowed):
        correct(
            actor=world.director,
            case=world.case,
            kind=CorrectedKind.ACTION,
            object_id=action.pk,
            values=_values(CorrectedKind.ACTION, action, description=NEW_TEXT),
            reason=REASON,
        )


@time_machine.travel(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=BRUSSELS), tick=False)
def test_a_corrected_year_of_birth_is_not_in_the_future_in_brussels(world: Any) -> None:
    """At 00:30 on 1 January in Brussels it is 2027 there (still 2026 in UTC): 2027 is
    accepted, 2028 refused, as when the member was added."""
    member = FamilyMember.objects.create(case=world.case, name="Fictief Kind", family_role="child")
    with pytest.raises(ValidationError, match="toekomst"):
        correct(
            actor=world.director,
            case=world.case,
            kind=CorrectedKind.FAMILY_MEMBER,
            object_id=member.pk,
            values=_values(CorrectedKind.FAMILY_MEMBER, member, birth_year=2028),
            reason=REASON,
        )
    correct(
        actor=world.director,
        case=world.case,
        kind=CorrectedKind.FAMILY_MEMBER,
        object_id=member.pk,
        values=_values(CorrectedKind.FAMILY_MEMBER, member, birth_year=2027),
        reason=REASON,
    )
