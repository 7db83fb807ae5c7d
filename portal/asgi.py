"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Django is set up before anything imports models. WebSockets pass, from the outside in:
the Origin check against ALLOWED_HOSTS, the session and user (AuthMiddlewareStack), and the
second-factor check; only then the URL router.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from collaboration.routing import websocket_urlpatterns  # noqa: E402
from portal.security.websocket import SecondFactorWebsocketMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(SecondFactorWebsocketMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)

# Everything loaded so far (Django, Wagtail, the URL and template machinery) lives as long as
# the process. Freezing it keeps the garbage collector's full passes from walking it again: such
# a pass stalled a live-notes keystroke for 146 ms in the benchmark (bench/live_notes.py).
gc.collect()
gc.freeze()
