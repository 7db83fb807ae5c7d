"""Subject access as a workflow in the audit area: an export about one person only, police and
justice items held for the officer's decision, four eyes at release, a Dutch PDF and JSON,
the region's officers only, and every step in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from collaboration.models import (
    FamilyRole,
    HeldDecision,
    Phase,
    Region,
    Role,
    Sector,
    SubjectAccessStatus,
    ViolenceForm,
    Visibility,
)
from portal.audit.events import AuditAction, Outcome
from portal.audit.models import AuditEvent
from tests.factories.organisations import MembershipFactory, OrganisationFactory
from tests.privacy.family import CHILD, FATHER, MOTHER, POLICE_BODY, POLICE_TITLE, Family

from .helpers import assemble, decide, download, json_strings, register, release

pytestmark = pytest.mark.django_db

# Codes that must never reach the person: every choice value the export could show.
RAW_CODES = {
    *FamilyRole.values,
    *ViolenceForm.values,
    *Phase.values,
    *Region.values,
    *Role.values,
    *Sector.values,
    *Visibility.values,
    "police",
    "note",
    "introduction",
    "high",
    "participant",
    "break_the_glass",
}


def _prepared(family: Family, verified_client: Any, *, decision: str, reason: str = "") -> Any:
    """Officer 1 registers for the father, assembles and decides on the police entry."""
    first = verified_client(family.world.privacy)
    sar = register(first, family.father)
    assemble(first, sar)
    keys = set(sar.held_items.values_list("key", flat=True))
    assert keys == {
        f"timeline_entry:{family.police_entry.pk}",
        "gedeeld:politie-justitie",  # the police taking part in the case
        "raadplegingen:politie-justitie",  # the police reading and writing in it
    }
    for item in sar.held_items.all():
        assert decide(first, sar, item, decision, reason).status_code == 302
    return sar


def test_the_export_for_one_family_member_holds_no_one_else_and_no_police_entry(
    family: Family, verified_client: Any
) -> None:
    sar = _prepared(family, verified_client, decision="withhold", reason="Lopend onderzoek")
    second = verified_client(family.second_officer)
    assert release(second, sar).status_code == 302
    text, data = download(second, sar)

    strings = json_strings(data)
    blob = "\n".join(strings)
    for other in (MOTHER, "Zonnebloem", "Els", CHILD, "Lotte", "els@thuis.example"):
        assert other not in text, other
        assert other not in blob, other
    # Professionals are named by their service, not by name.
    for staff in ("Rik Regisseur", "Carla CAW", "Paul Politie", "Cleo CLB"):
        assert staff not in text and staff not in blob
    assert POLICE_TITLE not in text and POLICE_TITLE not in blob
    assert "Kwispelstaart" not in text and "Lopend onderzoek" not in blob
    # The person's own data is there, in Dutch, redactions marked.
    assert FATHER in text and FATHER in blob
    assert "Gesprek met [naam afgeschermd] en Tom." in blob
    assert "Tom Pompelmoes vraagt hulp bij de schulden" in blob
    assert "[e-mailadres afgeschermd]" in blob
    person = data["onderdelen"][0]["items"][0]
    assert person["Naam"] == FATHER and person["Rol in het gezin"] == "Vader"
    assert person["Dossiernummer"] == family.world.case.reference
    assert "Rol in het gezin" in text and "Vader" in text
    assert "Kindermishandeling" in blob and "Partnergeweld" in blob  # labels, not codes
    assert RAW_CODES.isdisjoint(strings), sorted(RAW_CODES & set(strings))
    # What was shared, and who read the file (organisation and role, no staff names).
    parts = {part["id"]: part for part in data["onderdelen"]}
    shared = parts["gedeeld"]["items"]
    assert any(row["Aan"] == "CAW Test" for row in shared)
    assert any(row["Aan"] == "sector welzijn" for row in shared)
    accesses = parts["raadplegingen"]["items"]
    assert any(
        row["Organisatie"] == "CAW Test" and row["Rol"] == "Betrokken professional in het dossier"
        for row in accesses
    )
    # The police's part in the case and their reads were withheld with the entry.
    assert "Politie Test" not in text and "Politie Test" not in blob
    assert "Wie uw dossier raadpleegde of wijzigde" in text
    assert data["uw rechten"] and "Controleorgaan op de politionele informatie" in text
    # The withholding reason is kept with the item, not in the export.
    item = sar.held_items.get(timeline_entry=family.police_entry)
    assert item.decision == HeldDecision.WITHHOLD and item.reason == "Lopend onderzoek"


def test_a_released_police_entry_is_in_the_export(family: Family, verified_client: Any) -> None:
    sar = _prepared(family, verified_client, decision="release")
    second = verified_client(family.second_officer)
    assert release(second, sar).status_code == 302
    text, data = download(second, sar)
    assert POLICE_TITLE in text
    assert POLICE_BODY in "\n".join(json_strings(data))
    assert MOTHER not in text
    parts = {part["id"]: part for part in data["onderdelen"]}
    assert any(row["Organisatie"] == "Politie Test" for row in parts["raadplegingen"]["items"])
    assert any(row["Aan"] == "Politie Test" for row in parts["gedeeld"]["items"])


def test_withholding_needs_a_reason_and_release_waits_for_every_decision(
    family: Family, verified_client: Any
) -> None:
    first = verified_client(family.world.privacy)
    sar = register(first, family.father)
    assemble(first, sar)
    item = sar.held_items.get(timeline_entry=family.police_entry)
    refused = decide(first, sar, item, "withhold", "")
    assert refused.status_code == 400
    assert "Schrijf waarom dit gegeven niet wordt vrijgegeven." in refused.content.decode()
    second = verified_client(family.second_officer)
    waiting = release(second, sar)
    assert waiting.status_code == 400
    assert "Over elk tegengehouden gegeven moet eerst beslist worden." in waiting.content.decode()
    sar.refresh_from_db()
    assert sar.status == SubjectAccessStatus.ASSEMBLED


def test_four_eyes_the_officer_who_prepared_it_cannot_release_it(
    family: Family, verified_client: Any
) -> None:
    sar = _prepared(family, verified_client, decision="release")
    first = verified_client(family.world.privacy)
    page = first.get(reverse("audit:subject_access_detail", args=[sar.pk])).content.decode()
    assert "Een tweede privacyverantwoordelijke van de regio moet het nakijken" in page
    refused = release(first, sar)
    assert refused.status_code == 400
    assert "Een tweede privacyverantwoordelijke moet het vrijgeven." in refused.content.decode()
    sar.refresh_from_db()
    assert sar.status == SubjectAccessStatus.ASSEMBLED and not sar.export_pdf
    assert AuditEvent.objects.filter(
        action=AuditAction.SUBJECT_ACCESS_RELEASED,
        outcome=Outcome.DENIED,
        actor=family.world.privacy,
    ).exists()
    # Nothing to download before the release.
    response = first.get(reverse("audit:subject_access_download", args=[sar.pk, "pdf"]))
    assert response.status_code == 404
    # A second officer who decided on an item is no longer a second pair of eyes either.
    second = verified_client(family.second_officer)
    decide(second, sar, sar.held_items.first(), "release")
    assert release(second, sar).status_code == 400


def test_an_officer_of_another_region_gets_what_a_missing_request_gets(
    family: Family, verified_client: Any
) -> None:
    sar = _prepared(family, verified_client, decision="release")
    limburg = verified_client(family.limburg_officer)
    urls = [
        ("get", reverse("audit:subject_access_detail", args=[sar.pk])),
        ("post", reverse("audit:subject_access_assemble", args=[sar.pk])),
        ("post", reverse("audit:subject_access_release", args=[sar.pk])),
        ("get", reverse("audit:subject_access_preview", args=[sar.pk])),
        ("get", reverse("audit:subject_access_download", args=[sar.pk, "pdf"])),
        ("get", reverse("audit:subject_access_rights", args=[sar.pk])),
    ]
    for method, url in urls:
        theirs = getattr(limburg, method)(url)
        missing = getattr(limburg, method)(url.replace(f"/{sar.pk}/", "/999999/"))
        assert theirs.status_code == missing.status_code == 404, url
        assert theirs.content == missing.content
    assert sar.pk not in [
        row for row in limburg.get(reverse("audit:subject_access_list")).context["open_requests"]
    ]
    # Not even the case: a Limburg officer cannot register for an Oost-Vlaanderen case.
    found = limburg.get(
        reverse("audit:subject_access_new"), {"dossier": family.world.case.reference}
    )
    assert found.status_code == 400
    assert "Er is in uw regio geen dossier met dit nummer." in found.content.decode()
    # Someone who is no privacy officer at all: the same 404.
    for who in ("director", "coordinator", "caw_partner"):
        client = verified_client(getattr(family.world, who))
        assert client.get(reverse("audit:subject_access_list")).status_code == 404
        assert client.get(reverse("audit:subject_access_detail", args=[sar.pk])).status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditAction.SUBJECT_ACCESS_VIEWED,
        outcome=Outcome.DENIED,
        actor=family.limburg_officer,
    ).exists()


def test_every_step_is_audited_without_content(family: Family, verified_client: Any) -> None:
    sar = _prepared(family, verified_client, decision="withhold", reason="Lopend onderzoek")
    second = verified_client(family.second_officer)
    release(second, sar)
    download(second, sar)
    events = AuditEvent.objects.filter(object_type="subject_access_request", object_id=str(sar.pk))
    steps = {
        AuditAction.SUBJECT_ACCESS_REGISTERED: family.world.privacy,
        AuditAction.SUBJECT_ACCESS_ASSEMBLED: family.world.privacy,
        AuditAction.SUBJECT_ACCESS_DECIDED: family.world.privacy,
        AuditAction.SUBJECT_ACCESS_RELEASED: family.second_officer,
        AuditAction.SUBJECT_ACCESS_DOWNLOADED: family.second_officer,
    }
    for action, actor in steps.items():
        event = events.filter(action=action, outcome=Outcome.ALLOWED, actor=actor).first()
        assert event is not None, action
        assert event.case_reference == family.world.case.reference
        assert event.subject == f"family_member:{family.father.pk}"
    decided = {
        event.extra["item"]: event
        for event in events.filter(action=AuditAction.SUBJECT_ACCESS_DECIDED)
    }
    assert len(decided) == 3
    entry_decision = decided[f"timeline_entry:{family.police_entry.pk}"]
    assert entry_decision.purpose == "art. 15 richtlijn (EU) 2016/680"
    assert entry_decision.extra["decision"] == "withhold"
    assert events.filter(action=AuditAction.SUBJECT_ACCESS_DOWNLOADED).count() == 2  # PDF, JSON
    for event in events:
        content = f"{event.extra} {event.purpose}"
        for name in (FATHER, MOTHER, CHILD, POLICE_TITLE, "Lopend onderzoek"):
            assert name not in content


def test_labels_of_the_new_audit_codes_are_dutch() -> None:
    for action in AuditAction:
        if 520 <= action.value < 540:
            assert action.label and "_" not in str(action.label)


def test_a_professional_gets_their_own_account_data(family: Family, verified_client: Any) -> None:
    """A request for a professional: account, memberships, cases by reference, no family data."""
    first = verified_client(family.world.privacy)
    found = first.get(reverse("audit:subject_access_new"), {"professional": "caw@test.example"})
    assert found.status_code == 200
    response = first.post(
        reverse("audit:subject_access_new"),
        {
            "professional": "caw@test.example",
            "requester_name": "Carla CAW",
            "requester_relation": "self",
            "identity_checked_by": "Pia Privacy",
            "identity_check": "known_in_person",
            "received_on": "2026-01-02",
        },
    )
    assert response.status_code == 302
    from collaboration.models import SubjectAccessRequest

    sar = SubjectAccessRequest.objects.get(subject_user=family.world.caw_partner)
    assemble(first, sar)
    release(verified_client(family.second_officer), sar)
    text, _data = download(first, sar)
    assert "Carla CAW" in text and "caw@test.example" in text
    assert family.world.case.reference in text
    assert MOTHER not in text and FATHER not in text and "Budget" not in text
    assert "Partnerprofessional" in text


def test_redaction_names_whole_and_in_parts_but_leaves_words_alone() -> None:
    from collaboration.subject_access.redaction import Redactor

    redact = Redactor(
        own="Tom Pompelmoes", others=["Els Zonnebloem", "Paul Politie", "Lotte Pompelmoes"]
    )
    assert redact("els zonnebloem belde") == "[naam afgeschermd] belde"
    assert redact("Els en Lotte; ZONNEBLOEM") == (
        "[naam afgeschermd] en [naam afgeschermd]; [naam afgeschermd]"
    )
    # A surname that is also a word, the person's own surname, and particles stay.
    assert redact("de politie belde Tom Pompelmoes") == "de politie belde Tom Pompelmoes"
    assert redact("Politie belde") == "[naam afgeschermd] belde"
    assert redact("mail els@thuis.example") == "mail [e-mailadres afgeschermd]"


def test_bad_input_gets_a_dutch_answer_never_a_server_error(
    family: Family, verified_client: Any
) -> None:
    client = verified_client(family.world.privacy)
    sar = register(client, family.father)
    junk = {"form": "handle", "id": "1", "x": "\x00", "member": "-1", "item-1-decision": "maybe"}
    posts = [
        reverse("audit:subject_access_new"),
        reverse("audit:subject_access_assemble", args=[sar.pk]),
        reverse("audit:subject_access_decide", args=[sar.pk, 1]),
        reverse("audit:subject_access_release", args=[sar.pk]),
        reverse("audit:subject_access_rights", args=[sar.pk]),
    ]
    for url in posts:
        for data in (junk, {}, {"form": "lift", "id": "999"}, {"form": "restriction"}):
            assert client.post(url, data).status_code < 500, (url, data)
    for query in ({"dossier": "x" * 500}, {"professional": "geen-adres"}, {"dossier": ""}):
        response = client.get(reverse("audit:subject_access_new"), query)
        assert response.status_code == 400
    assert (
        client.get(reverse("audit:subject_access_download", args=[sar.pk, "exe"])).status_code
        == 404
    )
    # Released: nothing changes any more, said in Dutch.
    assemble(client, sar)
    for item in sar.held_items.all():
        decide(client, sar, item, "release")
    release(verified_client(family.second_officer), sar)
    again = client.post(reverse("audit:subject_access_assemble", args=[sar.pk]))
    assert again.status_code == 400
    assert "Dit verzoek is al vrijgegeven" in again.content.decode()


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("decision", ["withhold", "release"])
def test_police_owned_actions_and_justice_documents_go_through_the_same_decision(
    family: Family, verified_client: Any, make_user: Any, decision: str
) -> None:
    """Not only timeline entries: a plan action assigned to the police and a document uploaded
    by a justice service are held back (draft and released export) unless the officer releases
    them, with the reason kept; a welfare action beside them is simply in the export."""
    from collaboration.models import (
        Action,
        ActionPlan,
        CaseDocument,
        Goal,
        OrganisationKind,
    )

    world = family.world
    justice = OrganisationFactory(
        name="Justitiehuis Test",
        kind=OrganisationKind.JUSTICE_HOUSE,
        sector=Sector.JUSTICE,
        region=world.case.region,
    )
    assistant = make_user(email="justitie@test.example", full_name="Jana Justitie")
    MembershipFactory(user=assistant, organisation=justice, role=Role.PARTNER)
    plan = ActionPlan.objects.create(case=world.case, version=1, created_by=world.director)
    goal = Goal.objects.create(plan=plan, domain="safety", description="Veilig thuis")
    police_action = Action.objects.create(
        goal=goal, case=world.case, description="Risicotaxatie bespreken", organisation=world.police
    )
    Action.objects.create(
        goal=goal, case=world.case, description="Budgetplan opmaken", organisation=world.caw
    )
    document = CaseDocument.objects.create(
        case=world.case,
        title="Verslag justitieassistent",
        file="2026/01/verslag.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=assistant,
    )

    first = verified_client(world.privacy)
    sar = register(first, family.father)
    assemble(first, sar)
    held = {item.key: item for item in sar.held_items.all()}
    assert f"action:{police_action.pk}" in held and f"document:{document.pk}" in held
    assert held[f"action:{police_action.pk}"].why_held == "Toegewezen aan politie of justitie"
    assert held[f"document:{document.pk}"].why_held == "Ingebracht door politie of justitie"
    draft = _pdf_text(first.get(reverse("audit:subject_access_preview", args=[sar.pk])).content)
    assert "Budgetplan opmaken" in draft
    for hidden in ("Risicotaxatie bespreken", "Verslag justitieassistent", "Politie Test"):
        assert hidden not in draft, hidden

    reason = "Lopend onderzoek" if decision == "withhold" else ""
    for item in held.values():
        assert decide(first, sar, item, decision, reason).status_code == 302
    second = verified_client(family.second_officer)
    assert release(second, sar).status_code == 302
    text, data = download(second, sar)
    blob = "\n".join(json_strings(data))
    for shown_only_if_released in ("Risicotaxatie bespreken", "Verslag justitieassistent"):
        assert (shown_only_if_released in text) == (decision == "release")
        assert (shown_only_if_released in blob) == (decision == "release")
    assert "Budgetplan opmaken" in text
    item = sar.held_items.get(key=f"action:{police_action.pk}")
    assert item.decision == decision and item.reason == reason


def test_a_long_word_in_the_access_table_is_not_broken_mid_word() -> None:
    """Five equal columns left "Privacyverantwoordelijke" too little room; each column is now at
    least as wide as its longest word."""
    from collaboration.subject_access.document import render_pdf

    row = {
        "Datum": "2 december 2026",
        "Organisatie": "Veilig Huis Oost-Vlaanderen",
        "Rol": "Privacyverantwoordelijke",
        "Handeling": "Inzageverzoek samengesteld",
        "Aantal keer": "3",
    }
    export = {
        "titel": "Inzage in persoonsgegevens (art. 15 AVG)",
        "status": "Vrijgegeven",
        "verzoek": {"Nummer van het verzoek": "1"},
        "onderdelen": [
            {
                "id": "raadplegingen",
                "titel": "Wie",
                "toelichting": "",
                "tabel": True,
                "items": [row],
            }
        ],
        "uw rechten": [],
    }
    text = _pdf_text(render_pdf(export, draft=False))
    assert "Privacyverantwoordelijke" in text
    assert "Aantal keer" in text.replace("\n", " ")


def test_corrections_are_in_the_export_held_with_their_item_and_others_left_out(
    family: Family,
) -> None:
    """Earlier versions are data held about the person: the export lists the corrections of
    the person and of the case's items (other names redacted), holds the correction of a police
    entry with the entry, and leaves out corrections of other family members."""
    from collaboration.services.corrections import CORRECTABLE, correct, item_version
    from collaboration.subject_access.assembly import assemble_for_family_member

    world = family.world

    def fix(actor: Any, kind: str, item: Any, reason: str, **changes: Any) -> None:
        values = {name: getattr(item, name) for name in CORRECTABLE[kind].fields}
        values.update(changes)
        correct(
            actor=actor,
            case=world.case,
            kind=kind,
            object_id=item.pk,
            values=values,
            reason=reason,
            version=item_version(kind, item),
        )

    fix(world.director, "family_member", family.father, "Geboortejaar nagekeken", birth_year=1983)
    fix(world.director, "family_member", family.mother, "Naam nagekeken", name="Fictieve Andere")
    fix(
        world.police_partner,
        "timeline_entry",
        family.police_entry,
        "Titel nagekeken",
        title="Nieuwe politietitel (fictief)",
    )
    caw_entry = world.case.timeline.get(title="Budget")
    fix(world.caw_partner, "timeline_entry", caw_entry, f"Besproken met {MOTHER}", title="Schulden")

    assembly = assemble_for_family_member(family.father)
    part = next(s for s in assembly.sections if s.id == "correcties")
    shown = "\n".join(str(value) for item in part.items for value in item.values())
    assert "Geboortejaar: 1984 → 1983" in shown
    assert "Titel: Budget → Schulden" in shown and "Besproken met [naam afgeschermd]" in shown
    assert "Fictieve Andere" not in shown and MOTHER not in shown  # another member's correction
    assert POLICE_TITLE not in shown and "Nieuwe politietitel" not in shown
    # entries written before the mother's name was corrected still name her by the old one
    timeline = next(s for s in assembly.sections if s.id == "tijdlijn")
    bodies = "\n".join(str(value) for item in timeline.items for value in item.values())
    assert MOTHER not in bodies and "Gesprek met [naam afgeschermd] en Tom." in bodies
    held = {h.key: h for h in assembly.held}
    police = next(h for k, h in held.items() if k.startswith("correction:"))
    assert police.why == held[f"timeline_entry:{family.police_entry.pk}"].why
    assert "Nieuwe politietitel (fictief)" in str(police.content)


def test_flags_about_the_person_or_the_family_are_in_the_export_police_ones_held(
    family: Family,
) -> None:
    """A flag's reason may be about the person: the export lists the flags about them and about
    the whole family, removed ones too (other names redacted), holds a flag the police raised,
    and leaves out flags about other family members."""
    from collaboration.services.flags import flag_raise, flag_remove
    from collaboration.subject_access.assembly import assemble_for_family_member

    world = family.world
    case = world.case
    about_father = flag_raise(
        actor=world.caw_partner,
        case=case,
        kind="custom",
        custom_label="Dreigende taal",
        reason=f"Tom dreigde {MOTHER} (fictief)",
        family_member_id=family.father.pk,
    )
    flag_remove(
        actor=world.director, case=case, flag_id=about_father.pk, reason="Afspraken gemaakt"
    )
    flag_raise(actor=world.director, case=case, kind="weapons", reason="Geweer in huis (fictief)")
    flag_raise(
        actor=world.caw_partner,
        case=case,
        kind="acute_danger",
        reason="Over de moeder alleen (fictief)",
        family_member_id=family.mother.pk,
    )
    police = flag_raise(
        actor=world.police_partner,
        case=case,
        kind="children_at_risk",
        reason="Proces-verbaal Kwispelstaart (fictief)",
    )

    assembly = assemble_for_family_member(family.father)
    part = next(s for s in assembly.sections if s.id == "signalen")
    shown = "\n".join(str(value) for item in part.items for value in item.values())
    assert len(part.items) == 2
    assert "Dreigende taal" in shown and "Tom dreigde [naam afgeschermd]" in shown
    assert "Afspraken gemaakt" in shown and "Wapens" in shown and "Geweer in huis" in shown
    assert MOTHER not in shown and "Over de moeder alleen" not in shown
    assert "Kwispelstaart" not in shown
    held = {h.key: h for h in assembly.held}
    assert "Kwispelstaart" in str(held[f"flag:{police.pk}"].content)
    assert held[f"flag:{police.pk}"].section == "signalen"
