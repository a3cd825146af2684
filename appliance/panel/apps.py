from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "appliance.panel"
    label = "panel"
    verbose_name = "Admin panel"

    def ready(self):
        # Connects the Celery signal handlers that make workers follow the panel's settings.
        from appliance.panel import worker_hooks  # noqa: F401
