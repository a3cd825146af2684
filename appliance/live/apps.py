from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "appliance.live"
    label = "live"
    verbose_name = "Live transcription"
