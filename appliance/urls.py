"""Core routes plus every optional app that is present (appliance.optional_apps.OPTIONAL_URLS)."""
from django.urls import include, path

from appliance import optional_apps
from appliance.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("appliance.accounts.urls")),
    path("api/jobs/", include("appliance.jobs.api_urls")),
    path("", include("webui.urls")),
]

for prefix, module in optional_apps.OPTIONAL_URLS:
    if optional_apps.module_exists(module):
        urlpatterns.append(path(prefix, include(module)))

handler400 = "webui.views.errors.bad_request"
handler403 = "webui.views.errors.forbidden"
handler404 = "webui.views.errors.not_found"
handler500 = "webui.views.errors.server_error"
