from django.urls import path

from appliance.jobs.consumers import JobProgressConsumer

websocket_urlpatterns = [path("ws/jobs/", JobProgressConsumer.as_asgi())]
