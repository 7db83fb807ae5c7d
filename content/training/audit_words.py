"""Training's things in words, for the audit viewer; registered with the ground floor's
``portal.audit.objects`` from ``TrainingConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.audit.objects import day, words_by_pk

from .models import TrainingSession


def training_sessions(ids: set[str]) -> dict[str, str]:
    """An attendance list is named by its session: "Aanwezigheidslijst van ... (12 december)"."""
    return words_by_pk(
        TrainingSession,
        ids,
        lambda s: (
            _("Aanwezigheidslijst van %(title)s (%(day)s)")
            % {"title": s.title, "day": day(s.starts_at)}
        ),
    )
