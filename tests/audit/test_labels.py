"""Every code the audit trail can hold has Dutch words in ``portal.audit.labels``.

The codes are discovered, not listed here: every AuditAction and Outcome member, every
membership role and access rule, every ``object_type`` and coded ``purpose`` the code base
writes (found by reading the source of every app), and every case form (whose view name is its
purpose). A new code without words fails one of these tests; the last tests show the checks
fail on a code that has none.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from django.db import models

from collaboration.access import Basis
from collaboration.models import Role
from portal.audit import labels
from portal.audit.events import AuditAction, Outcome

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("collaboration", "content", "portal")


def _source_files() -> Iterator[Path]:
    for directory in SOURCE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _written_strings(keyword: str) -> set[str]:
    """String constants given as ``keyword=...`` in a call (also through a module constant's
    name), as a ``"keyword": ...`` dict entry, or assigned to a module constant ``KEYWORD = ...``."""
    found: set[str] = set()
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # A module constant given by name (``purpose=CASE_PAGE``) counts as its string.
        constants = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            values: list[ast.AST] = []
            if isinstance(node, ast.Call):
                values = [k.value for k in node.keywords if k.arg == keyword]
            elif isinstance(node, ast.Dict):
                values = [
                    v
                    for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant) and k.value == keyword
                ]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if keyword.upper() in names:
                    values = [node.value]
            values = [constants.get(v.id, v) if isinstance(v, ast.Name) else v for v in values]
            found |= {
                v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)
            }
    return found - {""}


def _case_form_views() -> set[str]:
    """Case forms record their view's class name as the purpose (``CaseFormView.dispatch``).
    Only the forms themselves: a base class (no URL of its own) has subclasses."""
    import collaboration.urls  # noqa: F401  (imports every view module)
    from collaboration.views.base import CaseFormView

    def walk(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return {cls.__name__ for cls in walk(CaseFormView) if not cls.__subclasses__()}


def missing(codes: Iterable[str], lookup: Callable[[str], object]) -> list[str]:
    """Codes without words: no label, or a label that is the code itself."""
    bad = []
    for code in codes:
        label = lookup(code)
        if label is None or str(label).strip() in ("", code):
            bad.append(code)
    return sorted(bad)


OBJECT_TYPES = sorted(_written_strings("object_type"))
PURPOSE_CODES = sorted(
    {p for p in _written_strings("purpose") if labels.looks_like_code(p)} | _case_form_views()
)
ROLE_CODES = sorted(set(Role.values) | {str(b) for b in Basis})


def test_discovery_finds_the_writers() -> None:
    """A guard on the guard: discovery that found nothing would make every test below pass."""
    assert {"case", "meeting", "device", "user", "subject_access_request"} <= set(OBJECT_TYPES)
    assert {"case_page", "CaseReopenView", "minutes_pdf"} <= set(PURPOSE_CODES)


@pytest.mark.parametrize("member", list(AuditAction), ids=lambda m: m.name)
def test_every_action_has_dutch_words(member: AuditAction) -> None:
    label = labels.action_label(int(member))
    assert label is not None, f"{member.name} has no label of its own"
    assert str(label) not in (str(int(member)), member.name, member.name.lower())
    assert labels.words_for_action(int(member)) == str(label)


@pytest.mark.parametrize("member", list(Outcome), ids=lambda m: m.value)
def test_every_outcome_has_dutch_words(member: Outcome) -> None:
    assert missing([member.value], labels.outcome_label) == []


def test_outcomes_read_as_allowed_and_refused_in_dutch() -> None:
    assert labels.words_for_outcome("allowed") == "toegestaan"
    assert labels.words_for_outcome("denied") == "geweigerd"


@pytest.mark.parametrize("code", ROLE_CODES)
def test_every_role_and_access_rule_has_dutch_words(code: str) -> None:
    assert missing([code], labels.role_label) == []


@pytest.mark.parametrize("code", OBJECT_TYPES)
def test_every_object_type_written_has_dutch_words(code: str) -> None:
    assert missing([code], labels.object_type_label) == []


@pytest.mark.parametrize("code", PURPOSE_CODES)
def test_every_coded_purpose_has_dutch_words(code: str) -> None:
    assert missing([code], labels.purpose_label) == []


@pytest.mark.parametrize(
    "lookup",
    [
        labels.outcome_label,
        labels.role_label,
        labels.object_type_label,
        labels.purpose_label,
        labels.action_label,
    ],
    ids=lambda f: f.__name__,
)
def test_a_code_without_words_is_caught(lookup: Callable[[str], object]) -> None:
    """The checks above can fail: a made-up code has no label and is reported."""
    assert lookup("9999" if lookup is labels.action_label else "made_up_code") is None
    assert missing(["made_up_code"], lookup) == ["made_up_code"]


def test_an_action_added_without_a_label_is_caught() -> None:
    """Django gives an unlabelled member an English label from its name; that is no label."""

    class Later(models.IntegerChoices):
        LABELLED = 998, "Iets gedaan"
        SOMETHING_NEW = 999

    assert labels._explicit_choice_label(Later.SOMETHING_NEW) is None
    assert labels._explicit_choice_label(Later.LABELLED) == "Iets gedaan"


def test_unknown_codes_are_said_to_be_unknown_and_typed_text_stays() -> None:
    assert labels.words_for_purpose("SomeNewView") == "onbekende code (SomeNewView)"
    assert labels.words_for_purpose("Vermoeden van acuut gevaar") == "Vermoeden van acuut gevaar"
    assert labels.words_for_purpose("CaseReopenView") == "formulier: dossier heropenen"
    assert labels.words_for_role("case_director") == "casusregisseur"
