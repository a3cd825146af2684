from django.apps import AppConfig


class UpdaterWebConfig(AppConfig):
    name = "updater.web"
    label = "updater_web"
    verbose_name = "Updates"
