from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People and how they sign in: the custom user model, two-factor pages, sign-out everywhere."""

    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from portal.demo import register_demo_step

        from . import signals

        signals.connect()
        register_demo_step(30, "people", "portal.accounts.demo.demo_step")
