"""PostgreSQL-only tests, and a plain word when they were skipped.

A test marked ``@pytest.mark.postgresql`` runs only when ``DATABASE_URL`` points at PostgreSQL
(the append-only trigger, the one-statement audit append, the live notes' SQL). Local ``make
test`` runs on SQLite; the terminal summary then says how many such tests did not run and how to
run them, instead of hiding them among the skips. Tests that skip themselves with a reason
naming PostgreSQL are counted too. The hooks are imported into ``tests/conftest.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

MARKER = "postgresql"
_REASON = "needs PostgreSQL (set DATABASE_URL=postgres://…)"


def _on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def skip_unless_postgresql(items: list[Any]) -> None:
    if _on_postgresql():
        return
    skip = pytest.mark.skip(reason=_REASON)
    for item in items:
        if item.get_closest_marker(MARKER) is not None:
            item.add_marker(skip)


def _is_postgresql_skip(report: Any) -> bool:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    return "postgres" in reason.lower() or MARKER in getattr(report, "keywords", {})


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if _is_postgresql_skip(r)]
    if not skipped:
        return
    terminalreporter.write_sep("=", "PostgreSQL-only tests", yellow=True)
    terminalreporter.write_line(
        f"{len(skipped)} PostgreSQL-only test(s) skipped: this run used "
        f"{'PostgreSQL' if _on_postgresql() else 'SQLite'}. Run them with "
        "DATABASE_URL=postgres://USER@HOST:5432/NAME make test (CI does).",
        yellow=True,
    )
