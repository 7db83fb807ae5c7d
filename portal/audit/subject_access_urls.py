"""URLs of the subject-access pages, included under /audit/inzage/ in the ``audit`` namespace
(portal/audit/subject_access_views.py)."""

from django.urls import path

from . import subject_access_views as views

urlpatterns = [
    path("", views.subject_access_list, name="subject_access_list"),
    path("nieuw/", views.subject_access_new, name="subject_access_new"),
    path("<int:request_id>/", views.subject_access_detail, name="subject_access_detail"),
    path(
        "<int:request_id>/samenstellen/",
        views.subject_access_assemble,
        name="subject_access_assemble",
    ),
    path(
        "<int:request_id>/beslissing/<int:item_id>/",
        views.subject_access_decide,
        name="subject_access_decide",
    ),
    path(
        "<int:request_id>/vrijgeven/", views.subject_access_release, name="subject_access_release"
    ),
    path(
        "<int:request_id>/concept.pdf", views.subject_access_preview, name="subject_access_preview"
    ),
    path(
        "<int:request_id>/inzage.<str:fmt>",
        views.subject_access_download,
        name="subject_access_download",
    ),
    path("<int:request_id>/rechten/", views.subject_access_rights, name="subject_access_rights"),
]
