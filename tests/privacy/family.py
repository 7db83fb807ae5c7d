"""The subject-access family: the case-workspace world (tests/factories/worlds.py) with a
family of three, entries that name them, a police-only entry, a second privacy officer of the
region and one of another region. Every name is invented."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from collaboration.models import FamilyMember, Role
from collaboration.services import timeline
from tests.factories.legal_bases import standing_basis
from tests.factories.worlds import World, member

FATHER = "Tom Pompelmoes"
MOTHER = "Els Zonnebloem"
CHILD = "Lotte Pompelmoes"
POLICE_TITLE = "Proces-verbaal Kwispelstaart"
POLICE_BODY = "Verhoor over de feiten in de Kwispelstaartstraat."


@dataclass
class Family:
    world: World
    father: FamilyMember
    mother: FamilyMember
    child: FamilyMember
    police_entry: Any
    second_officer: Any
    limburg_officer: Any


def build_family(world: World) -> Family:
    """A family of three in the world's case, entries that name them, a police-only entry, a
    second privacy officer of the region and one of another region."""
    case = world.case
    father = FamilyMember.objects.create(
        case=case, name=FATHER, birth_year=1984, family_role="father"
    )
    mother = FamilyMember.objects.create(
        case=case, name=MOTHER, birth_year=1986, family_role="mother"
    )
    child = FamilyMember.objects.create(case=case, name=CHILD, birth_year=2015, family_role="child")
    day = dt.date(2026, 1, 5)
    timeline.timeline_entry_add(
        actor=world.director,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="introduction",
        occurred_on=day,
        title="Kennismaking thuis",
        body=f"Gesprek met {MOTHER} en Tom. Els vertelde dat Lotte slecht slaapt.",
    )
    timeline.timeline_entry_add(
        actor=world.caw_partner,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="note",
        occurred_on=day,
        title="Budget",
        body="Tom Pompelmoes vraagt hulp bij de schulden; mail naar els@thuis.example.",
        visibility="audience",
        sectors=["welfare"],
    )
    police_entry = timeline.timeline_entry_add(
        actor=world.police_partner,
        case=case,
        legal_basis_id=standing_basis(case),
        kind="police",
        occurred_on=day,
        title=POLICE_TITLE,
        body=POLICE_BODY,
        visibility="audience",
        sectors=["police"],
    )
    second = member("privacy2@test.example", "Piet Privacy", world.vh, Role.PRIVACY_OFFICER)
    limburg = member(
        "privacy-lim@test.example", "Lien Limburg", world.other_caw, Role.PRIVACY_OFFICER
    )
    return Family(world, father, mother, child, police_entry, second, limburg)
