"""Certificates in the Django admin (staff, second factor): look up and revoke. What a
certificate says was fixed when it was issued, so only the revocation can be changed, and
certificates are never added by hand (``services.certificates.certificate_issue`` issues them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "learner_name", "course_title", "issued_at", "expires_at", "revoked_at"]
    search_fields = ["code", "learner_name", "course_title"]
    readonly_fields = [
        "code",
        "learner_name",
        "course_title",
        "training_hours",
        "issued_at",
        "expires_at",
        "user",
        "enrolment",
    ]
    fields = [*readonly_fields, "revoked_at", "revocation_reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
