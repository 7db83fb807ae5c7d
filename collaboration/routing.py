from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/samenwerking/", consumers.PresenceConsumer.as_asgi()),
]
