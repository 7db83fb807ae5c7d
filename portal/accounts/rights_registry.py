"""Who holds a person's data, for the rights they use themselves from "Mijn account": a copy of
it (GDPR art. 15 and 20) and its erasure with the account (art. 17).

The pages and the account erasure are the ground floor's (``portal.accounts.rights`` and
``.erasure``); the data is a side's: today the training records
(``content.training.services.rights``). The ground floor imports no side
(``tests/architecture/test_import_rules.py``), so a side registers a ``PersonalDataHolder``
here from its ``AppConfig.ready()`` and the account pages ask every holder, in the order they
registered. The types a holder speaks (``CertificateChoice``, ``ErasureReport``) live here for
the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from .models import User


class CertificateChoice(StrEnum):
    """What happens to the certificates a person holds when they erase their account. A
    certificate is also someone else's proof (an employer checks it), so the person chooses."""

    KEEP = "keep"  # verifiable without the name
    REVOKE = "revoke"


@dataclass
class ErasureReport:
    """What erasure did, per model label: rows deleted, certificates kept or revoked, and the
    primary keys of every row touched (their change history is scrubbed afterwards)."""

    deleted: dict[str, int] = field(default_factory=dict)
    certificates_kept: int = 0
    certificates_revoked: int = 0
    touched: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, other: ErasureReport) -> None:
        """Fold another holder's report into this one."""
        for label, count in other.deleted.items():
            self.deleted[label] = self.deleted.get(label, 0) + count
        for label, ids in other.touched.items():
            self.touched.setdefault(label, []).extend(ids)
        self.certificates_kept += other.certificates_kept
        self.certificates_revoked += other.certificates_revoked


class PersonalDataHolder(Protocol):
    """One side's part of a person's data."""

    def export(self, *, user: User, absolute_url: Callable[[str], str]) -> dict[str, Any]:
        """The person's data, with Dutch keys and words; ``absolute_url(path)`` turns one of
        the portal's paths into an address the person can follow from the file."""
        ...

    def certificate_count(self, *, user: User) -> int:
        """How many certificates the person holds (shown before they choose what happens)."""
        ...

    def erase(self, *, user: User, certificates: CertificateChoice) -> ErasureReport:
        """Delete the person's rows, inside the account erasure's transaction."""
        ...


_holders: dict[str, PersonalDataHolder] = {}


def register_holder(name: str, holder: PersonalDataHolder) -> None:
    """Called from a side's ``AppConfig.ready()``; registering a name again replaces it (Django
    may run ``ready()`` again when a test reloads the app registry)."""
    _holders[name] = holder


def holders() -> list[PersonalDataHolder]:
    return list(_holders.values())


def export_for(*, user: User, absolute_url: Callable[[str], str]) -> dict[str, Any]:
    """Every holder's part of the copy, in one mapping (a later holder's keys follow)."""
    data: dict[str, Any] = {}
    for holder in holders():
        data.update(holder.export(user=user, absolute_url=absolute_url))
    return data


def certificate_count(*, user: User) -> int:
    return sum(holder.certificate_count(user=user) for holder in holders())


def erase_everywhere(*, user: User, certificates: CertificateChoice) -> ErasureReport:
    """Every holder erases its rows; one report for all of them."""
    report = ErasureReport()
    for holder in holders():
        report.add(holder.erase(user=user, certificates=certificates))
    return report
