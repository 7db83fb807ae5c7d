from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from ..selectors import memberships_of


class CollaborationHomeView(TemplateView):
    """Start page of the collaboration area. The second-factor gate in
    ``portal.security.middleware`` guards it, as every page under ``/samenwerking/``."""

    template_name = "collaboration/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "memberships": memberships_of(self.request.user)}
