"""Redaction of other people's names in free text of a subject-access export.

Entries of a case are not linked to the people they mention, so an export for one family member
shows the texts of their case with every other person's name replaced: the other family
members, and the professionals and referrer of the case (the export names services, not staff).
Full names go first, then each part of a name (``Els`` of ``Els Peeters``), except the parts
the person shares with their own name (a shared surname stays: it is theirs too) and particles
such as ``van`` or ``de``. E-mail addresses are always replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

PARTICLES = frozenset(
    {"van", "de", "der", "den", "het", "ten", "ter", "le", "la", "du", "des", "el", "al", "da"}
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _parts(name: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", name.strip()) if part]


class Redactor:
    """Replaces the names in ``others`` in any text; keeps the parts of ``own``."""

    def __init__(self, *, own: str, others: Iterable[str]) -> None:
        own_parts = {part.casefold() for part in _parts(own)}
        terms: set[str] = set()
        for name in others:
            name = name.strip()
            if not name or name.casefold() == own.strip().casefold():
                continue
            terms.add(name)
            for part in _parts(name):
                folded = part.casefold()
                if len(part) >= 2 and folded not in own_parts and folded not in PARTICLES:
                    terms.add(part)
        self.pattern = (
            re.compile(
                r"(?<!\w)("
                + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
                + r")(?!\w)",
                re.IGNORECASE,
            )
            if terms
            else None
        )

    def __call__(self, text: str) -> str:
        if not text:
            return text
        text = EMAIL.sub(_("[e-mailadres afgeschermd]"), text)
        if self.pattern is None:
            return text
        return self.pattern.sub(_("[naam afgeschermd]"), text)
