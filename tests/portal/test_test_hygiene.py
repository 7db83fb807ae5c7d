"""The test suite keeps its own house rules (issue 14, item 7): test data comes from
tests/factories, the one test password is defined once, no test module imports from a conftest,
and test functions stay short enough to read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
FACTORIES = TESTS / "factories"
LONGEST = 120  # lines per test function

# Long tests not split yet, with their length: each may only shrink (none left today).
NOT_SPLIT_YET: dict[str, int] = {}


def _modules() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts)


def _name(path: Path) -> str:
    return path.relative_to(TESTS).as_posix()


def test_organisations_are_made_by_the_factories() -> None:
    direct = re.compile(r"(?<![\w])Organisation\.objects\.create\(")
    found = [
        f"{_name(path)}:{number}"
        for path in _modules()
        if FACTORIES not in path.parents
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if direct.search(line)
    ]
    assert found == [], f"use tests.factories.organisations.OrganisationFactory: {found}"


def test_the_test_password_is_defined_once() -> None:
    defined = [
        f"{_name(path)}:{node.lineno}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id == "PASSWORD"
    ]
    assert defined == ["factories/people.py:" + str(_line_of("PASSWORD = "))], defined


def _line_of(prefix: str) -> int:
    lines = (FACTORIES / "people.py").read_text().splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(prefix))


def _from_a_conftest(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[-1] == "conftest"
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[-1] == "conftest" for alias in node.names)
    return False


def test_no_module_imports_from_a_conftest() -> None:
    imports = [
        f"{_name(path)}:{node.lineno}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if _from_a_conftest(node)
    ]
    assert imports == [], f"move shared helpers into a normal module: {imports}"


def _test_lengths() -> dict[str, int]:
    lengths = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test"
            ):
                assert node.end_lineno is not None
                lengths[f"{_name(path)}::{node.name}"] = node.end_lineno - node.lineno + 1
    return lengths


def test_no_test_function_is_longer_than_the_limit() -> None:
    lengths = _test_lengths()
    too_long = {
        name: length
        for name, length in lengths.items()
        if length > NOT_SPLIT_YET.get(name, LONGEST)
    }
    assert too_long == {}, f"split into focused tests or helpers (at most {LONGEST} lines)"
    split_now = [name for name in NOT_SPLIT_YET if lengths.get(name, 0) <= LONGEST]
    assert split_now == [], f"short enough now: remove from NOT_SPLIT_YET: {split_now}"


def test_the_guards_see_what_they_guard() -> None:
    """The scans above read real modules and find real definitions (a guard that reads
    nothing passes for nothing)."""
    assert len(_modules()) > 100
    assert _line_of("PASSWORD = ") > 0
    assert max(_test_lengths().values()) > 60
