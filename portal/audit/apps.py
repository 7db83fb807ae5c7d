from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The ground floor: one writer for every access and security event. Imports no other app
    of ours, so ``portal``, ``content`` and ``collaboration`` can all write through it."""

    name = "portal.audit"
    label = "audit"
    verbose_name = _("Audit")
