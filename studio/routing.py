"""Websocket routes."""

from django.urls import path

from studio.projects.consumers import ProjectConsumer
from studio.screenplay.consumers import ScriptConsumer

websocket_urlpatterns = [
    path("ws/projects/<int:project_id>/", ProjectConsumer.as_asgi()),
    # y-websocket's client connects to `${serverUrl}/${room}`: /ws/scripts/12
    path("ws/scripts/<int:script_id>", ScriptConsumer.as_asgi()),
    path("ws/scripts/<int:script_id>/", ScriptConsumer.as_asgi()),
]
