"""The demo public site, written from the source presentation (``shared/source``) in our own words.

Idempotent: pages are found by slug under their parent and left alone when they exist. People
in the contact snippets are fictional; the generic mailbox and website are the organisation's own.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from .demo import ensure_home_page
from .demo_accessibility import ACCESSIBILITY
from .demo_texts import (
    ABOUT,
    BROWSE_SAFELY,
    BROWSE_SAFELY_EN,
    CASE_DIRECTION,
    CASE_STORY,
    CENTRES,
    CHAIN_APPROACH,
    CONSULT,
    CONSULT_EN,
    EVENTS,
    FORMS,
    HELP,
    HELP_EN,
    HOME,
    HOME_EN,
    IFG,
    IFG_EN,
    NEWS,
    PARTNERS,
)
from .models import (
    CentreIndexPage,
    CentrePage,
    ConsultPage,
    ContactPerson,
    EventIndexPage,
    EventPage,
    HelpPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PartnerIndexPage,
    PartnerPage,
    SiteContactSettings,
    StandardPage,
    ViolenceFormIndexPage,
    ViolenceFormPage,
)

CONTACTS = [
    # Fictional people and numbers; the real team is on www.veilighuis.be.
    {"name": "Lotte Verhaegen", "role": "coördinator", "phone": "09 000 00 01"},
    {"name": "Samir El Amrani", "role": "coördinator", "phone": "09 000 00 02"},
    {"name": "Ine De Clercq", "role": "casusregisseur", "phone": "09 000 00 03"},
]


def _body(blocks: list[tuple[str, Any]]) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def _child(parent: Page, model: type[Page], slug: str, **fields: Any) -> Page:
    """The child of ``parent`` with ``slug``, created and published if it does not exist yet."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    body = fields.pop("body", None)
    page = model(slug=slug, **fields)
    if body is not None:
        page.body = _body(body)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _contacts() -> list[ContactPerson]:
    people = []
    for index, data in enumerate(CONTACTS, start=1):
        person, _ = ContactPerson.objects.get_or_create(
            name=data["name"],
            defaults={
                "role": data["role"],
                "centre": "Veilig Huis Oost-Vlaanderen",
                "phone": data["phone"],
                "email": f"contact{index}@veilighuis.example",
            },
        )
        people.append(person)
    return people


@transaction.atomic
def ensure_demo_site() -> HomePage:
    """Build the whole demo site under the home page (Dutch), plus two English translations."""
    home = ensure_home_page()
    people = _contacts()
    menu = {"show_in_menus": True}

    ifg = _child(home, StandardPage, "wat-is-intrafamiliaal-geweld", **IFG, **menu)
    forms_index = _child(home, ViolenceFormIndexPage, "vormen-van-geweld", **FORMS["index"], **menu)
    for slug, data in FORMS["pages"]:
        _child(forms_index, ViolenceFormPage, slug, **data)

    about = _child(home, StandardPage, "over-veilig-huis", **ABOUT, **menu)
    _child(about, StandardPage, "ketenaanpak", **CHAIN_APPROACH)
    case_direction = _child(about, StandardPage, "intensieve-casusregie", **CASE_DIRECTION)
    _child(case_direction, StandardPage, "voorbeeld-uit-de-praktijk", **CASE_STORY)

    partners = _child(home, PartnerIndexPage, "partners", **PARTNERS["index"], **menu)
    for slug, data in PARTNERS["pages"]:
        _child(partners, PartnerPage, slug, **data)

    centres = _child(home, CentreIndexPage, "centra", **CENTRES["index"], **menu)
    for slug, data in CENTRES["pages"]:
        if slug == "oost-vlaanderen":
            # The (fictional) coordinators of the one centre the source gives contacts for.
            cards = [("contact_card", {"contact": person.pk}) for person in people[:2]]
            data = {**data, "body": [*data["body"], *cards]}
        _child(centres, CentrePage, slug, **data)

    help_page = _child(home, HelpPage, "hulp-nodig", **HELP, **menu)
    browse_safely = _child(help_page, StandardPage, "veilig-surfen", **BROWSE_SAFELY)

    consult = _child(home, ConsultPage, "consultvraag", **CONSULT, **menu)
    if not home.body:
        body = [
            (kind, {**value, "page": consult.pk} if kind == "call_to_action" else value)
            for kind, value in HOME["body"]
        ]
        home.title, home.intro, home.body = HOME["title"], HOME["intro"], _body(body)
        home.save_revision().publish()

    news = _child(home, NewsIndexPage, "nieuws", **NEWS["index"])
    for slug, data in NEWS["pages"]:
        _child(news, NewsPage, slug, **data)

    events = _child(home, EventIndexPage, "agenda", **EVENTS["index"])
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for slug, event in EVENTS["pages"]:
        data = dict(event)
        start = now + dt.timedelta(days=data.pop("in_days"))
        start = start.replace(hour=data.pop("hour"))
        _child(events, EventPage, slug, start=start, end=start + dt.timedelta(hours=2), **data)

    _child(home, StandardPage, "toegankelijkheid", **ACCESSIBILITY)

    site = Site.objects.get(is_default_site=True)
    contact_settings = SiteContactSettings.for_site(site)
    if contact_settings.browse_safely_page_id != browse_safely.pk:
        contact_settings.browse_safely_page = browse_safely
        contact_settings.save()

    _ensure_english(
        [
            (home, HOME_EN),
            (ifg, IFG_EN),
            (help_page, HELP_EN),
            (browse_safely, BROWSE_SAFELY_EN),
            (consult, CONSULT_EN),
        ]
    )
    return home


def _ensure_english(pages: list[tuple[Page, dict[str, Any]]]) -> None:
    """English translations (Wagtail's own localisation), parents before their children.

    Pages translated already are left alone, so editors' changes survive a second load.
    """
    english, _ = Locale.objects.get_or_create(language_code="en")
    for page, data in pages:
        if page.get_translation_or_none(english) is not None:
            continue
        translation = page.copy_for_translation(english)
        for field in ("title", "intro", "thank_you_text"):
            if field in data:
                setattr(translation, field, data[field])
        translation.body = _body(data["body"])
        translation.show_in_menus = page.show_in_menus
        translation.save_revision().publish()


def demo_step(context: dict[str, Any]) -> None:
    """The public site under the home page (portal/demo.py)."""
    ensure_demo_site()
