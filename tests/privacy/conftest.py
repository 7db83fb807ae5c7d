"""Subject-access fixtures: the family of tests/privacy/family.py in the case-workspace world."""

from __future__ import annotations

import pytest

from tests.factories.worlds import World
from tests.privacy.family import Family, build_family


@pytest.fixture
def family(world: World) -> Family:
    return build_family(world)
