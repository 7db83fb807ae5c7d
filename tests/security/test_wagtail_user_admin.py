"""The Wagtail admin's user pages: only superusers grant rights or touch a privileged account.

Wagtail hides its "Administrator" box only on one's own account; an editor with the "change
user" permission could otherwise make an accomplice administrator. The forms are posted as the
browser posts them (every field the page renders), through the real admin views.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.factories.people import PASSWORD
from tests.security.test_production_shape import _change_form


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard (and a
    message), never with the saved form's redirect to the user list."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


@pytest.fixture
def user_manager(make_user, verified_client):
    """An editor who may use the Wagtail admin and manage users, but is no superuser."""
    user = make_user(email="gebruikersbeheer@test.example")
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "accounts"],
            codename__in=["access_admin", "add_user", "change_user", "delete_user"],
        )
    )
    return user, verified_client(user)


@pytest.mark.django_db
def test_a_user_manager_cannot_make_someone_administrator(user_manager, make_user) -> None:
    _manager, client = user_manager
    accomplice = make_user(email="handlanger@test.example")
    url = reverse("wagtailusers_users:edit", args=[accomplice.pk])
    data = _change_form(client, url)
    assert "is_superuser" in data or "is_superuser" in client.get(url).content.decode()
    data["is_superuser"] = ["on"]
    assert refused(client.post(url, data))
    accomplice.refresh_from_db()
    assert not accomplice.is_superuser


@pytest.mark.django_db
def test_a_user_manager_cannot_create_an_administrator(user_manager) -> None:
    _manager, client = user_manager
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "nieuwe-beheerder@test.example",
            "first_name": "Nieuwe",
            "last_name": "Beheerder",
            "password1": "een-lang-wachtwoord-voor-beheer-9",
            "password2": "een-lang-wachtwoord-voor-beheer-9",
            "is_superuser": "on",
        },
    )
    assert refused(response)
    from portal.accounts.models import User

    assert not User.objects.filter(email="nieuwe-beheerder@test.example").exists()


@pytest.mark.django_db
def test_a_user_manager_cannot_take_over_or_delete_an_administrator(
    user_manager, make_user
) -> None:
    _manager, client = user_manager
    chief = make_user(email="hoofdredactie@test.example", is_staff=True, is_superuser=True)
    edit = reverse("wagtailusers_users:edit", args=[chief.pk])
    assert refused(client.get(edit))
    response = client.post(
        edit,
        {
            "email": "aanvaller@test.example",
            "password1": "overgenomen-wachtwoord-77",
            "password2": "overgenomen-wachtwoord-77",
        },
    )
    assert refused(response)
    assert refused(client.post(reverse("wagtailusers_users:delete", args=[chief.pk])))
    chief.refresh_from_db()
    assert chief.email == "hoofdredactie@test.example"
    assert chief.check_password(PASSWORD)


@pytest.mark.django_db
def test_ordinary_edits_and_a_superusers_grant_still_work(
    user_manager, make_user, verified_client
) -> None:
    _manager, client = user_manager
    colleague = make_user(email="collega-redactie@test.example")
    editors = Group.objects.create(name="Redacteurs (test)")
    colleague.groups.add(editors)
    url = reverse("wagtailusers_users:edit", args=[colleague.pk])
    data = _change_form(client, url)
    data.update(
        email=["collega-herzien@test.example"],
        first_name=["Herziene"],
        last_name=["Collega"],
        groups=[str(editors.pk)],
    )
    response = client.post(url, data)
    assert response.status_code == 302 and not refused(response), response.content.decode()[:1500]
    colleague.refresh_from_db()
    assert colleague.email == "collega-herzien@test.example"
    # a superuser may grant what the manager may not
    chief = make_user(email="chef-redactie@test.example", is_staff=True, is_superuser=True)
    chief_client = verified_client(chief)
    data = _change_form(chief_client, url)
    data.update(is_superuser=["on"], first_name=["Herziene"], last_name=["Collega"])
    assert not refused(chief_client.post(url, data))
    colleague.refresh_from_db()
    assert colleague.is_superuser
