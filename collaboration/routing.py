from django.urls import path

from . import consumers
from .live_notes.consumers import MeetingNotesConsumer

websocket_urlpatterns = [
    path("ws/samenwerking/", consumers.PresenceConsumer.as_asgi()),
    path(
        "ws/samenwerking/overleg/<int:meeting_id>/notities",
        MeetingNotesConsumer.as_asgi(),
    ),
]
