"""Flags and alerts (issue 17 item 4): a flag on a case or about one family member, raised by
anyone who may contribute, acknowledged by each person of the case ("Gezien", a receipt each,
visible to the director), removed with a reason by the director, a coordinator or the one who
raised it (the row stays, listed as removed). A new flag alerts the director and every active
participant except the one who raised it, in the portal and by a mail without content.
Closed cases are read-only; refusals look like "not found" and are audited as denied."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.access import NotFoundOrNotAllowed, actor_profile
from collaboration.models import (
    Case,
    CaseParticipant,
    FamilyMember,
    Flag,
    FlagReceipt,
    Membership,
    Notification,
)
from collaboration.selectors.cases import case_access, dashboard
from collaboration.selectors.flags import case_flags, unacknowledged_flags
from collaboration.services.flags import (
    alert_case_people,
    flag_acknowledge,
    flag_raise,
    flag_remove,
)
from collaboration.services.notifications import Kind
from collaboration.services.referrals import referral_accept, referral_submit
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.cases import referral_data

pytestmark = pytest.mark.django_db

REASON = "Vader dreigde gisteren met een mes (fictief)"
LABEL = "Oom Fictiefmans"
REMOVAL = "Vader is uit huis geplaatst (fictief)"


def _raise(world: Any, actor: Any = None, **kwargs: Any) -> Flag:
    values = {"kind": "acute_danger", "reason": REASON, **kwargs}
    return flag_raise(actor=actor or world.caw_partner, case=world.case, **values)


def _close(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(phase="closed", closing_summary="Afgerond")
    case.refresh_from_db()


def _denied(what: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=AuditAction.CASE_CHANGED, outcome=Outcome.DENIED, extra__change=what
        )
    )


def _people_of_the_case(world: Any) -> set[int]:
    ids = set(
        CaseParticipant.objects.filter(case=world.case, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    return ids | {world.director.pk}


# --- raising ---------------------------------------------------------------------------------


def test_a_participant_raises_a_flag_about_a_child_and_the_others_are_alerted(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    child = FamilyMember.objects.create(case=world.case, name="Zora Fictief", family_role="child")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        flag = _raise(world, kind="children_at_risk", family_member_id=child.pk)
    flag.refresh_from_db()
    assert (flag.kind, flag.family_member_id, flag.reason) == ("children_at_risk", child.pk, REASON)
    assert flag.raised_by == world.caw_partner and flag.raised_by_organisation == "CAW Test"
    assert flag.label == "Kinderen in gevaar" and not flag.is_removed

    event = AuditEvent.objects.get(action=AuditAction.FLAG_RAISED)
    assert event.outcome == Outcome.ALLOWED and event.object_type == "flag"
    assert event.object_id == str(flag.pk) and event.case_reference == world.case.reference
    assert event.extra == {
        "change": "flag_raise",
        "flag": flag.pk,
        "kind": "children_at_risk",
        "family_member": child.pk,
    }
    assert "Fictief" not in str(event.extra) and "mes" not in str(event.extra)

    alerted = set(
        Notification.objects.filter(kind=Kind.FLAG_RAISED).values_list("user_id", flat=True)
    )
    assert alerted == _people_of_the_case(world) - {world.caw_partner.pk}
    assert world.director.pk in alerted and world.police_partner.pk in alerted
    link = Notification.objects.filter(kind=Kind.FLAG_RAISED).first().link
    assert link == reverse("collaboration:case_detail", args=[world.case.reference]) + "#signalen"
    assert len(mail.outbox) == len(alerted)
    for message in mail.outbox:
        assert "mes" not in message.body and "Zora" not in message.body
        assert (
            "Kinderen in gevaar" not in message.body and world.caw_partner.email not in message.to
        )
        assert "signaal" in message.body


def test_a_custom_flag_needs_its_own_short_label(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        _raise(world, kind="custom", custom_label="   ")
    assert "korte naam" in str(error.value.message_dict["custom_label"])
    with pytest.raises(ValidationError):
        _raise(world, kind="custom", custom_label="x" * 61)
    flag = _raise(world, kind="custom", custom_label=f"  {LABEL}  ")
    assert flag.custom_label == LABEL and flag.label == LABEL
    # the label of another kind is not kept
    assert _raise(world, kind="weapons", custom_label=LABEL).custom_label == ""
    assert Flag.objects.count() == 2


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"reason": "   "}, "reason", "reden"),
        ({"reason": "x" * 2001}, "reason", "te lang"),
        ({"kind": "bomb"}, "kind", "Kies een soort"),
    ],
)
def test_bad_input_is_refused_in_dutch_and_nothing_is_saved(
    world: Any, values: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as error:
        _raise(world, **values)
    assert words in str(error.value.message_dict[field])
    assert not Flag.objects.exists() and not Notification.objects.filter(kind="flag_raised")
    assert not AuditEvent.objects.filter(action=AuditAction.FLAG_RAISED).exists()


def test_a_family_member_of_another_case_or_removed_is_refused(world: Any) -> None:
    other = referral_accept(
        actor=world.coordinator,
        referral=referral_submit(actor=world.referrer, **referral_data(world.clb)),
        case_director=world.director,
    )
    stranger = FamilyMember.objects.create(case=other, name="Ander Kind", family_role="child")
    from django.utils import timezone

    gone = FamilyMember.objects.create(
        case=world.case, name="Weg", family_role="child", removed_at=timezone.now()
    )
    for member in (stranger, gone):
        with pytest.raises(ValidationError) as error:
            _raise(world, family_member_id=member.pk)
        assert "gezinslid" in str(error.value.message_dict["family_member"])
    assert not Flag.objects.exists()


@pytest.mark.parametrize("who", ["outsider_member", "caw_colleague", "privacy"])
def test_someone_outside_the_case_cannot_raise_a_flag(world: Any, who: str) -> None:
    with pytest.raises(NotFoundOrNotAllowed):
        _raise(world, actor=getattr(world, who))
    assert not Flag.objects.exists()
    assert not Notification.objects.filter(kind=Kind.FLAG_RAISED).exists()
    [denied] = _denied("flag_raise")
    assert denied.actor_id == getattr(world, who).pk
    assert denied.case_reference == world.case.reference


def test_the_director_and_a_coordinator_raise_flags_too(world: Any) -> None:
    _raise(world, actor=world.director, kind="weapons")
    _raise(world, actor=world.coordinator)
    # the director did not alert themself; the coordinator's flag alerts the director
    assert Notification.objects.filter(user=world.director, kind=Kind.FLAG_RAISED).count() == 1
    assert not Notification.objects.filter(user=world.coordinator, kind=Kind.FLAG_RAISED)


# --- closed cases are read-only -------------------------------------------------------------


def test_a_closed_case_takes_no_new_flag_receipt_or_removal(world: Any) -> None:
    flag = _raise(world)
    _close(world.case)
    for act in (
        lambda: _raise(world),
        lambda: flag_acknowledge(actor=world.police_partner, case=world.case, flag_id=flag.pk),
        lambda: flag_remove(actor=world.director, case=world.case, flag_id=flag.pk, reason="x"),
    ):
        with pytest.raises(ValidationError) as error:
            act()
        assert "afgesloten" in " ".join(error.value.messages)
    flag.refresh_from_db()
    assert Flag.objects.count() == 1 and not flag.is_removed and not FlagReceipt.objects.exists()


# --- acknowledging ---------------------------------------------------------------------------


def test_acknowledging_twice_keeps_one_receipt_and_one_audit_record(world: Any) -> None:
    flag = _raise(world)
    first = flag_acknowledge(actor=world.police_partner, case=world.case, flag_id=flag.pk)
    second = flag_acknowledge(actor=world.police_partner, case=world.case, flag_id=flag.pk)
    assert first.pk == second.pk
    assert FlagReceipt.objects.filter(flag=flag).count() == 1
    [event] = AuditEvent.objects.filter(action=AuditAction.FLAG_ACKNOWLEDGED)
    assert event.extra == {"change": "flag_acknowledge", "flag": flag.pk, "kind": "acute_danger"}
    assert event.actor_id == world.police_partner.pk


def test_acknowledging_is_refused_outside_the_case_and_for_removed_or_foreign_flags(
    world: Any,
) -> None:
    flag = _raise(world)
    with pytest.raises(NotFoundOrNotAllowed):
        flag_acknowledge(actor=world.outsider_member, case=world.case, flag_id=flag.pk)
    assert len(_denied("flag_acknowledge")) == 1
    other = referral_accept(
        actor=world.coordinator,
        referral=referral_submit(actor=world.referrer, **referral_data(world.clb)),
        case_director=world.director,
    )
    foreign = flag_raise(actor=world.director, case=other, kind="weapons", reason="Fictief")
    with pytest.raises(NotFoundOrNotAllowed):  # a flag of another case, through this one
        flag_acknowledge(actor=world.police_partner, case=world.case, flag_id=foreign.pk)
    flag_remove(actor=world.director, case=world.case, flag_id=flag.pk, reason=REMOVAL)
    with pytest.raises(NotFoundOrNotAllowed):
        flag_acknowledge(actor=world.police_partner, case=world.case, flag_id=flag.pk)
    assert len(_denied("flag_acknowledge")) == 3
    assert not FlagReceipt.objects.exists()


# --- removing --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["caw_partner", "director", "coordinator"])
def test_the_raiser_the_director_and_a_coordinator_remove_a_flag_which_stays_as_history(
    world: Any, who: str
) -> None:
    flag = _raise(world)
    actor = getattr(world, who)
    removed = flag_remove(actor=actor, case=world.case, flag_id=flag.pk, reason=f"  {REMOVAL} ")
    flag.refresh_from_db()
    assert flag.pk == removed.pk and flag.is_removed
    assert (flag.removed_by, flag.removal_reason, flag.reason) == (actor, REMOVAL, REASON)
    [event] = AuditEvent.objects.filter(action=AuditAction.FLAG_REMOVED)
    assert event.extra == {"change": "flag_remove", "flag": flag.pk, "kind": "acute_danger"}
    access = case_access(user=world.director, reference=world.case.reference)
    flags = case_flags(access, participants=[])
    assert flags.active == [] and [f.pk for f in flags.removed] == [flag.pk]
    with pytest.raises(NotFoundOrNotAllowed):  # removed once
        flag_remove(actor=world.director, case=world.case, flag_id=flag.pk, reason=REMOVAL)


@pytest.mark.parametrize("who", ["police_partner", "outsider_member", "privacy"])
def test_removal_by_someone_not_allowed_is_not_found_and_audited(world: Any, who: str) -> None:
    flag = _raise(world)  # raised by the CAW partner
    with pytest.raises(NotFoundOrNotAllowed):
        flag_remove(actor=getattr(world, who), case=world.case, flag_id=flag.pk, reason=REMOVAL)
    flag.refresh_from_db()
    assert not flag.is_removed and flag.removal_reason == ""
    [denied] = _denied("flag_remove")
    assert denied.actor_id == getattr(world, who).pk
    assert not AuditEvent.objects.filter(action=AuditAction.FLAG_REMOVED).exists()


def test_a_removal_needs_a_reason(world: Any) -> None:
    flag = _raise(world)
    with pytest.raises(ValidationError) as error:
        flag_remove(actor=world.director, case=world.case, flag_id=flag.pk, reason="  ")
    assert "reden" in str(error.value.message_dict["reason"])
    flag.refresh_from_db()
    assert not flag.is_removed


def test_a_participant_removed_from_the_case_can_no_longer_remove_their_flag(world: Any) -> None:
    flag = _raise(world)
    CaseParticipant.objects.filter(case=world.case, user=world.caw_partner).update(is_active=False)
    with pytest.raises(NotFoundOrNotAllowed):
        flag_remove(actor=world.caw_partner, case=world.case, flag_id=flag.pk, reason=REMOVAL)


# --- alerting --------------------------------------------------------------------------------


def test_alert_case_people_skips_the_actor_and_people_who_left(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Membership.objects.filter(user=world.police_partner).update(is_active=False)
    CaseParticipant.objects.filter(case=world.case, user=world.caw_partner).update(is_active=False)
    expected = _people_of_the_case(world) - {world.coordinator.pk, world.police_partner.pk}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        count = alert_case_people(
            case=world.case, kind=Kind.CONSENT_WITHDRAWN, actor=world.coordinator, link="/x/"
        )
        assert mail.outbox == []  # the mails wait for the commit
    assert len(callbacks) == count == len(expected)
    rows = Notification.objects.filter(kind=Kind.CONSENT_WITHDRAWN)
    assert set(rows.values_list("user_id", flat=True)) == expected
    assert set(rows.values_list("link", flat=True)) == {"/x/"}
    assert len(mail.outbox) == count
    # the actor is left out, the director included
    assert alert_case_people(case=world.case, kind=Kind.RISK_RAISED, actor=world.director) == (
        count - 1
    )
    assert Notification.objects.filter(kind=Kind.RISK_RAISED).first().link == reverse(
        "collaboration:case_detail", args=[world.case.reference]
    )


# --- reading: receipts and the dashboard -----------------------------------------------------


def test_the_director_sees_who_acknowledged_and_who_not_yet(world: Any) -> None:
    flag = _raise(world)
    flag_acknowledge(actor=world.police_partner, case=world.case, flag_id=flag.pk)
    access = case_access(user=world.director, reference=world.case.reference)
    participants = list(CaseParticipant.objects.filter(case=world.case, is_active=True))
    [shown] = case_flags(access, participants=participants).active
    assert [r.user for r in shown.seen] == [world.police_partner]
    assert world.director in shown.not_seen and world.caw_partner not in shown.not_seen
    assert world.police_partner not in shown.not_seen
    assert shown.can_remove and shown.receipt is None
    partner = case_access(user=world.police_partner, reference=world.case.reference)
    flags = case_flags(partner, participants=participants)
    assert not flags.shows_receipts and not hasattr(flags.active[0], "seen")
    assert flags.active[0].receipt is not None and not flags.active[0].can_remove
    assert flags.unseen == []


def test_the_dashboard_lists_flags_not_yet_acknowledged(world: Any) -> None:
    flag = _raise(world)
    removed = _raise(world, kind="weapons")
    flag_remove(actor=world.director, case=world.case, flag_id=removed.pk, reason=REMOVAL)
    police = actor_profile(world.police_partner)
    assert unacknowledged_flags(police) == ([flag], 1)
    assert unacknowledged_flags(actor_profile(world.caw_partner)) == ([], 0)  # their own
    assert unacknowledged_flags(actor_profile(world.outsider_member)) == ([], 0)
    assert dashboard(user=world.director).flags == [flag]
    flag_acknowledge(actor=world.police_partner, case=world.case, flag_id=flag.pk)
    assert unacknowledged_flags(police) == ([], 0)
    _raise(world, kind="weapons")
    _close(world.case)
    assert unacknowledged_flags(police) == ([], 0)  # closed cases are left out


# --- views -----------------------------------------------------------------------------------


def _page(client: Any, world: Any) -> str:
    response = client.get(reverse("collaboration:case_detail", args=[world.case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_raising_through_the_form_shows_the_alert_above_the_state_of_affairs(
    world: Any, verified_client: Any
) -> None:
    child = FamilyMember.objects.create(case=world.case, name="Zora Fictief", family_role="child")
    client = verified_client(world.caw_partner)
    url = reverse("collaboration:flag_raise", args=[world.case.reference])
    form = client.get(url).content.decode()
    assert "Acuut gevaar" in form and "Zora Fictief (Kind)" in form and "Het hele gezin" in form
    refused = client.post(url, {"kind": "custom", "custom_label": "", "reason": REASON})
    assert refused.status_code == 200 and "korte naam" in refused.content.decode()
    assert not Flag.objects.exists()
    response = client.post(
        url, {"kind": "weapons", "family_member": str(child.pk), "reason": REASON}
    )
    assert response.status_code == 302 and response["Location"].endswith("#signalen")
    flag = Flag.objects.get()
    assert flag.family_member == child and flag.kind == "weapons"

    html = _page(verified_client(world.police_partner), world)
    assert html.index('id="signalen"') < html.index('id="stand"')
    assert "Let op: 1 actief signaal" in html and "Signaal: Wapens" in html
    assert "over Zora Fictief" in html and REASON in html
    assert reverse("collaboration:flag_acknowledge", args=[world.case.reference, flag.pk]) in html
    assert "nog niet bevestigd" in html
    # the police partner may not remove the CAW's flag; the page does not offer it
    assert reverse("collaboration:flag_remove", args=[world.case.reference, flag.pk]) not in html


def test_acknowledging_on_the_case_page_and_the_director_sees_the_receipt(
    world: Any, verified_client: Any
) -> None:
    flag = _raise(world)
    police = verified_client(world.police_partner)
    assert (
        "1 signaal dat u nog niet zag" in police.get(reverse("collaboration:home")).content.decode()
    )
    url = reverse("collaboration:flag_acknowledge", args=[world.case.reference, flag.pk])
    assert police.get(url).status_code == 200
    response = police.post(url)
    assert response.status_code == 302
    html = _page(police, world)
    assert "U zag dit signaal op" in html and url not in html
    assert "nog niet zag" not in police.get(reverse("collaboration:home")).content.decode()
    director = _page(verified_client(world.director), world)
    assert "Gezien door 1 persoon" in director and "Paul Politie" in director
    assert "Nog niet gezien" in director
    assert "Gezien door" not in html  # receipts are for the director and coordinators


def test_removing_through_the_form(world: Any, verified_client: Any) -> None:
    flag = _raise(world)
    url = reverse("collaboration:flag_remove", args=[world.case.reference, flag.pk])
    assert verified_client(world.police_partner).get(url).status_code == 404
    assert verified_client(world.police_partner).post(url, {"reason": REMOVAL}).status_code == 404
    client = verified_client(world.caw_partner)
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    response = client.post(url, {"reason": REMOVAL})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.is_removed
    html = _page(client, world)
    assert "Geschiedenis: 1 verwijderd signaal" in html and REMOVAL in html
    assert "Er zijn geen actieve signalen." in html
    assert client.get(url).status_code == 404  # removed: no form any more


def test_a_closed_case_page_shows_flags_without_forms(world: Any, verified_client: Any) -> None:
    flag = _raise(world)
    _close(world.case)
    html = _page(verified_client(world.director), world)
    assert "Signaal: Acuut gevaar" in html
    for name in ("flag_remove", "flag_acknowledge"):
        assert reverse(f"collaboration:{name}", args=[world.case.reference, flag.pk]) not in html
    assert reverse("collaboration:flag_raise", args=[world.case.reference]) not in html


# --- queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "url_name"), [("director", "case"), ("police_partner", "home")])
def test_flags_add_no_queries_per_flag(
    world: Any, verified_client: Any, django_assert_num_queries: Any, who: str, url_name: str
) -> None:
    client = verified_client(getattr(world, who))
    url = (
        reverse("collaboration:case_detail", args=[world.case.reference])
        if url_name == "case"
        else reverse("collaboration:home")
    )
    child = FamilyMember.objects.create(case=world.case, name="Zora Fictief", family_role="child")

    def add(n: int) -> None:
        for i in range(n):
            flag = _raise(world, family_member_id=child.pk if i % 2 else None)
            flag_acknowledge(actor=world.director, case=world.case, flag_id=flag.pk)
            if i % 3 == 2:
                flag_remove(actor=world.director, case=world.case, flag_id=flag.pk, reason="x")

    add(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add(8)
    with django_assert_num_queries(len(small.captured_queries)):
        body = client.get(url).content.decode()
    assert "Acuut gevaar" in body


def test_the_audit_viewer_names_a_flag_by_kind_and_day_never_by_its_text(world: Any) -> None:
    from portal.audit.objects import object_labels, words_for_object

    _raise(world, kind="custom", custom_label=LABEL)
    event = AuditEvent.objects.get(action=AuditAction.FLAG_RAISED)
    words = words_for_object(event, object_labels([event]))
    assert words.startswith("Signaal (ander signaal) van ")
    assert LABEL not in words and "mes" not in words
