from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    """The secure side: organisations, memberships and (later) referrals, cases and meetings."""

    name = "collaboration"
    verbose_name = _("Samenwerking")
