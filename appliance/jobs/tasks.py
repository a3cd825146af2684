"""Celery tasks of the jobs app. Tasks take ids and let runner/services do the work."""
import logging

from celery import shared_task

from appliance.jobs import runner

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


@shared_task(name="jobs.llm_cleanup", ignore_result=True)
def llm_cleanup_job(job_id):
    """The upload option "clean up after transcription": runs once the transcript is saved."""
    from appliance.jobs.transcript_llm import clean_up_after_transcription

    clean_up_after_transcription(job_id)
