"""The segments a running job has produced so far, for pages opened (or polling) mid-run.

They live in a Redis list, not on the row: they are a preview that the final result replaces,
the row keeps its result field for finished transcripts only, and the job's monitor thread is
the only writer (appending costs only the new segments, whatever the length of the file). Each
segment carries its index, so a page that gets both a push and a poll shows every segment once.
A Redis hiccup only costs the preview, never the job.
"""
import json
import logging

from appliance.plumbing.redis_client import get_redis

logger = logging.getLogger(__name__)

# Long enough for the longest job; the list of a finished job simply expires.
PREVIEW_SECONDS = 24 * 3600


def _key(job_id):
    return f"appliance:jobs:partial-transcript:{job_id}"


def forget(job_id):
    """Called when an attempt starts (it begins from the first segment again) and ends (the
    result on the row replaces the preview)."""
    try:
        get_redis().delete(_key(job_id))
    except Exception:
        logger.warning("could not reset the preview of job %s", job_id, exc_info=True)


def append(job_id, segments):
    """Add segments (dicts with index, start, end, text) after the ones stored so far."""
    if not segments:
        return
    try:
        pipeline = get_redis().pipeline()
        pipeline.rpush(_key(job_id), *(json.dumps(segment) for segment in segments))
        pipeline.expire(_key(job_id), PREVIEW_SECONDS)
        pipeline.execute()
    except Exception:
        logger.warning("could not store the preview of job %s", job_id, exc_info=True)


def read(job_id):
    try:
        return [json.loads(item) for item in get_redis().lrange(_key(job_id), 0, -1)]
    except Exception:
        logger.warning("could not read the preview of job %s", job_id, exc_info=True)
        return []
