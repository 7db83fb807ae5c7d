"""Redaction of other people's names in free text of a subject-access export.

Entries of a case are not linked to the people they mention, so an export for one family member
shows the texts of their case with every other person's name replaced: the other family
members, and the professionals and referrer of the case (the export names services, not staff).
Full names go first, whatever their case; then each part of a name (``Els`` of ``Els Peeters``)
as a name is written (capitalised, or in capitals), so that a surname that is also a word
(``Politie``, ``Hoop``) does not blank out the word ``politie`` or ``hoop`` in every text. Parts
the person shares with their own name stay (a shared surname is theirs too), as do particles such
as ``van`` or ``de``. E-mail addresses are always replaced.
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
        names: set[str] = set()
        parts: set[str] = set()
        for name in others:
            name = name.strip()
            if not name or name.casefold() == own.strip().casefold():
                continue
            names.add(name)
            for part in _parts(name):
                folded = part.casefold()
                if len(part) >= 2 and folded not in own_parts and folded not in PARTICLES:
                    parts |= {part, part[:1].upper() + part[1:], part.upper()}
        self.names = _alternation(names, re.IGNORECASE)
        self.parts = _alternation(parts, 0)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        text = EMAIL.sub(_("[e-mailadres afgeschermd]"), text)
        for pattern in (self.names, self.parts):
            if pattern is not None:
                text = pattern.sub(_("[naam afgeschermd]"), text)
        return text


def _alternation(terms: set[str], flags: int) -> re.Pattern[str] | None:
    """One pattern for whole words among ``terms``, longest first."""
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)({alternatives})(?!\w)", flags)
