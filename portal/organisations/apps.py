from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    """The ground floor every side stands on: organisations (partner services), regions and
    sectors, roles, memberships and invitations. Imports neither ``collaboration`` nor
    ``content``."""

    name = "portal.organisations"
    label = "organisations"
    verbose_name = _("Organisaties")

    def ready(self) -> None:
        # Change history (django-auditlog), as for every model holding personal data; the
        # token digest of an invitation stays out of it.
        from auditlog.registry import auditlog

        from .models import Invitation, Membership, Organisation

        auditlog.register(Organisation)
        auditlog.register(Membership)
        auditlog.register(Invitation, exclude_fields=["token_hash"])
