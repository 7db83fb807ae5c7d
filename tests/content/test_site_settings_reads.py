"""Reading the contact settings never writes: every page reads them (footer, quick-exit bar),
so a GET must cost one SELECT, not Wagtail's get_or_create INSERT (content/models/settings.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Site

from content.models import SiteContactSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_settings_row() -> None:
    """A site whose editors never saved the settings. The demo site built once per run (see
    conftest) saves a row, which these tests' transaction removes and rolls back."""
    SiteContactSettings.objects.all().delete()


def test_a_page_shows_the_defaults_without_writing_a_settings_row(client: Any) -> None:
    assert Site.objects.exists() and not SiteContactSettings.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("two_factor:login"))
    assert response.status_code == 200
    # The footer's mailbox is the field's default, read from an unsaved instance.
    assert "veilighuis.oostvlaanderen@vlaanderen.be" in response.content.decode()
    assert not SiteContactSettings.objects.exists()
    writes = [q["sql"] for q in queries.captured_queries if "sitecontactsettings" in q["sql"]]
    assert writes and all(sql.lstrip().upper().startswith("SELECT") for sql in writes)


def test_an_editor_saves_the_first_settings_of_a_site(verified_client: Any, make_user: Any) -> None:
    site = Site.objects.get(is_default_site=True)
    editor = make_user(is_superuser=True, is_staff=True)
    client = verified_client(editor)
    url = reverse("wagtailsettings:edit", args=["content", "sitecontactsettings", site.pk])
    assert client.get(url).status_code == 200
    assert not SiteContactSettings.objects.exists()
    fields = {
        "emergency_number": "112",
        "police_number": "101",
        "helpline_number": "1712",
        "youth_helpline_number": "102",
        "general_email": "info@veilighuis.example",
        "website": "https://www.veilighuis.example",
        "quick_exit_url": "https://www.vrt.be/vrtnws/nl/",
    }
    response = client.post(url, fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = SiteContactSettings.objects.get(site=site)
    assert saved.quick_exit_url == "https://www.vrt.be/vrtnws/nl/"
    assert SiteContactSettings.for_site(site).pk == saved.pk
