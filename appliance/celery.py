"""The Celery app (`celery -A appliance.celery`). Configuration lives in settings (CELERY_*).

A worker's task process is a model-owning process: it starts and stops through
appliance.runtime.lifecycle, with the panel's saved settings as the fallback when Redis has none.
"""
import os

from celery import Celery

from appliance.runtime import lifecycle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")

app = Celery("appliance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@lifecycle.task_process_started.connect(weak=False)
def start_worker_runtime(**kwargs):
    from appliance.panel.engine_settings import saved_engine_settings

    lifecycle.start("worker", desired_fallback=saved_engine_settings)
