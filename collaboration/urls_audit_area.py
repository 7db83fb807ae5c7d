"""The case-specific pages of the audit area: subject-access requests (/audit/inzage/) and the
retention runs (/audit/bewaartermijnen/).

They are collaboration's because their rules are (``collaboration.subject_access``,
``collaboration.services.retention_runs``); the audit trail itself is the ground floor's
(``portal.audit.urls``). ``portal/urls.py`` mounts both under /audit/ in the one ``audit``
namespace, so the paths, the names and the second-factor gate are those of the audit area.
"""

from django.urls import include, path

from .views import retention
from .views import subject_access as views

retention_urlpatterns = [
    path("", retention.retention_list, name="retention_list"),
    path("<int:run_id>/", retention.retention_detail, name="retention_detail"),
]

subject_access_urlpatterns = [
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

urlpatterns = [
    path("bewaartermijnen/", include(retention_urlpatterns)),
    path("inzage/", include(subject_access_urlpatterns)),
]
