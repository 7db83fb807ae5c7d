"""Retention fixtures: the case-workspace world (tests/collaboration/conftest.py), and a closed
case past its period with fictional personal text in every model linked to it."""

from __future__ import annotations

from tests.collaboration.conftest import world  # noqa: F401  (a fixture, used by name)
