from django.contrib import admin

from portal.security.admin_guard import SuperuserChangesOnlyMixin

from .models import Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "sector", "region", "is_active")
    list_filter = ("kind", "sector", "region", "is_active")
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(SuperuserChangesOnlyMixin, admin.ModelAdmin):
    """Memberships are granted by the organisation in the portal; here only superusers
    change them, so no staff member can join an organisation through Django admin."""

    list_display = ("user", "organisation", "role", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("user", "organisation")
