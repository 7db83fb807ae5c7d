"""URLs of the retention page, included under /audit/bewaartermijnen/ in the ``audit``
namespace (portal/audit/retention_views.py)."""

from django.urls import path

from . import retention_views

urlpatterns = [
    path("", retention_views.retention_list, name="retention_list"),
    path("<int:run_id>/", retention_views.retention_detail, name="retention_detail"),
]
