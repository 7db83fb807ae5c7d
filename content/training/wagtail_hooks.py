"""Sessions are edited in the Wagtail admin as snippets (behind the second-factor gate)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import TrainingSession


class TrainingSessionViewSet(SnippetViewSet):
    model = TrainingSession
    icon = "date"
    menu_label = _("Sessies")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["title", "kind", "starts_at", "capacity"]
    list_filter = ["kind"]
    search_fields = ["title"]


register_snippet(TrainingSessionViewSet)
