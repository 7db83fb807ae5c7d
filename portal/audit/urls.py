from django.urls import include, path

from . import nen7513_views, views

app_name = "audit"

urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.csv", views.audit_export, name="export"),
    path("nen7513.json", nen7513_views.audit_export_nen7513, name="export_nen7513"),
    path("bewaartermijnen/", include("portal.audit.retention_urls")),
    path("inzage/", include("portal.audit.subject_access_urls")),
]
