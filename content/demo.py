"""Demo pages: the Wagtail home page as the root of the default site.

``ensure_home_page`` is also run by the production ``setup_site`` command, so it only makes sure
a home page exists; the full demo site is built by ``content.demo_site.ensure_demo_site``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME_TITLE = "Veilig Huis"
HOME_INTRO = (
    "Veilig Huis brengt politie, justitie, jeugdhulp, welzijn en geestelijke gezondheidszorg "
    "samen tegen intrafamiliaal geweld."
)


@transaction.atomic
def ensure_wagtail_base() -> Locale:
    """The default locale and the tree's root, which Wagtail's migrations create.

    A database emptied without re-running migrations (a flush between transactional tests,
    a restore of data only) lacks them; recreate them rather than fail on every page.
    """
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant

    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return locale


def ensure_home_page() -> HomePage:
    """Make a HomePage the root of the default site, replacing Wagtail's welcome page."""
    ensure_wagtail_base()
    default_locale = Locale.get_default()
    home = HomePage.objects.filter(locale=default_locale).first() or HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title=HOME_TITLE, slug="veilig-huis", intro=HOME_INTRO, locale=default_locale
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", root_page=home, is_default_site=True, site_name="Veilig Huis"
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page.specific
        site.root_page = home
        site.site_name = "Veilig Huis"
        site.save()
        if (
            type(old_root) is Page
            and old_root.slug == "home"
            and not old_root.get_children().exists()
        ):
            old_root.delete()
    return home


def demo_step(context: dict[str, Any]) -> None:
    """The home page, as the demo's first step (portal/demo.py)."""
    ensure_home_page()
