"""The audit trail's pages under /audit/. ``portal/urls.py`` mounts them in the ``audit``
namespace together with the case-specific pages of the audit area (subject access, retention:
``collaboration/urls_audit_area.py``), which the ground floor does not import."""

from django.urls import path

from . import nen7513_views, views

app_name = "audit"

urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.csv", views.audit_export, name="export"),
    path("nen7513.json", nen7513_views.audit_export_nen7513, name="export_nen7513"),
]
