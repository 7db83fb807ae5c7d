from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    """The public, Wagtail-served side: pages about IFG and Veilig Huis, and (later) training."""

    name = "content"
    verbose_name = _("Publieke inhoud")

    def ready(self) -> None:
        from content import signals

        signals.connect()
