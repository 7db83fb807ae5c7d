from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    """The public, Wagtail-served side: pages about IFG and Veilig Huis, and (later) training."""

    name = "content"
    verbose_name = _("Publieke inhoud")

    def ready(self) -> None:
        from content import signals
        from portal.demo import register_demo_step

        signals.connect()
        register_demo_step(10, "home page", "content.demo.demo_step")
        register_demo_step(20, "public site", "content.demo_site.demo_step")
