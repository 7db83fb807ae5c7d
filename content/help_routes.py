"""Where a visitor can turn: the centres, the CAW's page and the consult page, per language.

Read by the help page, the centre pages and the consult page (``content.models``). Each function
is one query. A language tree that lacks a page (the English site has no centre pages) falls
back to the default language's page, so a route is never missing because a translation is.
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import Locale, Page


def _in_locale_or_default(queryset, locale: Locale) -> list:
    """The pages of ``locale``, or the default locale's when ``locale`` has none."""
    default = Locale.get_default()
    pages = list(queryset.filter(locale_id__in={locale.pk, default.pk}))
    own = [page for page in pages if page.locale_id == locale.pk]
    return own or [page for page in pages if page.locale_id == default.pk]


def centres(locale: Locale) -> list:
    """The published centre pages, in title order."""
    from content.models import CentrePage

    return _in_locale_or_default(CentrePage.objects.live().public().order_by("title"), locale)


def centre_for_region(region: str, locale: Locale):
    """The centre page of a region code (``portal.organisations.models.Region``), or None.

    The demo and editors give each centre page its region's code as slug ("kempen"); the
    region's name in the page's region field ("Kempen") is accepted too.
    """
    from content.models import CentrePage
    from portal.organisations.models import Region

    if region not in Region.values:
        return None
    label = Region(region).label
    matches = _in_locale_or_default(
        CentrePage.objects.live().public().filter(Q(slug=region) | Q(region__iexact=label)),
        locale,
    )
    return matches[0] if matches else None


def partner_page(abbreviation: str, locale: Locale):
    """The partner page with this abbreviation ('CAW'), or None."""
    from content.models import PartnerPage

    matches = _in_locale_or_default(
        PartnerPage.objects.live().public().filter(abbreviation__iexact=abbreviation), locale
    )
    return matches[0] if matches else None


def consult_page(locale: Locale) -> Page | None:
    """The consult page, where professionals reach a centre through the coordinators."""
    from content.models import ConsultPage

    matches = _in_locale_or_default(ConsultPage.objects.live().public(), locale)
    return matches[0] if matches else None
