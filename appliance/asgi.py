"""daphne entry point: Django for HTTP (with static files when no nginx is in front) and the
WebSocket routes of every app that has a routing module."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")
django_application = get_asgi_application()

# Imported after Django is set up: consumers import models.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from appliance import optional_apps  # noqa: E402
from appliance.asgi_limits import RequestSizeLimit  # noqa: E402


def websocket_urlpatterns():
    patterns = []
    for module in optional_apps.present_modules(optional_apps.WEBSOCKET_ROUTING_MODULES):
        patterns.extend(module.websocket_urlpatterns)
    return patterns


application = ProtocolTypeRouter(
    {
        # On an appliance nginx answers /static/ itself; under `make run` daphne serves them.
        "http": RequestSizeLimit(ASGIStaticFilesHandler(django_application)),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))),
    }
)
