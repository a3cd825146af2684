"""One attempt at a job inside a worker: claim the row, run the engine, record the outcome.

A message can arrive more than once (acks_late redelivers after a crash, the orphan sweep
re-sends). The row decides: a finished job is left alone, a job whose attempt is alive
elsewhere is left to it, and a job whose attempt died is run again, once.
"""
import logging
import socket
import threading
import time
from datetime import timedelta

import psutil
from django.db import transaction
from django.utils import timezone

from appliance.engine import EngineError, TranscriptionCancelled
from appliance.jobs.dead_workers import live_worker_identities
from appliance.jobs.job_transcription import transcribe_job
from appliance.jobs.models import Status, Transcription
from appliance.jobs.monitor import HEARTBEAT_SECONDS, JobMonitor
from appliance.jobs.progress import publish_job
from appliance.runtime.presence import process_identity

logger = logging.getLogger(__name__)

# The first attempt plus one re-run after a worker died; a file that kills workers twice
# (out of memory, a crashing decoder) must not take the queue down with it forever.
MAX_ATTEMPTS = 2
# An attempt on another host whose heartbeat is older than this is dead.
STALE_AFTER_SECONDS = 120
# ... and sooner when its worker's presence is gone (10 s after its last beat): a running job's
# own heartbeat (JobMonitor) is written every 10 s, so one older than two of those is no more.
ABSENT_WORKER_GRACE_SECONDS = 2 * HEARTBEAT_SECONDS


# Jobs whose attempt runs in this process now: a threads-pool worker runs several at once, so
# "the row names this process" alone no longer tells a live attempt from one that ended.
_running_here = set()
_running_lock = threading.Lock()


def attempt_is_alive(job, stale_after_seconds=STALE_AFTER_SECONDS, live_workers=None):
    """On this host the pid decides; elsewhere the worker's presence, then the job's heartbeat.
    live_workers: the identities present now, when the caller has read them already."""
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == psutil.Process().pid:
            with _running_lock:
                return job.pk in _running_here
        return _process_runs(int(pid))
    try:
        present = job.worker in (live_worker_identities() if live_workers is None else live_workers)
    except Exception:  # Redis unreachable: the job's own heartbeat alone decides
        present = None
    if present:
        return True
    window = stale_after_seconds if present is None else min(stale_after_seconds, ABSENT_WORKER_GRACE_SECONDS)
    fresh_since = timezone.now() - timedelta(seconds=window)
    return job.heartbeat_at is not None and job.heartbeat_at > fresh_since


def _process_runs(pid):
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def claim(job_id):
    """Mark the job running for this process, or return None when it must not run here."""
    with transaction.atomic():
        job = Transcription.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return None
        if job.cancel_requested:
            _finish(job, Status.CANCELLED)
            return None
        if job.status == Status.RUNNING:
            if attempt_is_alive(job):
                logger.info("job %s runs in %s: this delivery is a duplicate", job.pk, job.worker)
                return None
            if job.attempts >= MAX_ATTEMPTS:
                _finish(
                    job,
                    Status.FAILED,
                    error="The worker stopped while transcribing this file, twice. The file may need more "
                    "memory than the appliance has: try a smaller model or a shorter file.",
                )
                return None
            logger.warning("job %s: attempt %s in %s died, running it again", job.pk, job.attempts, job.worker)
        job.status = Status.RUNNING
        job.attempts += 1
        job.worker = process_identity()
        job.started_at = job.heartbeat_at = timezone.now()
        job.progress = 0.0
        job.error_message = ""
        # Before the row says so: a duplicate delivery to another thread must find it alive.
        with _running_lock:
            _running_here.add(job.pk)
        job.save()
    publish_job(job)
    return job


def run(job):
    """Run a job claim() returned (always call it after a successful claim)."""
    try:
        _run(job)
    finally:
        with _running_lock:
            _running_here.discard(job.pk)


def _run(job):
    started = time.perf_counter()
    try:
        with JobMonitor(job) as monitor:
            # Pooled with the other jobs this worker runs (threads pool), or alone (prefork).
            result = transcribe_job(job, progress=monitor.progress, cancel=monitor.cancel)
    except TranscriptionCancelled:
        _finish_if_present(job, Status.CANCELLED)
        return
    except EngineError as error:
        _finish_if_present(job, Status.FAILED, error=str(error))
        return
    except Exception:
        logger.exception("job %s failed unexpectedly", job.pk)
        _finish_if_present(job, Status.FAILED, error="The transcription failed because of an internal error; it was logged.")
        return
    seconds = time.perf_counter() - started
    job.result = result.to_dict()
    job.detected_language = result.language or ""
    job.processing_seconds = round(seconds, 3)
    job.duration_seconds = result.duration or job.duration_seconds
    job.real_time_factor = round(seconds / result.duration, 4) if result.duration else None
    job.model_used = result.model
    job.device_used = result.device
    job.compute_type_used = result.compute_type
    job.progress = 1.0
    _finish_if_present(job, Status.DONE)
    logger.info("job %s done: %.1f s of audio in %.1f s", job.pk, result.duration, seconds)


def _finish_if_present(job, status, error=""):
    with transaction.atomic():
        current = Transcription.objects.select_for_update().filter(pk=job.pk).values("status", "worker").first()
        if current is None:
            logger.info("job %s was deleted while it ran", job.pk)
            return
        if current["status"] != Status.RUNNING or current["worker"] != process_identity():
            # Another attempt took over (this one was presumed dead): its outcome counts.
            return
        _finish(job, status, error)


def _finish(job, status, error=""):
    job.save(update_fields=job.end_run(status, error))
    transaction.on_commit(lambda: publish_job(job))
