"""Keep revisions and the search index in step with the job rows, whichever code path writes them
(the worker finishing a job, a live session saved as a job, a rerun's result put back, a user or
an owner deleted with all their jobs)."""
import logging

from django.db import connections, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from appliance.jobs import revisions, search
from appliance.jobs.models import Status, Transcription

logger = logging.getLogger(__name__)


@receiver(post_save, sender=Transcription, dispatch_uid="jobs.transcript_finished")
def transcript_finished(sender, instance, created, update_fields=None, **kwargs):
    wrote_result = created or update_fields is None or "result" in update_fields
    if wrote_result and instance.status == Status.DONE and instance.result:
        revisions.record_machine_transcript(instance)
        if instance.llm_cleanup:
            transaction.on_commit(lambda: _queue_llm_cleanup(instance.pk))


def _queue_llm_cleanup(job_id):
    from appliance.jobs.tasks import llm_cleanup_job

    try:
        llm_cleanup_job.delay(job_id)
    except Exception:
        # The transcript is done and kept; only the automatic clean-up is lost (the page still offers it).
        logger.exception("could not queue the LLM clean-up of job %s", job_id)


@receiver(post_delete, sender=Transcription, dispatch_uid="jobs.transcript_deleted")
def transcript_deleted(sender, instance, **kwargs):
    search.remove_job(instance.pk)


@receiver(post_migrate, dispatch_uid="jobs.search_index_orphans")
def search_index_orphans(sender, app_config=None, using="default", **kwargs):
    # Rows of jobs that vanished without a delete signal (a flushed or restored database) would show up
    # for a later job given the same id: every migrate (each update, and a test database's flush) drops them.
    if app_config is not None and app_config.label == "jobs":
        search.remove_orphans(connections[using])
