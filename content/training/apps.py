from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _purge_page_cache(**kwargs: Any) -> None:
    from content.cache import bump_generation

    bump_generation()


class TrainingConfig(AppConfig):
    """Expertise training (deskundigheidsbevordering): the course catalogue as Wagtail pages,
    learner progress, quizzes, certificates and session booking.

    Lives inside the ``content`` package because its catalogue is part of the public site, but is
    its own app (label ``training``) so that it migrates and evolves on its own.
    """

    name = "content.training"
    label = "training"
    verbose_name = _("Vorming")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from portal.accounts.rights_registry import register_holder
        from portal.audit.final_records import register_baseline, register_checker
        from portal.audit.objects import register_resolver
        from portal.demo import register_demo_step

        from . import checks  # noqa: F401  (registers the Open Badges key check)
        from .audit_words import training_sessions
        from .models import TrainingSession
        from .services.rights import TrainingRecords

        # A learner's copy and erasure from "Mijn account" include their training records.
        register_holder("training", TrainingRecords())
        register_demo_step(60, "training", "content.training.demo.demo_step")
        # The audit viewer names an attendance list by its session (portal/audit/objects.py).
        register_resolver("training_session_attendees", training_sessions)
        # Issued certificates, for portal.audit.final_records.
        from .final_records import certificate_baseline, certificate_problems

        register_checker("certificate", certificate_problems)
        register_baseline("certificate", certificate_baseline)

        # The public agenda lists the sessions: a saved or deleted session purges the
        # anonymous page cache like a publication does (content.cache).
        for signal in (post_save, post_delete):
            signal.connect(
                _purge_page_cache,
                sender=TrainingSession,
                dispatch_uid=f"training.session.page-cache.{signal is post_save}",
            )
