from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "appliance.jobs"
    label = "jobs"
    verbose_name = "Transcription jobs"

    def ready(self):
        # Every process that queues jobs (daphne included, not only the worker) must use the
        # project's Celery app; otherwise .delay() falls back to Celery's default amqp broker.
        import appliance.celery  # noqa: F401
        import appliance.jobs.signals  # noqa: F401
