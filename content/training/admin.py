"""Certificates in the Django admin (staff, second factor): look up and revoke. What a
certificate says was fixed when it was issued, so only the revocation can be changed, and
certificates are never added by hand (``services.certificates.certificate_issue`` issues them).

Revoking also sets the certificate's bit in the Open Badges status list (built from
``revoked_at``); that revocation is final, so a revoked certificate's revocation is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Certificate
from .services.certificates import certificate_revoke


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
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.revoked_at is not None:
            return [*self.readonly_fields, "revoked_at", "revocation_reason"]
        return list(self.readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Geselecteerde attesten intrekken (ook de Open Badge)"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        count = 0
        for certificate in queryset.filter(revoked_at__isnull=True):
            certificate_revoke(
                certificate=certificate,
                reason=str(_("Ingetrokken door de beheerder")),
                actor=request.user,
            )
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d attest ingetrokken.", "%(count)d attesten ingetrokken.", count)
            % {"count": count},
            messages.SUCCESS,
        )
