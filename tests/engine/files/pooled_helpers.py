"""Helpers for the pooled-scheduler tests (not fixtures: each test module wraps them)."""
import contextlib

from appliance.engine.files.pooled_scheduler import PooledScheduler

# Distinct sentences, so a job's text shows whether another job's words leaked into it.
JOB_TEXTS = {
    "museum": "The museum has a large collection of old paintings. Can you tell me the way to the station?",
    "snow": "Fresh snow covered the mountains during the night. The phone rang three times.",
    "beach": "We walked along the beach and watched the sun go down over the quiet sea.",
}
# The word each job's transcript must contain, and no other job's.
JOB_KEYWORDS = {"museum": "paintings", "snow": "mountains", "beach": "beach"}


@contextlib.contextmanager
def running_scheduler(manager, **settings):
    scheduler = PooledScheduler(manager, **settings)
    try:
        yield scheduler
    finally:
        scheduler.close()


def recorder(calls):
    """A progress callback appending (fraction, segments) to `calls`."""
    return lambda fraction, segments: calls.append((fraction, list(segments)))
