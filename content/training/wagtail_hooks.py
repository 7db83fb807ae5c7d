"""Sessions are edited in the Wagtail admin as snippets (behind the second-factor gate).

The list shows no address; a changed private address is mailed to the confirmed registrations
(``services.sessions.session_private_address_changed``)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from .models import TrainingSession
from .services.sessions import session_private_address_changed


class TrainingSessionEditView(EditView):
    def save_instance(self) -> Any:
        # The form's initial values are the session as it was before this edit.
        previous = str(self.form.initial.get("private_address") or "")
        session = super().save_instance()
        session_private_address_changed(session=session, previous=previous)
        return session


class TrainingSessionViewSet(SnippetViewSet):
    model = TrainingSession
    icon = "date"
    menu_label = _("Sessies")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "kind", "starts_at", "capacity"]
    list_filter = ["kind"]
    search_fields = ["title"]
    edit_view_class = TrainingSessionEditView


register_snippet(TrainingSessionViewSet)
