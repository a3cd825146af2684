"""The Celery app (`celery -A appliance.celery`). Configuration lives in settings (CELERY_*).

A worker's task process is a model-owning process: it starts and stops through
appliance.runtime.lifecycle, with the panel's saved settings as the fallback when Redis has none.
"""
import os

from celery import Celery
from celery.signals import worker_process_shutdown, worker_shutdown

from appliance.runtime import lifecycle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appliance.settings")

app = Celery("appliance")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@lifecycle.task_process_started.connect(weak=False)
def start_worker_runtime(**kwargs):
    from appliance.jobs.dead_workers import start_watch
    from appliance.panel.engine_settings import saved_engine_settings

    # Before the models load: a worker restarted after a crash sends its predecessor's jobs
    # again at once (any worker may take them), not after its preload.
    start_watch()
    lifecycle.start("worker", desired_fallback=saved_engine_settings)


@worker_process_shutdown.connect(weak=False)
@worker_shutdown.connect(weak=False)
def stop_dead_worker_watch(**kwargs):
    from appliance.jobs.dead_workers import stop_watch

    stop_watch()
