from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "appliance.panel"
    label = "panel"
    verbose_name = "Admin panel"
