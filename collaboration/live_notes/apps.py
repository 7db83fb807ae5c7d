from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveNotesConfig(AppConfig):
    """Own app (label ``live_notes``) so its migrations never collide with ``collaboration``'s."""

    name = "collaboration.live_notes"
    label = "live_notes"
    verbose_name = _("Live notities van overleggen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.demo import register_demo_step

        register_demo_step(50, "live notes", "collaboration.live_notes.demo.demo_step")
