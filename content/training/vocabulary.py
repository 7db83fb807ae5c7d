"""The training vocabulary views and templates name (choices), without the models.

Views import no models module (``tests/architecture/test_import_rules.py``); the models define
these values and this module only re-exports them, so each still has one definition.
"""

from __future__ import annotations

from .models import RegistrationStatus, SessionKind

__all__ = ["RegistrationStatus", "SessionKind"]
