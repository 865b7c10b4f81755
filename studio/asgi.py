"""ASGI entry point: Django for HTTP, Channels for websockets, in one Daphne process."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from studio.live.auth import StudioAuthMiddlewareStack  # noqa: E402
from studio.routing import websocket_urlpatterns  # noqa: E402

if settings.STUDIO_EMBEDDED_WORKER:  # a laptop: generation runs in this process (see studio/renders/embedded.py)
    from studio.renders import embedded

    embedded.start()

if settings.STUDIO_EMBEDDED_EXPORT_WORKER:  # and exports too (studio/deliverables/worker.py)
    from studio.deliverables import worker as export_worker

    export_worker.start_embedded()

if settings.STUDIO_SETTLE_ON_START:  # edits a process stored and died before settling (studio/screenplay/recovery.py)
    from studio.screenplay import recovery

    recovery.start()

application = ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": AllowedHostsOriginValidator(StudioAuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
})
