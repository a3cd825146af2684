"""Jobs of a worker that died are queued again as soon as its presence is gone, not minutes later.

A worker killed whole (SIGKILL, out of memory, a crashed container) never acknowledges its
messages, and Redis hands them back only after the visibility timeout (hours). Every worker
task process therefore runs a DeadWorkerWatch (started by appliance.celery before the models
load): once at start, then every WATCH_SECONDS, it looks at
the running jobs and queues again each one whose attempt is dead (runner.attempt_is_alive): on
this host, a pid that is gone, which a worker restarted by `make run` or systemd sees at once;
elsewhere, a worker whose presence key has expired. Re-sending is safe by construction: claim()
runs a job only when its attempt is really dead, and a job is re-sent once per dead attempt.

Presence is read through live_worker_identities() alone, so moving the registry changes one line.
"""
import logging
import os
import threading

from django.db import connection

from appliance.plumbing.redis_client import get_redis

logger = logging.getLogger(__name__)

WATCH_SECONDS = 5.0
# One re-send per (job, dead attempt); the mark outlives any queue wait worth speaking of.
RESENT_MARK_SECONDS = 24 * 3600
RESENT_MARK_PREFIX = "appliance:job-resent:"


def live_worker_identities():
    """The "host:pid" of every worker process whose presence is fresh (the one presence read)."""
    from appliance.runtime import presence

    return {record["identity"] for record in presence.present("worker")}


def requeue_jobs_of_dead_workers():
    """Queue again each running job whose attempt died; returns their ids."""
    from appliance.jobs.models import Status, Transcription
    from appliance.jobs.runner import attempt_is_alive
    from appliance.jobs.tasks import transcribe_job

    running = Transcription.objects.filter(status=Status.RUNNING).exclude(worker="")
    jobs = list(running.only("pk", "worker", "heartbeat_at"))
    if not jobs:
        return []
    live = live_worker_identities()
    resent = []
    for job in jobs:
        if attempt_is_alive(job, live_workers=live):
            continue
        if not get_redis().set(f"{RESENT_MARK_PREFIX}{job.pk}:{job.worker}", 1, nx=True, ex=RESENT_MARK_SECONDS):
            continue  # already re-sent for this attempt: the message waits in the queue
        logger.warning("job %s: its worker %s is gone, queueing it again", job.pk, job.worker)
        transcribe_job.delay(job.pk)
        resent.append(job.pk)
    return resent


# The watch of this process (a forked pool child starts its own).
_watch = {"pid": None, "watch": None}


def start_watch():
    """Start this process's watch (idempotent)."""
    if _watch["pid"] != os.getpid():
        _watch.update(pid=os.getpid(), watch=DeadWorkerWatch().start())
    return _watch["watch"]


def stop_watch():
    if _watch["pid"] == os.getpid() and _watch["watch"] is not None:
        _watch["watch"].stop()
    _watch.update(pid=None, watch=None)


class DeadWorkerWatch:
    """A daemon thread in each worker process; a failed round (Redis restarting) is retried next time."""

    def __init__(self, interval_seconds=WATCH_SECONDS):
        self.interval_seconds = interval_seconds
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="dead-worker-watch", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def _loop(self):
        while True:
            try:
                requeue_jobs_of_dead_workers()
            except Exception:
                logger.warning("looking for jobs of dead workers failed", exc_info=True)
            finally:
                connection.close()
            if self.stopped.wait(self.interval_seconds):
                return

    def stop(self):
        self.stopped.set()
