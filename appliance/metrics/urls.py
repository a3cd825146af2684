"""/metrics, mounted at the root."""
from django.urls import path

from appliance.metrics.collectors import metrics_view, register_collector

register_collector()

urlpatterns = [path("metrics", metrics_view, name="metrics")]
