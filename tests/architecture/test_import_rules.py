"""The project's import rules, checked on the source with ``ast`` (no import is executed).

Every module of ``portal/``, ``content/`` and ``collaboration/`` is parsed, migrations and tests
excepted. Imports are found wherever they are written (module level, inside functions and
classes); relative imports are resolved against the module's package first.

``floor``
    ``portal/`` is the ground floor: nothing under it imports ``collaboration`` or ``content``.
    The wiring that assembles the floors is exempt: ``portal/urls.py``, ``portal/asgi.py`` and
    ``portal/settings/``.
``content-side``
    ``content`` (the public site and ``content.training``) imports nothing of ``collaboration``
    except ``collaboration.services`` (the consult form hands its request to a service).
``thin-views``
    Views (a module under a ``views/`` package, ``views.py``, ``*_views.py``), consumers
    (``consumers.py`` or a ``consumers/`` package) and template tags (``templatetags/``) read
    through selectors and change through services, so they

    * import no models module: a module named ``models`` or anything under one
      (``collaboration.models``, ``collaboration.models.plans``, ``django.db.models``,
      ``wagtail.models``, ``django_otp.plugins.otp_totp.models``), nor ``from x import models``;
    * call no ORM: the attributes ``.objects``, ``._default_manager`` and ``._base_manager``;
      calls of queryset-only methods (``QUERYSET_METHODS`` below, e.g. ``.filter(``,
      ``.select_related(``, ``.values_list(``; ``.values(`` only with arguments, so
      ``dict.values()`` stays allowed; ``.all()`` only without, so a related manager's
      ``.all()`` is caught); ``get_object_or_404`` and ``get_list_or_404`` however imported.

    Decisions: an import under ``if TYPE_CHECKING:`` is allowed (an annotation is no
    dependency at run time, and the ORM calls are caught on their own). The choices views
    compare with or label (``TextChoices`` such as ``Phase``, ``LifeDomain``, ``ConsultStatus``
    and ``CLOSURE_CRITERIA``) are imported from ``collaboration.choices``, which re-exports
    them from the models (one definition each; the views never name a models module). Other
    constants move out of the models module they served (``content.navigation``).
    ``.exists()``, ``.count()``, ``.first()`` and ``.get()`` are not flagged (``os.path.exists``,
    ``list.count``, ``dict.get``): a queryset reaching a view comes from a selector anyway.

``PENDING`` lists the files that other work is fixing right now, per rule. A listed file that no
longer breaks its rule fails the test too ("remove it from PENDING"), so the list only shrinks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "content", "collaboration")
MINIMUM_MODULES = 250  # the three packages held 284 modules when this test was written

FLOOR_WIRING = ("portal/urls.py", "portal/asgi.py", "portal/settings/")

QUERYSET_METHODS = frozenset(
    {
        "select_related",
        "prefetch_related",
        "filter",
        "exclude",
        "annotate",
        "alias",
        "aggregate",
        "values_list",
        "order_by",
        "only",
        "defer",
        "select_for_update",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "bulk_update",
        "in_bulk",
        "latest",
        "earliest",
        "live",  # Wagtail's PageQuerySet.live()
    }
)
MANAGER_ATTRIBUTES = frozenset({"objects", "_default_manager", "_base_manager"})
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})

# Known exceptions, by rule: none. A file listed here that no longer breaks its rule fails the
# test ("remove it"), so the list can only shrink.
PENDING: dict[str, frozenset[str]] = {
    "floor": frozenset(),
    "content-side": frozenset(),
    "thin-views": frozenset(),
}


@dataclass(frozen=True)
class Violation:
    rule: str
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.what}"


def module_name(path: str) -> str:
    """``collaboration/views/cases.py`` -> ``collaboration.views.cases``."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _package_of(path: str) -> list[str]:
    parts = path.removesuffix(".py").split("/")
    return parts[:-1]  # for __init__.py the package itself, else the containing package


def _resolve(path: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = _package_of(path)
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, *([node.module] if node.module else [])])


def _type_checking_lines(tree: ast.AST) -> set[int]:
    """Line numbers of everything inside ``if TYPE_CHECKING:`` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.If):
            continue
        test = node.test
        name = (
            test.id
            if isinstance(test, ast.Name)
            else test.attr
            if isinstance(test, ast.Attribute)
            else ""
        )
        if name == "TYPE_CHECKING":
            for child in node.body:
                for inner in ast.walk(child):
                    if hasattr(inner, "lineno"):
                        lines.add(inner.lineno)
    return lines


@dataclass(frozen=True)
class Import:
    line: int
    module: str  # absolute, relative imports resolved
    names: tuple[str, ...]  # what ``from module import ...`` takes; empty for ``import module``
    runtime: bool  # False under ``if TYPE_CHECKING:``

    def targets(self) -> list[str]:
        """What is imported: ``module``, or for ``from package import a, b`` the names inside
        the package (``a`` may be a module: ``from collaboration import services``)."""
        names = [n for n in self.names if n != "*"]
        return [f"{self.module}.{n}" for n in names] or [self.module]


def imports_of(path: str, tree: ast.AST) -> Iterator[Import]:
    """Every import of the module, wherever it is written."""
    typing_only = _type_checking_lines(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(node.lineno, alias.name, (), node.lineno not in typing_only)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            yield Import(node.lineno, _resolve(path, node), names, node.lineno not in typing_only)


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def is_view_like(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        "views" in parts[:-1]
        or name in {"views.py", "consumers.py"}
        or name.endswith("_views.py")
        or "consumers" in parts[:-1]
        or "templatetags" in parts[:-1]
    )


def _is_models_module(module: str) -> bool:
    return "models" in module.split(".")


def orm_calls(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGER_ATTRIBUTES:
            yield node.lineno, f"ORM manager '.{node.attr}'"
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            if name in SHORTCUTS:
                yield node.lineno, f"ORM shortcut '{name}()'"
            elif isinstance(func, ast.Attribute):
                has_args = bool(node.args or node.keywords)
                if (
                    name in QUERYSET_METHODS
                    or (name == "values" and has_args)
                    or (name == "all" and not has_args)
                ):
                    yield node.lineno, f"queryset call '.{name}()'"


def check_source(path: str, source: str) -> list[Violation]:
    """All rule violations of one module; ``path`` is relative to the repository root."""
    tree = ast.parse(source, filename=path)
    found: list[Violation] = []
    is_wiring = any(path.startswith(w) if w.endswith("/") else path == w for w in FLOOR_WIRING)
    view_like = is_view_like(path)
    for imp in imports_of(path, tree):
        line, module = imp.line, imp.module
        ground_floor = path.startswith("portal/") and not is_wiring
        if ground_floor and (_within(module, "collaboration") or _within(module, "content")):
            found.append(Violation("floor", path, line, f"the ground floor imports {module}"))
        if path.startswith("content/") and _within(module, "collaboration"):
            # judged by what is taken: 'from collaboration import services' is allowed
            targets = imp.targets() if module == "collaboration" else [module]
            for target in targets:
                if not _within(target, "collaboration.services"):
                    found.append(Violation("content-side", path, line, f"content imports {target}"))
        if view_like and imp.runtime:
            if _is_models_module(module):
                found.append(
                    Violation("thin-views", path, line, f"imports the models module {module}")
                )
            elif "models" in imp.names:
                found.append(Violation("thin-views", path, line, f"imports {module}.models"))
    if view_like:
        for line, what in orm_calls(tree):
            found.append(Violation("thin-views", path, line, what))
    return _dedupe(found)


def _dedupe(violations: Iterable[Violation]) -> list[Violation]:
    """One violation per rule and line, naming everything found there (a chained query
    ``M.objects.filter(...).order_by(...)`` is one line of ``.objects``, ``.filter``...)."""
    seen: dict[tuple[str, str, int], list[str]] = {}
    for violation in violations:
        whats = seen.setdefault((violation.rule, violation.path, violation.line), [])
        if violation.what not in whats:
            whats.append(violation.what)
    return sorted(
        (
            Violation(rule, path, line, "; ".join(whats))
            for (rule, path, line), whats in seen.items()
        ),
        key=lambda v: (v.path, v.line, v.rule),
    )


def project_modules() -> list[str]:
    paths: list[str] = []
    for package in PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            relative = file.relative_to(ROOT).as_posix()
            parts = relative.split("/")
            if "migrations" in parts or "tests" in parts:
                continue
            paths.append(relative)
    return paths


def all_violations() -> list[Violation]:
    found: list[Violation] = []
    for path in project_modules():
        found.extend(check_source(path, (ROOT / path).read_text(encoding="utf-8")))
    return found


@pytest.fixture(scope="module")
def violations() -> list[Violation]:
    return all_violations()


@pytest.mark.parametrize("rule", sorted(PENDING))
def test_rule_holds(rule: str, violations: list[Violation]) -> None:
    broken = [v for v in violations if v.rule == rule and v.path not in PENDING[rule]]
    assert not broken, f"rule '{rule}' broken ({len(broken)}):\n" + "\n".join(map(str, broken))


@pytest.mark.parametrize("rule", sorted(PENDING))
def test_pending_only_shrinks(rule: str, violations: list[Violation]) -> None:
    still_broken = {v.path for v in violations if v.rule == rule}
    fixed = sorted(PENDING[rule] - still_broken)
    assert not fixed, f"these files keep rule '{rule}' now; remove them from PENDING: {fixed}"


def test_enough_modules_are_scanned() -> None:
    modules = project_modules()
    assert len(modules) >= MINIMUM_MODULES, modules
    assert sum(is_view_like(p) for p in modules) >= 20
    assert not any("/migrations/" in p for p in modules)


# The checker itself: each rule finds what it should (and leaves alone what it should not), so
# the test above cannot pass by finding nothing.


def _rules(path: str, source: str) -> list[tuple[str, int]]:
    return [(v.rule, v.line) for v in check_source(path, source)]


def test_checker_finds_ground_floor_importing_a_side() -> None:
    source = "import os\nfrom collaboration.models import Case\n\ndef f():\n    import content.x\n"
    assert _rules("portal/audit/x.py", source) == [("floor", 2), ("floor", 5)]
    assert _rules("portal/urls.py", source) == []
    assert _rules("portal/settings/base.py", source) == []
    assert _rules("portal/audit/y.py", "from portal.accounts import models\n") == []


def test_checker_finds_content_importing_collaboration() -> None:
    assert _rules("content/training/x.py", "from collaboration.access import a\n") == [
        ("content-side", 1)
    ]
    assert _rules("content/forms.py", "from collaboration.services.consults import f\n") == []
    assert _rules("content/forms.py", "from collaboration import services\n") == []
    assert _rules("content/forms.py", "from collaboration import models\n") == [("content-side", 1)]


def test_checker_finds_models_imports_in_views() -> None:
    path = "collaboration/views/cases.py"
    assert _rules(path, "from ..models import Case\n") == [("thin-views", 1)]
    assert _rules(path, "from collaboration.models.work import Goal\n") == [("thin-views", 1)]
    assert _rules(path, "from django.db import models\n") == [("thin-views", 1)]
    assert _rules(path, "from . import models\n") == [("thin-views", 1)]
    assert _rules(path, "def f():\n    from portal.accounts.models import User\n") == [
        ("thin-views", 2)
    ]
    assert _rules(path, "from ..selectors.cases import case_access\n") == []
    typing_only = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..models import Case\n"
    )
    assert _rules(path, typing_only) == []
    # a module outside the view-like places may import models
    assert _rules("collaboration/selectors/cases.py", "from ..models import Case\n") == []


def test_checker_finds_orm_calls_in_views() -> None:
    for path in (
        "portal/accounts/views.py",
        "portal/audit/nen7513_views.py",
        "collaboration/consumers.py",
        "content/templatetags/tags.py",
    ):
        assert _rules(path, "x = Case.objects\n") == [("thin-views", 1)], path
    path = "collaboration/views/people.py"
    assert _rules(path, "rows = qs.filter(a=1)\n") == [("thin-views", 1)]
    assert _rules(path, "rows = case.goals.all()\n") == [("thin-views", 1)]
    assert _rules(path, "ids = qs.values('pk')\n") == [("thin-views", 1)]
    assert _rules(path, "m = M._default_manager\n") == [("thin-views", 1)]
    assert _rules(path, "from django.shortcuts import get_object_or_404 as g\n") == []
    assert _rules(path, "page = get_object_or_404(P, pk=1)\n") == [("thin-views", 1)]
    assert _rules(path, "page = shortcuts.get_list_or_404(P)\n") == [("thin-views", 1)]
    # ordinary Python that looks alike stays allowed
    harmless = (
        "a = {}.get('x')\nb = list(d.values())\nc = filter(None, [1])\nd = all([1])\n"
        "e = request.GET.getlist('x')\nf = os.path.exists('p')\n"
    )
    assert _rules(path, harmless) == []
