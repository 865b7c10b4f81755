"""Websocket routes."""

from django.urls import path

from studio.core import ids  # noqa: F401  registers the <id:…> converter
from studio.projects.consumers import ProjectConsumer
from studio.screenplay.consumers import ScriptConsumer

websocket_urlpatterns = [
    path("ws/projects/<id:project_id>/", ProjectConsumer.as_asgi()),
    # y-websocket's client connects to `${serverUrl}/${room}`: /ws/scripts/12
    path("ws/scripts/<id:script_id>", ScriptConsumer.as_asgi()),
    path("ws/scripts/<id:script_id>/", ScriptConsumer.as_asgi()),
]
