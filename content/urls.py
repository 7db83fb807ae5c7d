"""Content URLs at the site root, outside the language prefix: robots.txt and the sitemap."""

from django.urls import path

from content import views
from content.consult_answer import consult_answer

app_name = "content"
urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    # the signed, expiring link in the consult answer mail (collaboration/services/consults.py)
    path("consultvraag/antwoord/<str:token>/", consult_answer, name="consult_answer"),
]
