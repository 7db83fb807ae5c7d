"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Django is set up before anything imports models. Every WebSocket route passes, from the outside
in: the Origin check (the page's own scheme, host and port, or a CSRF-trusted origin), the session
and user (AuthMiddlewareStack), and the session check with the second factor; only then the URL
router. The consumers re-check the session at each heartbeat (portal/security/websocket.py).
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from collaboration.routing import websocket_urlpatterns  # noqa: E402
from portal.security.uploads import BodyLimitASGIMiddleware  # noqa: E402
from portal.security.websocket import (  # noqa: E402
    SameOriginWebsocketValidator,
    SecondFactorWebsocketMiddleware,
)

application = ProtocolTypeRouter(
    {
        # Oversized bodies are refused while they stream in, before Django spools them.
        "http": BodyLimitASGIMiddleware(django_asgi_app),
        "websocket": SameOriginWebsocketValidator(
            AuthMiddlewareStack(
                SecondFactorWebsocketMiddleware(
                    # types-channels wants its own URLPattern subtype; path() returns Django's.
                    URLRouter(websocket_urlpatterns)  # type: ignore[arg-type]
                )
            )
        ),
    }
)

# Everything loaded so far (Django, Wagtail, the URL and template machinery) lives as long as
# the process. Freezing it keeps the garbage collector's full passes from walking it again: such
# a pass stalled a live-notes keystroke for 146 ms in the benchmark (bench/live_notes.py).
gc.collect()
gc.freeze()
