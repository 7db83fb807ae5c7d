"""The Wagtail admin's user pages under the same rule as Django admin: only superusers grant rights.

Wagtail hides the "Administrator" box only when people edit themselves; anyone with the "change
user" permission could tick it on an accomplice's account, or take over an administrator's
account by setting its password. These hooks run before Wagtail's create, edit and delete views
(GET and POST) and refuse, with the same page as any other refusal, what only a superuser may do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from wagtail import hooks

from .admin_guard import PRIVILEGE_FIELDS, is_acting_superuser

if TYPE_CHECKING:
    from portal.accounts.models import User

_Hook = TypeVar("_Hook", bound=Callable[..., None])
# Wagtail ships no type information; used as a decorator, register() returns the function as is.
_register: Callable[[str], Callable[[_Hook], _Hook]] = hooks.register


def _grants_rights(request: HttpRequest) -> bool:
    """A submitted user form that hands out rights (Wagtail's form has is_superuser, groups)."""
    if request.method != "POST":
        return False
    return request.POST.get("is_superuser") not in (None, "", "off", "false") or any(
        request.POST.getlist(name) for name in PRIVILEGE_FIELDS if name != "is_superuser"
    )


def _is_privileged(account: User) -> bool:
    return bool(account.is_superuser or account.is_staff)


@_register("before_create_user")
def refuse_granting_rights_on_create(request: HttpRequest) -> None:
    if not is_acting_superuser(request) and _grants_rights(request):
        raise PermissionDenied


@_register("before_edit_user")
def refuse_escalation_on_edit(request: HttpRequest, user: User) -> None:
    if is_acting_superuser(request):
        return
    if user.pk != request.user.pk and _is_privileged(user):
        raise PermissionDenied  # another administrator's account: its password, address, rights
    if _grants_rights(request) and _rights_change(request, user):
        raise PermissionDenied


@_register("before_delete_user")
def refuse_deleting_privileged(request: HttpRequest, user: User) -> None:
    if not is_acting_superuser(request) and _is_privileged(user):
        raise PermissionDenied


def _rights_change(request: HttpRequest, user: User) -> bool:
    """Whether the submitted form adds rights the account does not have (resubmitting an
    ordinary editor's groups, or taking rights away, is no escalation)."""
    wants_superuser = request.POST.get("is_superuser") not in (None, "", "off", "false")
    if wants_superuser and not user.is_superuser:
        return True
    submitted = {str(pk) for pk in request.POST.getlist("groups")}
    current = {str(pk) for pk in user.groups.values_list("pk", flat=True)}
    return not submitted <= current
