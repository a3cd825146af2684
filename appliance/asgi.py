"""daphne entry point: Django for HTTP (with static files when no nginx is in front) and every
WebSocket route, listed here.

Both protocols learn the client's address from X-Forwarded-For only when it comes from a proxy in
APPLIANCE_TRUSTED_PROXIES. Every WebSocket route sits behind the same checks: the Origin must be
one of ALLOWED_HOSTS (unless a program presents an API token and no Origin), then the session
user, then an API token if one is presented (tokens.websocket)."""
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")
django.setup(set_prefix=False)

from appliance.plumbing import web_server_limits  # noqa: E402

# daphne's requests refuse oversized bodies before reading them and spool the rest once.
django_application = web_server_limits.install()

# Imported after Django is set up: consumers import models.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.urls import path  # noqa: E402

from appliance.jobs.consumers import JobProgressConsumer  # noqa: E402
from appliance.live.consumers import LiveConsumer  # noqa: E402
from appliance.plumbing.asgi_limits import RequestSizeLimit  # noqa: E402
from appliance.plumbing.trusted_proxies import TrustedProxyClient  # noqa: E402
from appliance.tokens.websocket import TokenAuthMiddleware  # noqa: E402
from appliance.tokens.websocket_origin import OriginOrTokenValidator  # noqa: E402

websocket_urlpatterns = [
    path("ws/jobs/", JobProgressConsumer.as_asgi()),
    path("ws/live/", LiveConsumer.as_asgi()),
]

application = TrustedProxyClient(
    ProtocolTypeRouter(
        {
            # On an appliance nginx answers /static/ itself; under `make run` daphne serves them.
            "http": RequestSizeLimit(ASGIStaticFilesHandler(django_application)),
            "websocket": OriginOrTokenValidator(
                AuthMiddlewareStack(TokenAuthMiddleware(URLRouter(websocket_urlpatterns)))
            ),
        }
    ),
    settings.TRUSTED_PROXIES,
)
