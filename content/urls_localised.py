"""Content URLs inside ``i18n_patterns`` (Dutch without prefix, English under /en/):
search, then Wagtail's page tree, which answers every path the others do not."""

from django.urls import include, path
from wagtail import urls as wagtail_urls

from content import views

urlpatterns = [
    path("zoeken/", views.search, name="content_search"),
    path("plattegrond/", views.sitemap_page, name="content_sitemap_page"),
    path("", include(wagtail_urls)),
]
