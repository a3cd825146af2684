"""Every HTTP route of the appliance, listed here: pages, APIs, the panel and its sub-pages."""
from django.urls import include, path

from appliance.metrics.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("appliance.accounts.urls")),
    path("api/jobs/", include("appliance.jobs.api_urls")),
    path("live/", include("appliance.live.urls")),
    path("panel/", include("appliance.panel.urls")),
    path("panel/updates/", include("updater.web.urls")),
    path("panel/benchmarks/", include("benchmarks.web.urls")),
    path("tokens/", include("appliance.tokens.urls")),
    # These two own full paths: /v1/... (OpenAI-compatible) and /metrics (Prometheus).
    path("", include("appliance.jobs.openai_urls")),
    path("", include("appliance.metrics.urls")),
    path("", include("webui.urls")),
]

handler400 = "webui.views.errors.bad_request"
handler403 = "webui.views.errors.forbidden"
handler404 = "webui.views.errors.not_found"
handler500 = "webui.views.errors.server_error"
