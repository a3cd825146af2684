"""The one place that talks to the Channels layer about jobs.

Events are typed like paperless-ngx's: the "type" names the consumer handler ("job.update" →
JobProgressConsumer.job_update). Each event goes to the owner's group and the admins' group;
the consumer still checks permission per event. Everything pushed here is also on the row, so
a page that missed a push recovers it by polling.
"""
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

ADMINS_GROUP = "jobs.admins"


def user_group(user_id):
    return f"jobs.user.{user_id}"


def job_event(job, new_segments=()):
    from appliance.jobs.serializers import job_summary

    return {"type": "job.update", "job": job_summary(job), "new_segments": list(new_segments)}


def publish_job(job, new_segments=()):
    """Push a job's current state; a Redis hiccup only costs the push, never the job."""
    event = job_event(job, new_segments)
    layer = get_channel_layer()
    try:
        async_to_sync(layer.group_send)(user_group(job.owner_id), event)
        async_to_sync(layer.group_send)(ADMINS_GROUP, event)
    except Exception:
        logger.warning("could not push progress of job %s", job.pk, exc_info=True)
