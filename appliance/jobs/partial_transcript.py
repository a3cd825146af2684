"""The segments a running job has produced so far, for pages opened (or polling) mid-run.

They live in the shared cache (Redis), not on the row: they are a preview that the final result
replaces, the row keeps its result field for finished transcripts only, and the job's monitor
thread is the only writer. Each segment carries its index, so a page that gets both a push and a
poll shows every segment once.
"""
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Long enough for the longest job; the key of a finished job simply expires.
PREVIEW_SECONDS = 24 * 3600


def _key(job_id):
    return f"job-partial-transcript:{job_id}"


def start(job_id):
    """A new attempt starts from the first segment again."""
    try:
        cache.delete(_key(job_id))
    except Exception:
        logger.warning("could not reset the preview of job %s", job_id, exc_info=True)


def append(job_id, segments):
    """Add segments (dicts with index, start, end, text) after the ones stored so far.
    A Redis hiccup only costs the preview, never the job."""
    if not segments:
        return
    try:
        cache.set(_key(job_id), [*cache.get(_key(job_id), []), *segments], timeout=PREVIEW_SECONDS)
    except Exception:
        logger.warning("could not store the preview of job %s", job_id, exc_info=True)


def read(job_id):
    return cache.get(_key(job_id), [])
