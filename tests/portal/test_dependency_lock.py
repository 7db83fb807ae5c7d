"""The locks install what pyproject.toml asks for, so a fresh clone gets the versions CI saw.

`make install` installs `requirements-dev.lock` with `--require-hashes` and then our code with
`--no-deps`: a requirement added to pyproject.toml without `make lock` would silently be missing
(or a range tightened past the pinned version would be ignored). This test catches both, and a
production lock drifting from the dev lock, which would make the image run versions no test saw.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def _requirements(*, dev: bool) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    if dev:
        declared += project["optional-dependencies"]["dev"]
    return [Requirement(line) for line in declared]


@pytest.mark.parametrize(
    ("lock", "dev"), [("requirements-dev.lock", True), ("requirements.lock", False)]
)
def test_every_declared_requirement_is_pinned_within_its_range(lock: str, dev: bool) -> None:
    pins = _pins(lock)
    assert len(pins) > 40  # the parser reads the lock at all
    problems = []
    for requirement in _requirements(dev=dev):
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement.name}: not in {lock} (run `make lock`)")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            problems.append(f"{requirement.name}=={pinned} outside {requirement.specifier}")
    assert problems == []


def test_the_image_runs_the_versions_the_tests_ran() -> None:
    production, development = _pins("requirements.lock"), _pins("requirements-dev.lock")
    drift = {
        name: (v, development.get(name))
        for name, v in production.items()
        if development.get(name) != v
    }
    assert drift == {}


def test_every_pin_carries_a_hash() -> None:
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        assert text.count("--hash=sha256:") >= len(_pins(lock)), lock
