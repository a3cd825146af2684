from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "appliance.jobs"
    label = "jobs"
    verbose_name = "Transcription jobs"
