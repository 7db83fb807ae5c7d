from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    """The secure side: organisations, memberships and (later) referrals, cases and meetings."""

    name = "collaboration"
    verbose_name = _("Samenwerking")

    def ready(self) -> None:
        # The ground floor's audit viewer is scoped by case rules and names the things events
        # are about; it imports no side, so the side hands both over
        # (portal/audit/scope_registry.py, portal/audit/objects.py).
        from portal.audit.final_records import register_baseline, register_checker
        from portal.audit.objects import register_resolver
        from portal.audit.scope_registry import register_scope_rules
        from portal.demo import register_demo_step

        from . import audit_scope, audit_words

        register_scope_rules(audit_scope.RULES)
        register_demo_step(40, "organisations and cases", "collaboration.demo.demo_step")
        for kind, resolver in audit_words.RESOLVERS.items():
            register_resolver(kind, resolver)
        # Finalised minutes and decided referrals, for portal.audit.final_records.
        from .selectors.final_records import minutes_problems, referral_problems

        register_checker("minutes", minutes_problems)
        register_checker("referral", referral_problems)
        from .services.final_records import referral_baseline

        register_baseline("referral", referral_baseline)
