"""The bench's fictional people and meetings, in the bench database (ORM, outside any event loop).

One case director and partners of one CAW. Every bench case has the director as its case
director and every partner as a participant, and each case has one network meeting to which
the partners are invited and whose confidentiality statement everyone acknowledged: each person
may edit every bench meeting, so a meeting's clients can take the sessions of the people in turn.
All names are invented; the e-mail domain is the reserved ``.example``.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from collaboration.live_notes.models import Acknowledgement, LiveConnection
from collaboration.models import CaseParticipant, Organisation, Role
from portal.accounts.models import User
from tests.factories.cases import CaseFactory
from tests.factories.meetings import MeetingFactory
from tests.factories.organisations import MembershipFactory, OrganisationFactory
from tests.factories.people import PASSWORD, VerifiedUserFactory

_cases = itertools.count(1)


@dataclass
class BenchPeople:
    director: User
    partners: list[User]
    caw: Organisation
    password: str = PASSWORD

    @property
    def everyone(self) -> list[User]:
        return [self.director, *self.partners]

    @property
    def emails(self) -> list[str]:
        return [user.email for user in self.everyone]

    @classmethod
    def create(cls, count: int) -> BenchPeople:
        """A case director and ``count - 1`` partners, each with a password and a TOTP device."""
        vh = OrganisationFactory(
            name="Veilig Huis Bench (fictief)",
            kind="veilig_huis",
            sector="welfare",
            region="leuven",
        )
        caw = OrganisationFactory(
            name="CAW Bench (fictief)", kind="caw", sector="welfare", region="leuven"
        )

        def person(email: str, name: str, organisation: Organisation, role: str) -> User:
            user = VerifiedUserFactory(email=email, full_name=name)
            MembershipFactory(user=user, organisation=organisation, role=role)
            return user

        director = person("regisseur@bench.example", "Ria Regisseur", vh, Role.CASE_DIRECTOR)
        partners = [
            person(f"partner{i}@bench.example", f"Partner {i} (fictief)", caw, Role.PARTNER)
            for i in range(1, count)
        ]
        return cls(director, partners, caw)


def make_meetings(people: BenchPeople, label: str, count: int) -> list[int]:
    """``count`` fresh cases, each with one open network meeting; returns the meeting ids."""
    ids = []
    for _ in range(count):
        number = next(_cases)
        case = CaseFactory(
            reference=f"BNCH-2026-{number:05d}", region="leuven", case_director=people.director
        )
        CaseParticipant.objects.bulk_create(
            CaseParticipant(
                case=case, user=partner, organisation=people.caw, role_in_case="Begeleider"
            )
            for partner in people.partners
        )
        meeting = MeetingFactory(case=case, invitees=people.partners, place=f"Bench {label}")
        Acknowledgement.objects.bulk_create(
            Acknowledgement(meeting=meeting, user=user) for user in people.everyone
        )
        ids.append(meeting.pk)
    return ids


class LiveConnectionCount:
    """The presence rows of open sockets: zero once the servers have let go of every closed
    socket (tear-down stores what is queued, leaves the relay, forgets presence)."""

    def wait_for_zero(self, seconds: float) -> int:
        deadline = time.monotonic() + seconds
        while True:
            left = LiveConnection.objects.count()
            if left == 0 or time.monotonic() > deadline:
                return left
            time.sleep(0.1)
