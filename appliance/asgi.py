"""daphne entry point: Django for HTTP (with static files when no nginx is in front) and every
WebSocket route, listed here."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")
django_application = get_asgi_application()

# Imported after Django is set up: consumers import models.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.urls import path  # noqa: E402

from appliance.jobs.consumers import JobProgressConsumer  # noqa: E402
from appliance.live.consumers import LiveConsumer  # noqa: E402
from appliance.plumbing.asgi_limits import RequestSizeLimit  # noqa: E402
from appliance.tokens.websocket_origin import OriginOrTokenValidator  # noqa: E402

websocket_urlpatterns = [
    path("ws/jobs/", JobProgressConsumer.as_asgi()),
    path("ws/live/", LiveConsumer.as_asgi()),
]

application = ProtocolTypeRouter(
    {
        # On an appliance nginx answers /static/ itself; under `make run` daphne serves them.
        "http": RequestSizeLimit(ASGIStaticFilesHandler(django_application)),
        "websocket": OriginOrTokenValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
