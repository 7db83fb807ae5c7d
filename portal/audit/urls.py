from django.urls import include, path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.csv", views.audit_export, name="export"),
    path("bewaartermijnen/", include("portal.audit.retention_urls")),
    path("inzage/", include("portal.audit.subject_access_urls")),
]
