"""Celery tasks of the jobs app. Tasks take ids and let runner/services do the work."""
import logging

from celery import shared_task
from celery.signals import worker_process_shutdown, worker_shutdown

from appliance.jobs import runner
from appliance.jobs.engine_runtime import start_worker_runtime, stop_worker_runtime
from appliance.worker_signals import task_process_started

logger = logging.getLogger(__name__)


@shared_task(name="jobs.transcribe", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def transcribe_job(job_id):
    job = runner.claim(job_id)
    if job is not None:
        runner.run(job)


@shared_task(name="jobs.requeue_orphans", ignore_result=True)
def requeue_orphaned_jobs():
    from appliance.jobs.services import requeue_orphaned_jobs as sweep

    sweep()


@task_process_started.connect
def load_models_in_the_task_process(**kwargs):
    # The prefork child, or the solo/threads worker itself: the process that will transcribe.
    start_worker_runtime()


@worker_process_shutdown.connect
@worker_shutdown.connect
def stop_heartbeat(**kwargs):
    stop_worker_runtime()
