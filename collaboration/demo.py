"""Demo organisations (the nine chain partners of Oost-Vlaanderen, Veilig Huis, a CLB) and the
memberships of the demo people. Names of services are real kinds; the people are fictional."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from .demo_bases import attach_demo_bases
from .models import (
    CLOSURE_CRITERIA,
    Action,
    ActionPlan,
    Approval,
    Audience,
    Case,
    CaseCounter,
    CaseParticipant,
    ClosureRequest,
    CriterionAnswer,
    DomainAssessment,
    EntryKind,
    FamilyMember,
    FamilyRole,
    Goal,
    LifeDomain,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    Organisation,
    OrganisationKind,
    Phase,
    PhaseTransition,
    Referral,
    ReferralStatus,
    Region,
    Role,
    SafetyPlan,
    Sector,
    TimelineEntry,
    Urgency,
    ViolenceForm,
    Visibility,
)

REGION = Region.OOST_VLAANDEREN

DEMO_ORGANISATIONS: tuple[tuple[str, str, str], ...] = (
    ("Veilig Huis Oost-Vlaanderen", OrganisationKind.VEILIG_HUIS, Sector.WELFARE),
    ("Kind en Gezin Oost-Vlaanderen", OrganisationKind.KIND_EN_GEZIN, Sector.WELFARE),
    (
        "Vertrouwenscentrum Kindermishandeling Oost-Vlaanderen",
        OrganisationKind.VERTROUWENSCENTRUM,
        Sector.WELFARE,
    ),
    ("OCJ / SDJ Oost-Vlaanderen", OrganisationKind.OCJ_SDJ, Sector.WELFARE),
    ("OCMW Gent", OrganisationKind.OCMW, Sector.WELFARE),
    ("CAW Oost-Vlaanderen", OrganisationKind.CAW, Sector.WELFARE),
    ("CGG Eclips", OrganisationKind.CGG, Sector.HEALTH),
    ("Politiezone Gent", OrganisationKind.POLICE, Sector.POLICE),
    ("Parket Oost-Vlaanderen", OrganisationKind.PROSECUTION, Sector.JUSTICE),
    ("Justitiehuis Gent", OrganisationKind.JUSTICE_HOUSE, Sector.JUSTICE),
    ("CLB Gent", OrganisationKind.CLB, Sector.EDUCATION),
)

# (person e-mail, organisation name, role)
DEMO_MEMBERSHIPS: tuple[tuple[str, str, str], ...] = (
    ("coordinator@veilighuis.example", "Veilig Huis Oost-Vlaanderen", Role.COORDINATOR),
    ("regisseur@veilighuis.example", "Veilig Huis Oost-Vlaanderen", Role.CASE_DIRECTOR),
    ("partner@caw.example", "CAW Oost-Vlaanderen", Role.PARTNER),
    ("privacy@veilighuis.example", "Veilig Huis Oost-Vlaanderen", Role.PRIVACY_OFFICER),
    ("beheer@politie.example", "Politiezone Gent", Role.ORGANISATION_ADMIN),
)


@transaction.atomic
def ensure_demo_organisations(users: dict) -> dict[str, Organisation]:
    organisations = {}
    for name, kind, sector in DEMO_ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            name=name, defaults={"kind": kind, "sector": sector, "region": REGION}
        )
        organisations[name] = organisation
    for email, organisation_name, role in DEMO_MEMBERSHIPS:
        Membership.objects.get_or_create(
            user=users[email], organisation=organisations[organisation_name], role=role
        )
    ensure_demo_cases(users, organisations)
    return organisations


# --- Demo cases ------------------------------------------------------------------------
# The example case of the source presentation ("Voorbeeld casusregie"), retold with invented
# names and dates inside the source's frame, closed; and an active case in execution.
# Historical data is written straight through the ORM (it is not a user's action, so it has no
# audit rows and sends no notifications); everything users do afterwards goes through services.

CLB_PERSON = ("leerlingenbegeleiding@clb.example", "Hanne Wouters")
PARTNER_MEMBERSHIPS: tuple[tuple[str, str, str], ...] = (
    ("beheer@politie.example", "Politiezone Gent", Role.PARTNER),
)
CLOSED_REFERENCE = "VH-OVL-2022-0001"


def _d(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _dt(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.UTC)


def _entry(
    case: Case,
    author: Any,
    org: Organisation,
    kind: str,
    day: str,
    title: str,
    body: str = "",
    audience_sectors: tuple[str, ...] = (),
) -> None:
    entry = TimelineEntry.objects.create(
        case=case,
        kind=kind,
        occurred_on=_d(day),
        title=title,
        body=body,
        author=author,
        author_organisation=org,
        visibility=Visibility.AUDIENCE if audience_sectors else Visibility.ALL,
    )
    Audience.objects.bulk_create([Audience(entry=entry, sector=s) for s in audience_sectors])


def _bump_counter(region: str, year: int, number: int) -> None:
    counter, _ = CaseCounter.objects.get_or_create(region=region, year=year)
    if counter.last_number < number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])


def _clb_person() -> Any:
    from portal.accounts.models import User

    user = User.objects.filter(email=CLB_PERSON[0]).first()
    if user is None:
        user = User.objects.create_user(email=CLB_PERSON[0], password=None, full_name=CLB_PERSON[1])
    return user


@transaction.atomic
def ensure_demo_cases(users: dict, organisations: dict[str, Organisation]) -> None:
    """Create the two demo cases once (idempotent)."""
    for email, organisation_name, role in PARTNER_MEMBERSHIPS:
        Membership.objects.get_or_create(
            user=users[email], organisation=organisations[organisation_name], role=role
        )
    clb_person = _clb_person()
    Membership.objects.get_or_create(
        user=clb_person, organisation=organisations["CLB Gent"], role=Role.PARTNER
    )
    if not Case.objects.filter(reference=CLOSED_REFERENCE).exists():
        _closed_example_case(users, organisations, clb_person)
    _active_case(users, organisations)
    _record_demo_decisions()


def _record_demo_decisions() -> None:
    """The demo writes its decided referrals directly; record each decision with its hash as
    ``services.referrals`` does when a coordinator decides (issue 18 item 5), once."""
    from portal.audit.events import AuditAction
    from portal.audit.final_records import audited_sha256
    from portal.audit.writer import record_event

    from .models import Referral, ReferralStatus
    from .selectors.final_records import DECIDED, DECISION_HASH_KEY, referral_decision_sha256

    for referral in Referral.objects.filter(status__in=DECIDED).select_related("decided_by"):
        if audited_sha256("referral", referral.pk, DECISION_HASH_KEY) is not None:
            continue
        accepted = referral.status == ReferralStatus.ACCEPTED
        record_event(
            action=AuditAction.REFERRAL_ACCEPTED if accepted else AuditAction.REFERRAL_DECLINED,
            actor=referral.decided_by,
            role="coordinator",
            object_type="referral",
            object_id=referral.pk,
            extra={DECISION_HASH_KEY: referral_decision_sha256(referral)},
        )


def _approved(
    case: Case, director: Any, coordinator: Any, *, on: Any, plan: Any = None, closure: Any = None
) -> None:
    """The coordinator's four eyes on the demo's plan and closure (issue 17, item 5)."""
    approval = Approval.objects.create(
        case=case,
        subject="plan" if plan is not None else "closure",
        plan=plan,
        closure=closure,
        status="approved",
        requested_by=director,
        decided_by=coordinator,
        decided_at=on,
    )
    Approval.objects.filter(pk=approval.pk).update(requested_at=on)


def _closed_example_case(users: dict, orgs: dict[str, Organisation], clb_person: Any) -> None:
    coordinator = users["coordinator@veilighuis.example"]
    director = users["regisseur@veilighuis.example"]
    caw_partner = users["partner@caw.example"]
    police_partner = users["beheer@politie.example"]
    vh, caw, police, clb = (
        orgs["Veilig Huis Oost-Vlaanderen"],
        orgs["CAW Oost-Vlaanderen"],
        orgs["Politiezone Gent"],
        orgs["CLB Gent"],
    )
    referral = Referral.objects.create(
        region=REGION,
        referrer=clb_person,
        referring_organisation=clb,
        family_composition="Moeder, vader, een meerderjarige dochter en twee minderjarige kinderen.",
        violence_forms=[ViolenceForm.PARTNER, ViolenceForm.CHILD_ABUSE],
        life_domains=[
            LifeDomain.PARENTING,
            LifeDomain.FINANCES,
            LifeDomain.SUBSTANCE_USE,
            LifeDomain.SAFETY,
            LifeDomain.HOUSING,
        ],
        criterion_complexity="Fysiek, verbaal en emotioneel geweld; verschillende "
        "politietussenkomsten; de kinderen zijn getuige.",
        criterion_multiple_domains="Verontrustende opvoedingssituatie, financiële stress en "
        "middelengebruik.",
        criterion_stuck_help="SDJ en de sociale cel van de politie zijn betrokken, maar de hulp "
        "komt niet samen op gang.",
        services_involved="SDJ, sociale cel politie",
        urgency=Urgency.HIGH,
        status=ReferralStatus.ACCEPTED,
        decided_by=coordinator,
        decided_at=_dt("2022-06-22T10:00:00"),
    )
    Referral.objects.filter(pk=referral.pk).update(created_at=_dt("2022-06-14T09:30:00"))
    case = Case.objects.create(
        reference=CLOSED_REFERENCE,
        region=REGION,
        case_director=director,
        referral=referral,
        phase=Phase.CLOSED,
        closing_summary="Derde netwerkoverleg: het partnergeweld staat niet meer op de voorgrond; "
        "moeder en vader leven apart. Zorgen over het opvoedingsklimaat en de onveiligheid tussen "
        "de kinderen blijven; SDJ volgt de minderjarige kinderen op en een Signs of "
        "Safety-traject (jeugdhulp) is in december 2024 gestart.",
        contact_card="Vragen over de kinderen: SDJ (consulent).\nOpvang en begeleiding van "
        "moeder: CAW Onthaal.\nVeiligheid thuis: wijkinspecteur of 101; in nood 112.\n"
        "Gezinsbegeleiding: Signs of Safety-traject.\nAnoniem praten over geweld: 1712.",
        **{name: CriterionAnswer.YES for name, _label in CLOSURE_CRITERIA},
    )
    Case.objects.filter(pk=case.pk).update(
        opened_at=_dt("2022-06-22T10:00:00"),
        phase_changed_at=_dt("2024-12-18T15:00:00"),
        closed_at=_dt("2024-12-18T15:00:00"),
    )
    _bump_counter(REGION, 2022, 1)
    for user, org, role, task in (
        (clb_person, clb, "Aanmelder", "Leerlingenbegeleiding op school; signalen opvolgen."),
        (
            caw_partner,
            caw,
            "CAW Onthaal en crisisbegeleiding",
            "Crisisbegeleiding (28 dagen); toeleiding moeder.",
        ),
        (police_partner, police, "Sociale cel politie", "Politionele hotspot; afstemming parket."),
    ):
        CaseParticipant.objects.create(
            case=case, user=user, organisation=org, role_in_case=role, task_division=task
        )
    for name, year, role in (
        ("Marleen (fictief)", 1984, FamilyRole.MOTHER),
        ("Kurt (fictief)", 1981, FamilyRole.FATHER),
        ("Sien (fictief)", 2003, FamilyRole.ADULT_CHILD),
        ("Wout (fictief)", 2010, FamilyRole.CHILD),
        ("Lore (fictief)", 2014, FamilyRole.CHILD),
    ):
        FamilyMember.objects.create(case=case, name=name, birth_year=year, family_role=role)
    for domain, strengths, worries, concerns, wishes in (
        (
            LifeDomain.PARENTING,
            "Moeder zoekt zelf hulp voor de kinderen.",
            "Kinderen zijn getuige van geweld.",
            "Onveiligheid tussen de kinderen.",
            "Rust in huis voor de kinderen.",
        ),
        (
            LifeDomain.FINANCES,
            "Vader heeft werk.",
            "Schulden en financiële stress.",
            "Dreigende uithuiszetting.",
            "Een haalbaar afbetalingsplan.",
        ),
        (LifeDomain.SUBSTANCE_USE, "", "Alcoholgebruik bij conflicten.", "", "Minder drinken."),
    ):
        DomainAssessment.objects.create(
            case=case,
            domain=domain,
            strengths=strengths,
            worries=worries,
            concerns=concerns,
            wishes=wishes,
            updated_by=director,
        )
    plan = ActionPlan.objects.create(
        case=case, version=1, presented_in_team_on=_d("2022-09-27"), created_by=director
    )
    _approved(case, director, coordinator, plan=plan, on=_dt("2022-09-27T16:00:00"))
    closure = ClosureRequest.objects.create(
        case=case,
        status="confirmed",
        criteria={name: CriterionAnswer.YES for name, _label in CLOSURE_CRITERIA},
        closing_summary=case.closing_summary,
        contact_card=case.contact_card,
        requested_by=director,
        decided_by=coordinator,
        decided_at=_dt("2024-12-18T15:00:00"),
    )
    _approved(case, director, coordinator, closure=closure, on=_dt("2024-12-18T15:00:00"))
    for domain, goal_text, actions in (
        (
            LifeDomain.SAFETY,
            "Het geweld stopt.",
            [
                ("Inschakeling politionele hotspot", police, police_partner, "2022-10-01", "done"),
                ("Crisisbegeleiding (28 dagen)", caw, caw_partner, "2022-11-15", "done"),
            ],
        ),
        (
            LifeDomain.PARENTING,
            "De kinderen groeien veilig op.",
            [
                (
                    "Aanmelding van de kinderen bij een voorziening (OOOC)",
                    clb,
                    clb_person,
                    "2022-12-01",
                    "done",
                ),
            ],
        ),
        (
            LifeDomain.FINANCES,
            "Zicht op de schulden.",
            [
                ("Aanmelding collectieve schuldenregeling", caw, caw_partner, "2023-03-01", "done"),
            ],
        ),
    ):
        goal = Goal.objects.create(plan=plan, domain=domain, description=goal_text)
        for text, org, person, due, status in actions:
            Action.objects.create(
                goal=goal,
                case=case,
                description=text,
                organisation=org,
                responsible=person,
                due_date=_d(due),
                status=status,
            )
    timeline = (
        (
            director,
            vh,
            EntryKind.INTRODUCTION,
            "2022-07-05",
            "Kennismakingsgesprek met moeder",
            "Rolverklaring; tempo van het gezin afgesproken.",
            (),
        ),
        (
            director,
            vh,
            EntryKind.INTRODUCTION,
            "2022-07-19",
            "Kennismakingsgesprek met vader",
            "",
            (),
        ),
        (
            director,
            vh,
            EntryKind.INTRODUCTION,
            "2022-08-02",
            "Kennismaking met de meerderjarige dochter",
            "",
            (),
        ),
        (
            director,
            vh,
            EntryKind.NETWORK_MEETING,
            "2022-09-13",
            "Netwerkoverleg 1",
            "Eerste afstemming met alle diensten; plan van aanpak voorbereid.",
            (),
        ),
        (
            police_partner,
            police,
            EntryKind.POLICE_INTERVENTION,
            "2022-09-28",
            "Inschakeling politionele hotspot",
            "",
            (),
        ),
        (
            caw_partner,
            caw,
            EntryKind.CRISIS_SUPPORT,
            "2022-10-03",
            "Opstart crisisbegeleiding (28 dagen)",
            "",
            (),
        ),
        (
            director,
            vh,
            EntryKind.WARM_REFERRAL,
            "2022-10-20",
            "Aanmelding van de kinderen bij een voorziening (OOOC)",
            "",
            (),
        ),
        (
            caw_partner,
            caw,
            EntryKind.WARM_REFERRAL,
            "2022-11-08",
            "Toeleiding moeder naar CAW Onthaal",
            "",
            (),
        ),
        (
            director,
            vh,
            EntryKind.NOTE,
            "2023-01-17",
            "Focus op de meerderjarige dochter; afstemming met SDJ",
            "SDJ volgt de minderjarige kinderen op.",
            (),
        ),
        (
            police_partner,
            police,
            EntryKind.POLICE_INTERVENTION,
            "2023-03-04",
            "Politietussenkomst",
            "",
            ("police", "justice"),
        ),
        (
            police_partner,
            police,
            EntryKind.PROSECUTOR_DECISION,
            "2023-03-05",
            "Beslissing parket: tijdelijk huisverbod",
            "",
            ("police", "justice"),
        ),
        (
            director,
            vh,
            EntryKind.NETWORK_MEETING,
            "2023-05-09",
            "Netwerkoverleg 2",
            "Afstemming: wie doet wat.",
            (),
        ),
        (
            director,
            vh,
            EntryKind.NETWORK_MEETING,
            "2024-10-15",
            "Netwerkoverleg 3 (afronding)",
            "Partnergeweld niet meer op de voorgrond; opvolging door SDJ.",
            (),
        ),
        (
            director,
            vh,
            EntryKind.WARM_REFERRAL,
            "2024-12-10",
            "Warme overdracht naar een Signs of Safety-traject",
            "",
            (),
        ),
    )
    for author, org, kind, day, title, body, sectors in timeline:
        _entry(case, author, org, kind, day, title, body, sectors)
    for day in ("2022-09-13T14:00:00", "2023-05-09T14:00:00", "2024-10-15T14:00:00"):
        meeting = Meeting.objects.create(
            case=case,
            kind=MeetingKind.NETWORK,
            starts_at=_dt(day),
            place="Veilig Huis, Gent",
            status=MeetingStatus.FINALISED,
            created_by=director,
        )
        meeting.invitees.set([caw_partner, police_partner, clb_person])
    attach_demo_bases(case, since=_d("2022-06-28"), home=vh)
    for from_phase, to_phase, day in (
        (Phase.EXPLORATION, Phase.EXECUTION, "2022-09-27T16:00:00"),
        (Phase.EXECUTION, Phase.COMPLETION, "2024-10-15T16:00:00"),
        (Phase.COMPLETION, Phase.CLOSED, "2024-12-18T15:00:00"),
    ):
        transition = PhaseTransition.objects.create(
            case=case, from_phase=from_phase, to_phase=to_phase, actor=director
        )
        PhaseTransition.objects.filter(pk=transition.pk).update(occurred_at=_dt(day))
    _demo_risk_history(case, director, caw_partner)


def _demo_risk_history(case: Case, director: Any, caw_partner: Any) -> None:
    """Issue 17: the closed case's risk history with the fictional demo instrument, from high
    at the start over raised to low at closure (the family as a whole, and the mother)."""
    from .models import RiskAssessment, RiskInstrument
    from .risk_instruments import DEMO_INSTRUMENT, load_instrument_file
    from .services.risk import instrument_snapshot, level_for, score_of

    instrument = RiskInstrument.objects.filter(code="demo", version=1).first()
    instrument = instrument or load_instrument_file(DEMO_INSTRUMENT)
    snapshot = instrument_snapshot(instrument)
    keys = [q["key"] for q in snapshot["questions"]]
    mother = case.family_members.get(family_role=FamilyRole.MOTHER)
    # (when, who, about the mother?, questions answered "Ja"); every other answer "Nee"
    history = (
        ("2022-06-29", director, False, "physical-violence threats children-witness debts"),
        (
            "2022-06-29",
            director,
            True,
            "physical-violence threats substance-conflict order-ignored",
        ),
        ("2022-09-13", caw_partner, True, "threats substance-conflict debts trusted-person"),
        ("2022-09-13", director, False, "threats children-witness debts housing-loss"),
        ("2023-05-09", director, False, "children-witness debts housing-loss"),
        ("2024-10-15", director, False, "debts trusted-person school-contact"),
        ("2024-12-18", director, True, "trusted-person wanted-help"),
        ("2024-12-18", director, False, "trusted-person wanted-help school-contact"),
    )
    services = {director.pk: "Veilig Huis Oost-Vlaanderen", caw_partner.pk: "CAW Oost-Vlaanderen"}
    versions: dict[bool, RiskAssessment] = {}
    for day, who, about_mother, yes in history:
        answers = {key: "yes" if key in yes.split() else "no" for key in keys}
        score = score_of(snapshot, answers)
        level = level_for(snapshot, score)
        previous = versions.get(about_mother)
        if previous is not None:
            RiskAssessment.objects.filter(pk=previous.pk).update(is_current=False)
        versions[about_mother] = RiskAssessment.objects.create(
            case=case,
            family_member=mother if about_mother else None,
            version=previous.version + 1 if previous else 1,
            instrument=instrument,
            instrument_code=instrument.code,
            instrument_version=instrument.version,
            snapshot=snapshot,
            answers=answers,
            score=score,
            computed_level=level,
            final_level=level,
            assessed_by=who,
            assessed_by_organisation=services[who.pk],
            review_due_on=_d(day) + datetime.timedelta(days=instrument.review_after_days),
            review_notified_at=_dt(day),
        )
        RiskAssessment.objects.filter(pk=versions[about_mother].pk).update(
            assessed_at=_dt(f"{day}T11:00:00")
        )


def _active_case(users: dict, orgs: dict[str, Organisation]) -> None:
    director = users["regisseur@veilighuis.example"]
    caw_partner = users["partner@caw.example"]
    police_partner = users["beheer@politie.example"]
    vh, caw, police = (
        orgs["Veilig Huis Oost-Vlaanderen"],
        orgs["CAW Oost-Vlaanderen"],
        orgs["Politiezone Gent"],
    )
    today = timezone.localdate()
    reference = f"VH-OVL-{today.year}-0001"
    if Case.objects.filter(reference=reference).exists():
        return
    case = Case.objects.create(
        reference=reference, region=REGION, case_director=director, phase=Phase.EXECUTION
    )
    _bump_counter(REGION, today.year, 1)
    for user, org, role in (
        (caw_partner, caw, "Begeleiding moeder"),
        (police_partner, police, "Sociale cel politie"),
    ):
        CaseParticipant.objects.create(case=case, user=user, organisation=org, role_in_case=role)
    FamilyMember.objects.create(
        case=case, name="Noor (fictief)", birth_year=1990, family_role=FamilyRole.MOTHER
    )
    FamilyMember.objects.create(
        case=case, name="Mats (fictief)", birth_year=2018, family_role=FamilyRole.CHILD
    )
    DomainAssessment.objects.create(
        case=case,
        domain=LifeDomain.HOUSING,
        strengths="Steun van grootmoeder.",
        worries="Woont tijdelijk bij familie.",
        wishes="Een eigen, veilige woning.",
        updated_by=director,
    )
    plan = ActionPlan.objects.create(
        case=case,
        version=1,
        created_by=director,
        presented_in_team_on=today - datetime.timedelta(days=20),
    )
    _approved(
        case,
        director,
        users["coordinator@veilighuis.example"],
        plan=plan,
        on=timezone.now() - datetime.timedelta(days=19),
    )
    goal = Goal.objects.create(
        plan=plan, domain=LifeDomain.HOUSING, description="Moeder en zoon wonen veilig."
    )
    Action.objects.create(
        goal=goal,
        case=case,
        description="Aanvraag sociale woning opvolgen",
        organisation=caw,
        responsible=caw_partner,
        due_date=today - datetime.timedelta(days=3),
    )
    Action.objects.create(
        goal=goal,
        case=case,
        description="Risicotaxatie bespreken",
        organisation=police,
        responsible=police_partner,
        due_date=today + datetime.timedelta(days=10),
    )
    _entry(
        case,
        director,
        vh,
        EntryKind.INTRODUCTION,
        (today - datetime.timedelta(days=40)).isoformat(),
        "Kennismakingsgesprek met moeder",
    )
    _entry(
        case,
        police_partner,
        police,
        EntryKind.PROSECUTOR_DECISION,
        (today - datetime.timedelta(days=30)).isoformat(),
        "Beslissing parket (alleen politie en justitie)",
        "",
        ("police", "justice"),
    )
    meeting = Meeting.objects.create(
        case=case,
        kind=MeetingKind.NETWORK,
        starts_at=timezone.now().replace(hour=14, minute=0, second=0, microsecond=0)
        + datetime.timedelta(days=10),
        place="Veilig Huis, Gent",
        created_by=director,
    )
    meeting.invitees.set([caw_partner, police_partner])
    _demo_safety_plan(case, caw_partner)
    attach_demo_bases(case, since=today - datetime.timedelta(days=40), home=vh)


def _demo_safety_plan(case: Case, caw_partner: Any) -> None:
    """Issue 17 item 3: the mother's safety plan, written with her by the CAW partner; its
    basis (her consent) is attached with the others (``attach_demo_bases``). Fictional."""
    mother = case.family_members.get(family_role=FamilyRole.MOTHER)
    SafetyPlan.objects.create(
        case=case,
        family_member=mother,
        version=1,
        warning_signs="Hij belt veel na elkaar en wordt boos als ik niet opneem (fictief).",
        what_to_do="Mats naar zijn kamer sturen, de telefoon meenemen en naar buiten gaan.",
        safe_places="Bij grootmoeder; 's nachts het politiekantoor (fictief).",
        trusted_people="Grootmoeder 0470 00 00 01 (fictief). In nood: 112. "
        "Anoniem praten over geweld: 1712.",
        family_agreements="Contact met de vader alleen via de advocaat (fictief).",
        services="CAW: begeleiding en opvang. Politie: wijkagent bij dreiging (fictief).",
        saved_by=caw_partner,
        saved_by_organisation="CAW Oost-Vlaanderen",
    )


def demo_step(context: dict[str, Any]) -> None:
    """Organisations, memberships and demo cases for the people of the people step."""
    ensure_demo_organisations(context["users"])
