"""Content URLs at the site root, outside the language prefix: robots.txt and the sitemap."""

from django.urls import path

from content import views

app_name = "content"
urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
]
