from django.apps import AppConfig


class BenchmarksWebConfig(AppConfig):
    name = "benchmarks.web"
    label = "benchmarks_web"
    verbose_name = "Benchmarks"
    default_auto_field = "django.db.models.BigAutoField"
