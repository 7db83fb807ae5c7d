"""Risk assessment (issue 17 item 2): an assessment of the case or of one person at risk, with
an instrument that is data (questions, weights, thresholds in a JSON file), a computed level,
the professional's own judgement with a reason, versions per person, a re-assessment date on
the director's dashboard and reminded once, an alert when the level rises, and the history on
the case page. Refusals: someone not on the case (not found, audited), a different level
without a reason, an unanswered question, a closed case; nothing is saved."""

from __future__ import annotations

import copy
import datetime
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaboration.access import NotFoundOrNotAllowed
from collaboration.models import (
    FamilyMember,
    Notification,
    RiskAssessment,
    RiskInstrument,
    RiskQuestion,
)
from collaboration.risk_instruments import (
    DEMO_INSTRUMENT,
    load_instrument,
    load_instrument_file,
    read_instrument,
)
from collaboration.services.risk import level_for, risk_assess, risk_reviews_notify, score_of
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
REASON = "Moeder vertelt dat de vader een nieuw adres zoekt vlak bij de school"
NO = "no"


@pytest.fixture
def instrument(db: Any) -> RiskInstrument:
    """The demo instrument, as the data migration loads it (a transactional test elsewhere may
    have flushed the migration's rows)."""
    found = RiskInstrument.objects.filter(code="demo", version=1).first()
    return found or load_instrument_file(DEMO_INSTRUMENT)


def _answers(**yes: str) -> dict[str, str]:
    """Every demo question answered "Nee", except the keys given (with their answer)."""
    data = read_instrument(DEMO_INSTRUMENT)
    answers = {q["key"]: NO for q in data["questions"]}
    answers.update({key.replace("_", "-"): value for key, value in yes.items()})
    return answers


LOW = _answers()
RAISED = _answers(physical_violence="yes", threats="yes")  # 3 + 2 = 5
HIGH = _answers(physical_violence="yes", threats="yes", weapon="yes")  # 8


def _assess(world: Any, instrument: RiskInstrument, answers: dict[str, str], **kw: Any) -> Any:
    return risk_assess(
        actor=kw.pop("actor", world.director),
        case=kw.pop("case", world.case),
        instrument_id=instrument.pk,
        answers=answers,
        **kw,
    )


# --- the level comes from the instrument's data ---------------------------------------------


def test_the_level_is_computed_from_the_weights_and_thresholds(world, instrument) -> None:
    assert _assess(world, instrument, LOW).final_level == "low"
    raised = _assess(world, instrument, RAISED)
    assert (raised.score, raised.computed_level, raised.final_level) == (5, "raised", "raised")
    high = _assess(world, instrument, HIGH)
    assert (high.score, high.computed_level) == (8, "high")
    # protective factors count against: 8 - 1 (a trusted person) is raised again
    protected = _assess(world, instrument, {**HIGH, "trusted-person": "yes"})
    assert (protected.score, protected.computed_level) == (7, "raised")
    # "Onbekend" counts for nothing
    unknown = _assess(world, instrument, {**LOW, "weapon": "unknown"})
    assert (unknown.score, unknown.computed_level) == (0, "low")


def test_changing_the_thresholds_in_the_file_changes_the_level(world, instrument) -> None:
    """The rule lives in the data: the same answers, the file's thresholds lowered, a higher
    level (and nothing in the code changed)."""
    data = read_instrument(DEMO_INSTRUMENT)
    assert level_for(data, score_of(data, RAISED)) == "raised"
    stricter = copy.deepcopy(data)
    stricter.update(code="demo-strenger", threshold_raised=2, threshold_high=5)
    assert level_for(stricter, score_of(stricter, RAISED)) == "high"
    loaded = load_instrument(stricter, instrument_model=RiskInstrument, question_model=RiskQuestion)
    assert _assess(world, loaded, RAISED).computed_level == "high"
    assert _assess(world, instrument, RAISED).computed_level == "raised"
    heavier = copy.deepcopy(data)
    heavier["code"] = "demo-zwaarder"
    heavier["questions"][0]["weight"] = 10  # physical violence alone is high
    loaded = load_instrument(heavier, instrument_model=RiskInstrument, question_model=RiskQuestion)
    assert _assess(world, loaded, _answers(physical_violence="yes")).computed_level == "high"


def test_the_demo_instrument_is_loaded_by_the_migration_and_named_fictional(instrument) -> None:
    assert "fictief" in instrument.name and "niet voor gebruik" in instrument.name
    assert instrument.questions.count() == len(read_instrument(DEMO_INSTRUMENT)["questions"])
    assert set(instrument.questions.values_list("kind", flat=True)) == {"risk", "protective"}


def test_a_loaded_version_is_never_changed_and_a_new_one_replaces_it_in_the_form(
    world, instrument
) -> None:
    data = read_instrument(DEMO_INSTRUMENT)
    with pytest.raises(ValidationError, match="bestaat al"):
        load_instrument(data, instrument_model=RiskInstrument, question_model=RiskQuestion)
    old = _assess(world, instrument, RAISED)
    second = copy.deepcopy(data)
    second.update(version=2, threshold_raised=1, threshold_high=3)
    second["questions"][0]["text"] = "Nieuwe fictieve formulering"
    new = load_instrument(second, instrument_model=RiskInstrument, question_model=RiskQuestion)
    instrument.refresh_from_db()
    assert not instrument.is_active and new.is_active
    # the old assessment keeps the questions, thresholds and level it was made with
    old.refresh_from_db()
    assert old.computed_level == "raised" and old.snapshot["threshold_high"] == 8
    assert old.snapshot["questions"][0]["text"] == data["questions"][0]["text"]
    assert (old.instrument_code, old.instrument_version) == ("demo", 1)
    # the earlier version is no longer offered
    with pytest.raises(ValidationError):
        _assess(world, instrument, RAISED)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"threshold_high": 2}, "drempel"),
        ({"questions": []}, "geen vragen"),
        ({"code": "Geen Code!"}, "code"),
    ],
)
def test_an_invalid_instrument_file_is_refused(change, message) -> None:
    data = {**read_instrument(DEMO_INSTRUMENT), "code": "demo-fout", **change}
    with pytest.raises(ValidationError, match=message):
        load_instrument(data, instrument_model=RiskInstrument, question_model=RiskQuestion)
    assert not RiskInstrument.objects.filter(code="demo-fout").exists()


def test_a_question_in_an_unknown_domain_is_refused() -> None:
    data = copy.deepcopy(read_instrument(DEMO_INSTRUMENT))
    data["code"] = "demo-fout"
    data["questions"][0]["domain"] = "astrologie"
    with pytest.raises(ValidationError, match="onvolledig"):
        load_instrument(data, instrument_model=RiskInstrument, question_model=RiskQuestion)


# --- who may assess -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["director", "coordinator", "caw_partner"])
def test_director_coordinator_and_participant_assess(world, instrument, who) -> None:
    assessment = _assess(world, instrument, RAISED, actor=getattr(world, who))
    assert assessment.assessed_by == getattr(world, who)
    assert assessment.assessed_by_organisation


@pytest.mark.parametrize("who", ["caw_colleague", "outsider_member", "privacy"])
def test_someone_not_on_the_case_is_refused_as_not_found_and_audited(
    world, instrument, who
) -> None:
    with pytest.raises(NotFoundOrNotAllowed):
        _assess(world, instrument, RAISED, actor=getattr(world, who))
    assert not RiskAssessment.objects.exists()
    denial = AuditEvent.objects.filter(
        actor=getattr(world, who), outcome=Outcome.DENIED, case_reference=world.case.reference
    ).get()
    assert denial.extra == {"change": "risk_assessment"}
    assert not AuditEvent.objects.filter(action=AuditAction.RISK_ASSESSED).exists()


def test_a_closed_case_is_not_assessed(world, instrument) -> None:
    world.case.phase = "closed"
    world.case.closing_summary = "Afgesloten"
    world.case.save()
    with pytest.raises(ValidationError, match="afgesloten"):
        _assess(world, instrument, RAISED)
    assert not RiskAssessment.objects.exists()


# --- the professional's judgement, answers, subject, date -------------------------------------


def test_a_different_level_without_a_reason_is_refused_in_dutch(world, instrument) -> None:
    with pytest.raises(ValidationError) as refused:
        _assess(world, instrument, RAISED, judged_level="high", override_reason="   ")
    assert refused.value.message_dict["override_reason"] == [
        "U wijkt af van het berekende niveau: geef de reden van uw eigen oordeel."
    ]
    assert not RiskAssessment.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.RISK_ASSESSED).exists()


def test_the_professional_overrides_with_a_reason(world, instrument) -> None:
    assessment = _assess(world, instrument, RAISED, judged_level="high", override_reason=REASON)
    assert (assessment.computed_level, assessment.final_level) == ("raised", "high")
    assert assessment.is_overridden and assessment.override_reason == REASON
    # a reason without a deviation is not kept as an override
    same = _assess(world, instrument, RAISED, judged_level="raised", override_reason=REASON)
    assert not same.is_overridden and same.override_reason == ""
    # lower than computed is a judgement too
    lower = _assess(world, instrument, HIGH, judged_level="low", override_reason=REASON)
    assert lower.final_level == "low"


def test_an_unanswered_question_or_a_bad_answer_is_refused(world, instrument) -> None:
    partial = dict(RAISED)
    partial.pop("weapon")
    with pytest.raises(ValidationError, match="Beantwoord elke vraag"):
        _assess(world, instrument, partial)
    with pytest.raises(ValidationError, match="Beantwoord elke vraag"):
        _assess(world, instrument, {**RAISED, "weapon": "misschien"})
    with pytest.raises(ValidationError):
        _assess(world, instrument, RAISED, judged_level="catastrofaal", override_reason=REASON)
    assert not RiskAssessment.objects.exists()


def test_versions_per_person_at_risk(world, instrument) -> None:
    mother = FamilyMember.objects.create(case=world.case, name="Mira Fictief", family_role="mother")
    first = _assess(world, instrument, LOW)
    for_mother = _assess(world, instrument, HIGH, family_member_id=mother.pk)
    second = _assess(world, instrument, RAISED)
    assert (first.version, second.version, for_mother.version) == (1, 2, 1)
    first.refresh_from_db()
    for_mother.refresh_from_db()
    assert not first.is_current and second.is_current and for_mother.is_current
    assert for_mother.family_member == mother


def test_a_family_member_of_another_case_or_removed_is_refused(world, instrument) -> None:
    from collaboration.services.referrals import referral_accept, referral_submit
    from tests.factories.cases import referral_data

    other = referral_accept(
        actor=world.coordinator,
        referral=referral_submit(actor=world.referrer, **referral_data(world.clb)),
        case_director=world.director,
    )
    stranger = FamilyMember.objects.create(case=other, name="Elders Fictief", family_role="child")
    removed = FamilyMember.objects.create(
        case=world.case, name="Weg Fictief", family_role="child", removed_at=timezone.now()
    )
    for member in (stranger, removed):
        with pytest.raises(ValidationError) as refused:
            _assess(world, instrument, RAISED, family_member_id=member.pk)
        assert "family_member" in refused.value.message_dict
    assert not RiskAssessment.objects.exists()


def test_the_review_date_defaults_to_the_instruments_term_and_lies_ahead(world, instrument) -> None:
    with time_machine.travel(datetime.datetime(2026, 12, 3, 0, 30, tzinfo=BRUSSELS), tick=False):
        assessment = _assess(world, instrument, RAISED)
        assert assessment.review_due_on == datetime.date(2026, 12, 3) + datetime.timedelta(days=90)
        for past in (datetime.date(2026, 12, 3), datetime.date(2026, 12, 2)):
            with pytest.raises(ValidationError, match="na vandaag"):
                _assess(world, instrument, RAISED, review_due_on=past)
        chosen = _assess(world, instrument, RAISED, review_due_on=datetime.date(2026, 12, 4))
        assert chosen.review_due_on == datetime.date(2026, 12, 4)
    assert RiskAssessment.objects.count() == 2


# --- audit and alerts -----------------------------------------------------------------------


def test_the_audit_record_holds_ids_instrument_and_levels_never_answers_or_reason(
    world, instrument
) -> None:
    _assess(world, instrument, LOW)
    assessment = _assess(world, instrument, RAISED, judged_level="high", override_reason=REASON)
    event = AuditEvent.objects.filter(action=AuditAction.RISK_ASSESSED).latest("id")
    assert event.object_type == "risk_assessment" and event.object_id == str(assessment.pk)
    assert event.extra == {
        "family_member": None,
        "version": 2,
        "instrument": "demo",
        "instrument_version": 1,
        "computed_level": "raised",
        "final_level": "high",
        "overridden": True,
        "previous_level": "low",
        "raised": True,
    }
    stored = str(event.__dict__)
    assert "vader" not in stored and "yes" not in stored


def test_a_raised_level_alerts_director_and_participants_by_mail_after_commit(
    world, instrument, django_capture_on_commit_callbacks
) -> None:
    _assess(world, instrument, LOW, actor=world.caw_partner)
    assert not Notification.objects.filter(kind="risk_raised").exists()  # nothing before
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _assess(world, instrument, RAISED, actor=world.caw_partner)
    assert mail.outbox == []  # not before the commit
    for callback in callbacks:
        callback()
    alerted = set(Notification.objects.filter(kind="risk_raised").values_list("user", flat=True))
    # the director and the other active participants; not the assessor, not someone removed
    others = set(
        world.case.participants.filter(is_active=True)
        .exclude(user=world.caw_partner)
        .values_list("user", flat=True)
    )
    assert world.police_partner.pk in others
    assert alerted == {world.director.pk, *others}
    assert len(mail.outbox) == len(alerted)
    for message in mail.outbox:
        assert "gestegen" in message.body and "Fictief" not in message.body
        assert "risico" in message.body  # the link to the case page's section
    # the same level again, or lower: no alert
    _assess(world, instrument, RAISED, actor=world.caw_partner)
    _assess(world, instrument, LOW, actor=world.caw_partner)
    assert Notification.objects.filter(kind="risk_raised").count() == len(alerted)


def test_a_raise_is_per_person_and_counts_the_final_level(world, instrument) -> None:
    world.case.participants.exclude(user=world.caw_partner).update(is_active=False)
    child = FamilyMember.objects.create(case=world.case, name="Kind Fictief", family_role="child")
    _assess(world, instrument, HIGH)  # the family as a whole is high
    _assess(world, instrument, LOW, family_member_id=child.pk)
    _assess(world, instrument, LOW, family_member_id=child.pk)  # same: no alert
    assert not Notification.objects.filter(kind="risk_raised").exists()
    # computed low, judged raised: the final level rose
    _assess(
        world,
        instrument,
        LOW,
        family_member_id=child.pk,
        judged_level="raised",
        override_reason=REASON,
        actor=world.coordinator,
    )
    # the director and the active participant (a removed participant hears nothing)
    assert set(Notification.objects.filter(kind="risk_raised").values_list("user", flat=True)) == {
        world.director.pk,
        world.caw_partner.pk,
    }


# --- the re-assessment date ------------------------------------------------------------------


def test_the_review_is_reminded_once_to_the_director_when_due(world, instrument) -> None:
    mother = FamilyMember.objects.create(case=world.case, name="Mira Fictief", family_role="mother")
    with time_machine.travel(datetime.datetime(2026, 12, 3, 10, tzinfo=BRUSSELS), tick=False):
        due_soon = _assess(world, instrument, RAISED, review_due_on=datetime.date(2026, 12, 10))
        replaced = _assess(
            world,
            instrument,
            HIGH,
            family_member_id=mother.pk,
            review_due_on=datetime.date(2026, 12, 5),
        )
        _assess(
            world,
            instrument,
            LOW,
            family_member_id=mother.pk,
            review_due_on=datetime.date(2027, 3, 1),
        )
        assert risk_reviews_notify() == 0
    # 23:30 on the 9th in Brussels is the 9th: not yet due
    with time_machine.travel(datetime.datetime(2026, 12, 9, 23, 30, tzinfo=BRUSSELS), tick=False):
        assert risk_reviews_notify() == 0
    with time_machine.travel(datetime.datetime(2026, 12, 10, 0, 30, tzinfo=BRUSSELS), tick=False):
        assert risk_reviews_notify() == 1
        assert risk_reviews_notify() == 0  # once
    notice = Notification.objects.get(kind="risk_review_due")
    assert notice.user == world.director
    assert notice.link.endswith(f"#taxatie-{due_soon.pk}")
    replaced.refresh_from_db()
    assert replaced.review_notified_at is None  # replaced by a newer assessment


def test_no_review_reminder_for_a_closed_case(world, instrument) -> None:
    _assess(world, instrument, RAISED, review_due_on=timezone.localdate() + datetime.timedelta(1))
    world.case.phase = "closed"
    world.case.closing_summary = "Afgesloten"
    world.case.save()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        assert risk_reviews_notify() == 0


def test_the_periodic_task_is_scheduled(settings) -> None:
    from collaboration.tasks import notify_risk_reviews_due

    assert "collaboration.tasks.notify_risk_reviews_due" in settings.PERIODIC_TASKS
    assert notify_risk_reviews_due.call() == {"notified": 0}


# --- pages ----------------------------------------------------------------------------------


def _form_data(answers: dict[str, str], **extra: str) -> dict[str, str]:
    return {**{f"vraag_{k}": v for k, v in answers.items()}, **extra}


def test_the_form_is_built_from_the_instrument_and_saves(
    world, instrument, verified_client
) -> None:
    client = verified_client(world.caw_partner)
    url = reverse("collaboration:risk_assess", args=[world.case.reference])
    page = client.get(url).content.decode()
    assert instrument.name in page
    for question in instrument.questions.all():
        assert question.text in page
    assert "<legend><h2>Veiligheid</h2></legend>" in page  # grouped by life domain
    response = client.post(url, _form_data(RAISED, family_member=""))
    assessment = RiskAssessment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/risicotaxatie/#taxatie-{assessment.pk}")
    assert assessment.final_level == "raised" and assessment.assessed_by == world.caw_partner


def test_the_form_refuses_an_override_without_reason_and_keeps_what_was_typed(
    world, instrument, verified_client
) -> None:
    client = verified_client(world.director)
    url = reverse("collaboration:risk_assess", args=[world.case.reference])
    response = client.post(url, _form_data(RAISED, judged_level="high"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "geef de reden van uw eigen oordeel" in body
    assert 'value="yes" required' not in body
    assert 'name="vraag_physical-violence" value="yes"' in body and "checked" in body
    assert not RiskAssessment.objects.exists()
    missing = client.post(url, _form_data({}, family_member=""))
    assert "Beantwoord elke vraag" in missing.content.decode()
    assert not RiskAssessment.objects.exists()


def test_the_form_preselects_the_person_and_refuses_a_stranger(
    world, instrument, verified_client
) -> None:
    member = FamilyMember.objects.create(case=world.case, name="Mira Fictief", family_role="mother")
    url = reverse("collaboration:risk_assess", args=[world.case.reference])
    page = verified_client(world.director).get(f"{url}?persoon={member.pk}").content.decode()
    assert f'value="{member.pk}" selected' in page
    assert verified_client(world.caw_colleague).get(url).status_code == 404
    assert verified_client(world.outsider_member).post(url, _form_data(RAISED)).status_code == 404
    assert not RiskAssessment.objects.exists()


def test_without_an_instrument_the_form_says_so(world, verified_client) -> None:
    RiskInstrument.objects.update(is_active=False)
    url = reverse("collaboration:risk_assess", args=[world.case.reference])
    response = verified_client(world.director).get(url)
    assert response.status_code == 200
    assert "nog geen instrument" in response.content.decode()


def test_the_case_page_shows_the_risk_history_and_the_list_the_answers(
    world, instrument, verified_client
) -> None:
    mother = FamilyMember.objects.create(case=world.case, name="Mira Fictief", family_role="mother")
    _assess(world, instrument, HIGH)
    _assess(world, instrument, RAISED, judged_level="high", override_reason=REASON)
    _assess(world, instrument, LOW, family_member_id=mother.pk)
    client = verified_client(world.police_partner)
    page = client.get(reverse("collaboration:case_detail", args=[world.case.reference]))
    body = page.content.decode()
    assert 'id="risico"' in body and "Verloop" in body
    assert "Het gezin als geheel" in body and "Mira Fictief" in body
    assert "eigen oordeel; berekend" in body
    listing = client.get(reverse("collaboration:risk_list", args=[world.case.reference]))
    text = listing.content.decode()
    assert REASON in text and "Er is een wapen in huis" in text and "Versie 2" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.CASE_VIEWED, purpose="risk_history", actor=world.police_partner
    ).exists()
    assert verified_client(world.caw_colleague).get(listing.request["PATH_INFO"]).status_code == 404


def test_the_directors_dashboard_lists_reviews_due_and_overdue(
    world, instrument, verified_client
) -> None:
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=BRUSSELS), tick=False):
        _assess(world, instrument, RAISED, review_due_on=datetime.date(2026, 12, 2))
        child = FamilyMember.objects.create(case=world.case, name="K Fictief", family_role="child")
        _assess(
            world,
            instrument,
            HIGH,
            family_member_id=child.pk,
            review_due_on=datetime.date(2026, 12, 3),
        )
    with time_machine.travel(datetime.datetime(2026, 12, 3, 10, tzinfo=BRUSSELS)):
        body = verified_client(world.director).get(reverse("collaboration:home")).content.decode()
        assert "Risicotaxaties om te herhalen (2)" in body
        assert "Over tijd" in body and "Vandaag" in body
        assert "K Fictief" not in body  # the role, not the name, on the dashboard
        partner = verified_client(world.caw_partner).get(reverse("collaboration:home"))
        assert "Risicotaxaties om te herhalen" not in partner.content.decode()


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_page_and_dashboard_queries_do_not_grow_with_assessments(
    world, instrument, verified_client
) -> None:
    client = verified_client(world.director)
    case_url = reverse("collaboration:case_detail", args=[world.case.reference])
    list_url = reverse("collaboration:risk_list", args=[world.case.reference])
    home = reverse("collaboration:home")
    past = datetime.date(2026, 1, 2)
    with time_machine.travel(datetime.datetime(2026, 1, 1, 10, tzinfo=BRUSSELS), tick=False):
        _assess(world, instrument, RAISED, review_due_on=past)
    small = (_count(client, case_url), _count(client, list_url), _count(client, home))
    with time_machine.travel(datetime.datetime(2026, 1, 1, 10, tzinfo=BRUSSELS), tick=False):
        for n in range(5):
            member = FamilyMember.objects.create(
                case=world.case, name=f"Lid {n} Fictief", family_role="child"
            )
            _assess(world, instrument, HIGH, family_member_id=member.pk, review_due_on=past)
            _assess(world, instrument, LOW, family_member_id=member.pk, review_due_on=past)
    large = (_count(client, case_url), _count(client, list_url), _count(client, home))
    assert large == small


def test_the_demo_case_has_a_risk_history_that_ends_low_at_closure(verified_client) -> None:
    from collaboration.demo import CLOSED_REFERENCE, ensure_demo_organisations
    from portal.accounts.demo import ensure_demo_people

    users = ensure_demo_people()
    ensure_demo_organisations(users)
    ensure_demo_organisations(users)  # idempotent
    rows = list(
        RiskAssessment.objects.filter(
            case__reference=CLOSED_REFERENCE, family_member__isnull=True
        ).order_by("version")
    )
    levels = [a.final_level for a in rows]
    assert levels[0] == "high" and "raised" in levels and levels[-1] == "low"
    assert [a.version for a in rows] == list(range(1, len(rows) + 1))
    assert [a.is_current for a in rows] == [False] * (len(rows) - 1) + [True]
    closed = rows[-1].case
    assert (
        timezone.localtime(rows[-1].assessed_at).date()
        == timezone.localtime(closed.closed_at).date()
    )
    mother = RiskAssessment.objects.filter(
        case=closed, family_member__family_role="mother"
    ).order_by("version")
    assert [a.final_level for a in mother] == ["high", "raised", "low"]
    # levels as the instrument's data computes them
    for assessment in rows:
        assert assessment.computed_level == level_for(
            assessment.snapshot, score_of(assessment.snapshot, assessment.answers)
        )
    body = verified_client(users["partner@caw.example"]).get(
        reverse("collaboration:case_detail", args=[CLOSED_REFERENCE])
    )
    assert "Verloop van het risiconiveau" in body.content.decode()


def test_the_command_loads_a_new_version_and_refuses_an_existing_one(instrument, tmp_path) -> None:
    import json

    from django.core.management import CommandError, call_command

    data = read_instrument(DEMO_INSTRUMENT)
    path = tmp_path / "demo-v2.json"
    path.write_text(json.dumps({**data, "version": 2}), encoding="utf-8")
    call_command("load_risk_instrument", str(path))
    assert RiskInstrument.objects.get(code="demo", is_active=True).version == 2
    with pytest.raises(CommandError, match="bestaat al"):
        call_command("load_risk_instrument", str(path))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_risk_instrument", str(tmp_path / "ontbreekt.json"))
