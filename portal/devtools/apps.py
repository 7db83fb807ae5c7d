from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Helpers for local development only. Installed by ``portal.settings.dev`` when DEBUG is on,
    so their commands do not exist on a production machine."""

    name = "portal.devtools"
    label = "devtools"
