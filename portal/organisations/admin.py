from typing import TYPE_CHECKING

from django.contrib import admin

from portal.security.admin_guard import SuperuserChangesOnlyMixin

from .models import Membership, Organisation

if TYPE_CHECKING:
    _OrganisationAdmin = admin.ModelAdmin[Organisation]  # generic in django-stubs only
    _MembershipAdmin = admin.ModelAdmin[Membership]
else:
    _OrganisationAdmin = _MembershipAdmin = admin.ModelAdmin


@admin.register(Organisation)
class OrganisationAdmin(_OrganisationAdmin):
    list_display = ("name", "kind", "sector", "region", "is_active")
    list_filter = ("kind", "sector", "region", "is_active")
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(SuperuserChangesOnlyMixin, _MembershipAdmin):
    """Memberships are granted by the organisation in the portal; here only superusers
    change them, so no staff member can join an organisation through Django admin."""

    list_display = ("user", "organisation", "role", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("user", "organisation")
