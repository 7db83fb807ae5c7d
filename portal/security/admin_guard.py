"""Rules for Django admin that no staff permission can lift.

Django's permissions say *which models* a staff member may change, not *what* they may grant:
with "change user" a staff member could tick ``is_superuser`` on their own account, give
themselves every permission, or set a new password on a superuser's account; with "change
group" they could add permissions to a group they are in; with "add membership" they could
join the police organisation and read its case entries. These mixins keep all of that for
superusers. Applied in ``portal/accounts/admin.py`` (users), ``portal/organisations/admin.py``
(memberships) and ``portal/security/admin.py`` (groups, devices, the case history).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib import admin

    # The mixins go before a ModelAdmin in the bases; mypy checks their super() calls on it.
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object

# Fields of the user form that hand out rights.
PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


def is_acting_superuser(request: HttpRequest) -> bool:
    """The one test of "may grant rights", shared by Django admin and the Wagtail admin hooks."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_superuser)


class PrivilegeFieldsMixin(_ModelAdmin):
    """For the user admin: only superusers grant rights, or touch a privileged account."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not is_acting_superuser(request):
            fields += [name for name in PRIVILEGE_FIELDS if name not in fields]
        return fields

    def _touches_privileged_account(self, request: HttpRequest, obj: Any) -> bool:
        # Another staff member's or a superuser's account: changing its password or address
        # would take over its rights.
        return (
            obj is not None
            and not is_acting_superuser(request)
            and obj.pk != request.user.pk
            and (obj.is_superuser or obj.is_staff)
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._touches_privileged_account(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._touches_privileged_account(request, obj):
            return False
        return super().has_delete_permission(request, obj)


class SuperuserChangesOnlyMixin(_ModelAdmin):
    """Staff with view permission may look; only superusers add, change or delete."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_acting_superuser(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_acting_superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_acting_superuser(request) and super().has_delete_permission(request, obj)


class SuperuserOnlyMixin(SuperuserChangesOnlyMixin):
    """Not even visible to other staff (second-factor keys, backup codes)."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_acting_superuser(request) and super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_acting_superuser(request) and super().has_module_permission(request)
