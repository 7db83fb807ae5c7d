from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.security.admin_guard import PrivilegeFieldsMixin

from .models import User

if TYPE_CHECKING:
    _DjangoUserAdmin = DjangoUserAdmin[User]  # generic in django-stubs only
else:
    _DjangoUserAdmin = DjangoUserAdmin


@admin.register(User)
class UserAdmin(PrivilegeFieldsMixin, _DjangoUserAdmin):
    """Only superusers grant rights or change privileged accounts (admin_guard says why)."""

    ordering = ("email",)
    list_display = ("email", "full_name", "origin", "is_active", "is_staff")
    list_filter = ("origin", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Persoon"),
            {"fields": ("full_name", "preferred_language", "origin", "email_verified_at")},
        ),
        (_("Rechten"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Data"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    filter_horizontal = ("groups",)
