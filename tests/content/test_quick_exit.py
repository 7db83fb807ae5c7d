"""Quick exit without a browser: the exit route (session ended on the server, Clear-Site-Data,
the neutral site from the settings) and the bar on every page type a visitor can reach."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from content.models import HomePage, SiteContactSettings
from content.quick_exit import FALLBACK_URL
from content.templatetags.quick_exit_tags import shows_quick_exit

EXIT = "/snel-weg/"


def test_exit_ends_the_session_on_the_server_and_clears_the_site(
    demo_site: HomePage, make_user: Any
) -> None:
    client = Client()
    client.force_login(make_user())
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    response = client.get(EXIT)

    assert response.status_code == 303
    assert response["Location"] == "https://www.meteo.be/nl/belgie"
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert not Session.objects.filter(session_key=key).exists()
    assert response.cookies["vh_session"]["max-age"] == 0
    # The old cookie opens nothing any more.
    stale = Client()
    stale.cookies["vh_session"] = key
    assert stale.get("/account/").status_code == 302


def test_exit_expires_every_cookie_it_was_sent(demo_site: HomePage, client: Client) -> None:
    client.cookies["django_language"] = "en"
    client.cookies["something_else"] = "1"
    response = client.get(EXIT)
    assert response.cookies["django_language"]["max-age"] == 0
    assert response.cookies["something_else"]["max-age"] == 0


def test_exit_goes_to_the_site_editors_chose(demo_site: HomePage, client: Client) -> None:
    settings = SiteContactSettings.objects.get()
    settings.quick_exit_url = "https://www.vrt.be/vrtnws/nl/"
    settings.save()
    assert client.get(EXIT)["Location"] == "https://www.vrt.be/vrtnws/nl/"


@pytest.mark.parametrize("stored", ["javascript:alert(1)", "", "//evil.example/"])
def test_exit_never_follows_a_stored_address_that_is_not_a_web_address(
    demo_site: HomePage, client: Client, stored: str
) -> None:
    SiteContactSettings.objects.update(quick_exit_url=stored)
    assert client.get(EXIT)["Location"] == FALLBACK_URL


def test_exit_is_refused_for_post(demo_site: HomePage, client: Client) -> None:
    assert client.post(EXIT).status_code == 405


def _bar_then_skip_link(body: str) -> bool:
    bar = body.find('class="quick-exit__button" href="/snel-weg/"')
    skip = body.find('class="skip-link"')
    return 0 < bar < skip


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/partners/caw/",
        "/hulp-nodig/veilig-surfen/",
        "/zoeken/?q=geweld",
        "/en/",
        "/account/aanmelden/",
        "/account/registreren/",
        "/certificaat/",
        "/agenda/",  # the one agenda (/vorming/sessies/ sends there)
        "/bestaat-niet/",
    ],
)
def test_bar_comes_first_on_every_page_a_visitor_can_reach(
    demo_site: HomePage, client: Client, path: str
) -> None:
    response = client.get(path)
    body = response.content.decode()
    assert _bar_then_skip_link(body), path
    assert "js/quick-exit.js" in body
    assert body.count("data-quick-exit-link") == 1
    # The touch hint, in the page's language.
    touch_hint = "tap quick exit" if path.startswith("/en/") else "tik op snel weg"
    assert touch_hint in body.lower(), path


def test_bar_on_the_training_catalogue_and_session_pages(
    demo_site: HomePage, client: Client
) -> None:
    from content.training.demo import ensure_demo_training
    from content.training.models import TrainingSession

    index = ensure_demo_training()
    paths = [index.url, *(f"/vorming/sessies/{s.pk}/" for s in TrainingSession.objects.all())]
    for path in paths:
        body = client.get(path).content.decode()
        assert _bar_then_skip_link(body), path
        assert body.count("data-quick-exit-link") == 1, path


def test_server_error_page_has_the_bar_without_a_request() -> None:
    from django.template.loader import render_to_string

    body = render_to_string("errors/500.html")
    assert _bar_then_skip_link(body)


def test_second_factor_areas_have_no_bar() -> None:
    assert not shows_quick_exit("/samenwerking/")
    assert not shows_quick_exit("/cms/pages/")
    assert shows_quick_exit("/vorming/")
    assert shows_quick_exit("/account/aanmelden/")


def test_history_option_only_on_the_browse_safely_page(demo_site: HomePage, client: Client) -> None:
    body = client.get("/hulp-nodig/veilig-surfen/").content.decode()
    assert "Houd dit bezoek uit de geschiedenis" in body
    assert re.search(r"<div data-history-option hidden", body)
    assert "Houd dit bezoek uit de geschiedenis" not in client.get("/hulp-nodig/").content.decode()
