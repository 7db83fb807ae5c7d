"""Request types for the type checker: what Django's middleware guarantees a view.

django-stubs types ``request.user`` as ``User | AnonymousUser``; behind ``login_required`` or
``LoginRequiredMixin`` it is always our ``User``. Views say so by annotating ``request`` (or
``self.request``) with ``AuthenticatedHttpRequest`` instead of checking again.
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that reached a view only after sign-in was checked."""

    user: User
