"""The footer's address on signed-in pages comes from a per-process copy (``content.footer``):
no query for it on a second page, and a save of the site settings shows on the next page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Site

from content.models import SiteContactSettings

pytestmark = pytest.mark.django_db


def _settings_queries(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "sitecontactsettings" in q["sql"] or "wagtailcore_site" in q["sql"]
    ]


def test_signed_in_pages_read_the_address_once_and_see_a_change_at_once(
    verified_client: Any, make_user: Any
) -> None:
    site = Site.objects.get(is_default_site=True)
    contact = SiteContactSettings.for_site(site)
    contact.general_email = "eerst@example.org"
    contact.save()
    client = verified_client(make_user())
    url = reverse("accounts:home")
    client.get(reverse("collaboration:home"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("collaboration:home"))
    assert "eerst@example.org" in response.content.decode()
    assert _settings_queries(queries) == []

    contact.general_email = "daarna@example.org"
    contact.save()  # bumps the publication generation (content.signals)
    body = client.get(reverse("collaboration:home")).content.decode()
    assert "daarna@example.org" in body and "eerst@example.org" not in body
    # a public page reads the settings for its quick-exit bar anyway: the same address
    assert "daarna@example.org" in client.get(url).content.decode()


def test_a_host_without_a_site_has_a_footer_without_an_address(
    verified_client: Any, make_user: Any
) -> None:
    Site.objects.all().delete()
    client = verified_client(make_user())
    response = client.get(reverse("collaboration:home"))
    assert response.status_code == 200
    assert 'class="site-footer"' in response.content.decode()
