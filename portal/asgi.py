"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Django is set up before anything imports models. Every WebSocket route passes, from the outside
in: the Origin check (the page's own scheme, host and port, or a CSRF-trusted origin), the session
and user (AuthMiddlewareStack), and the session check with the second factor; only then the URL
router. The consumers re-check the session at each heartbeat (portal/security/websocket.py).
"""

import gc
import os
import sys

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

# Sync views run in one worker thread of the process while the event loop relays live notes.
# Each time the loop gives the GIL up (every socket send, every poll) it waits up to the
# switch interval to get it back from a view that is rendering: at Python's 5 ms a fan-out to
# ten people queued behind one dashboard render, and under HTTP load on CI's slower machine the
# relay's p99 reached 2-3 s (make proof, load). 0.5 ms bounds that wait; the cost is more
# switches for the view thread (measured in docs/performance.md). PYTHON_SWITCH_INTERVAL=0.005
# restores Python's default.
sys.setswitchinterval(float(os.environ.get("PYTHON_SWITCH_INTERVAL", "0.0005")))
