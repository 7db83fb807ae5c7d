"""Page-tree rules and routability for every page type (bakerydemo style)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, streamfield

from content.models import (
    CentreIndexPage,
    CentrePage,
    ConsultPage,
    EventIndexPage,
    EventPage,
    HelpPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PartnerIndexPage,
    PartnerPage,
    StandardPage,
    ViolenceFormIndexPage,
    ViolenceFormPage,
)

INDEX_DETAIL = [
    (ViolenceFormIndexPage, ViolenceFormPage),
    (PartnerIndexPage, PartnerPage),
    (CentreIndexPage, CentrePage),
    (NewsIndexPage, NewsPage),
    (EventIndexPage, EventPage),
]


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_page_only_under_the_root(self) -> None:
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_sections_hang_under_the_home_page(self) -> None:
        for model in (StandardPage, HelpPage, ConsultPage, *(index for index, _ in INDEX_DETAIL)):
            self.assertCanCreateAt(HomePage, model)
            self.assertCanNotCreateAt(Page, model)

    def test_detail_pages_only_in_their_own_index(self) -> None:
        for index, detail in INDEX_DETAIL:
            self.assertAllowedSubpageTypes(index, {detail})
            self.assertAllowedParentPageTypes(detail, {index})
            self.assertCanNotCreateAt(HomePage, detail)
            self.assertAllowedSubpageTypes(detail, set())

    def test_standard_pages_nest(self) -> None:
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanCreateAt(HelpPage, StandardPage)
        self.assertCanNotCreateAt(StandardPage, ConsultPage)


@pytest.mark.django_db
def test_every_page_type_of_the_demo_is_routable_and_renders(
    demo_site: HomePage, client: Client
) -> None:
    seen = set()
    for page in Page.objects.live().filter(depth__gt=1).specific():
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert (
            f"<h1>{page.title}" in response.content.decode()
            or page.title in response.content.decode()
        )
        seen.add(type(page))
    expected = {HomePage, StandardPage, HelpPage, ConsultPage}
    for index, detail in INDEX_DETAIL:
        expected |= {index, detail}
    assert expected <= seen


@pytest.mark.django_db
def test_a_standard_page_can_be_created_through_the_admin_form(
    demo_site: HomePage, make_user: Callable[..., Any], verified_client: Callable[..., Client]
) -> None:
    """assertCanCreate posts the real admin form: required fields and panels hold together."""
    editor = make_user(is_staff=True, is_superuser=True)
    case = WagtailPageTestCase()
    case.client = verified_client(editor)
    case.assertCanCreate(
        demo_site,
        StandardPage,
        nested_form_data(
            {
                "title": "Nieuwe pagina",
                "slug": "nieuwe-pagina",
                "intro": "Kort.",
                "body": streamfield([]),
            }
        ),
    )
    assert StandardPage.objects.filter(slug="nieuwe-pagina").exists()
