"""What users and programs do with jobs: upload, cancel, delete, re-run. Views and the API call
these and only serialise the outcome."""
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from appliance.engine import AudioError
from appliance.jobs.models import Status, Transcription
from appliance.jobs.progress import publish_job
from appliance.jobs.upload_checks import check_complete

logger = logging.getLogger(__name__)


class JobActionRefused(ValueError):
    """The job is in a state where this action makes no sense; the message says why."""


@dataclass
class UploadOutcome:
    name: str
    job: Transcription = None
    error: str = ""


def accept_uploads(user, uploaded_files, options, oversized_names=()):
    """One outcome per file, in order: a queued job, or the reason the file was refused.

    Each file is judged alone, so a bad file never stops the others of the same upload.
    """
    outcomes = [UploadOutcome(name, error=too_large_message(name)) for name in oversized_names]
    for uploaded in uploaded_files:
        try:
            outcomes.append(UploadOutcome(uploaded.name, job=accept_upload(user, uploaded, options)))
        except AudioError as error:
            outcomes.append(UploadOutcome(uploaded.name, error=f"{uploaded.name}: {error}"))
    return outcomes


def too_large_message(name):
    return f"{name}: the file is larger than the {settings.MAX_UPLOAD_MB} MB limit per file."


def accept_upload(user, uploaded, options):
    """Probe the file, store it and queue its job; raises AudioError when it is not usable audio."""
    from appliance.engine import probe_audio

    with _local_path(uploaded) as path:
        info = probe_audio(path, max_duration_seconds=settings.MAX_AUDIO_SECONDS)
        check_complete(path, info)
    job = Transcription(
        owner=user,
        original_name=Path(uploaded.name).name[:255] or "upload",
        size_bytes=uploaded.size,
        duration_seconds=round(info.duration_seconds, 3),
        **options.as_fields(),
    )
    job.audio.save(uploaded.name, uploaded, save=False)
    try:
        with transaction.atomic():
            job.save()
            enqueue(job)
    except Exception:
        job.audio.delete(save=False)
        raise
    return job


class _local_path:
    """A path for the probe: the upload's own temp file, or a copy of a small in-memory one."""

    def __init__(self, uploaded):
        self.uploaded = uploaded
        self.copy = None

    def __enter__(self):
        if hasattr(self.uploaded, "temporary_file_path"):
            return self.uploaded.temporary_file_path()
        suffix = Path(self.uploaded.name).suffix[:10]
        descriptor, self.copy = tempfile.mkstemp(suffix=suffix, dir=settings.FILE_UPLOAD_TEMP_DIR)
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in self.uploaded.chunks():
                handle.write(chunk)
        self.uploaded.seek(0)
        return self.copy

    def __exit__(self, *exc_info):
        if self.copy:
            os.unlink(self.copy)


def enqueue(job):
    """Queue the job once the row is committed, so the worker never looks for a missing row."""
    transaction.on_commit(lambda: _send(job))


def _send(job):
    from appliance.jobs.tasks import transcribe_job

    try:
        transcribe_job.delay(job.pk)
    except Exception:
        # The row must not wait for a message that was never sent.
        logger.exception("could not queue job %s", job.pk)
        job = _end_if_queued(
            job, Status.FAILED, "The job could not be queued (the message broker is unavailable): run it again in a moment."
        )
    publish_job(job)


def _end_if_queued(job, status, error=""):
    """End a job no worker has claimed yet (a rerun gets its kept run back); the row as it is now."""
    with transaction.atomic():
        current = Transcription.objects.select_for_update().filter(pk=job.pk).first()
        if current is None:
            return job
        if current.status == Status.QUEUED:
            current.cancel_requested = status == Status.CANCELLED
            current.save(update_fields=["cancel_requested", *current.end_run(status, error)])
    return current


def cancel(job):
    """Queued: cancelled at once. Running: the worker stops at its next batch (monitor thread)."""
    if job.is_finished:
        raise JobActionRefused(f"The job is already {job.get_status_display().lower()}.")
    job = _end_if_queued(job, Status.CANCELLED)
    if not job.is_finished:
        Transcription.objects.filter(pk=job.pk).update(cancel_requested=True)
        job.refresh_from_db()
    publish_job(job)
    return job


def delete(job):
    """Remove the row, its audio and its result. A running attempt notices and stops."""
    audio_name = job.audio.name
    storage = job.audio.storage
    with transaction.atomic():
        job.delete()
        transaction.on_commit(lambda: storage.delete(audio_name) if audio_name else None)


def rerun(job, options):
    """Run a finished job again on the same audio with new options. Its transcript is kept until
    the new one is done, and comes back if the new run is cancelled or fails."""
    if not job.is_finished:
        raise JobActionRefused("The job has not finished yet: cancel it first or wait for it.")
    if not job.audio or not job.audio.storage.exists(job.audio.name):
        raise JobActionRefused("The audio of this job is gone, so it cannot run again: upload the file anew.")
    job.keep_current_run()
    for field, value in options.as_fields().items():
        setattr(job, field, value)
    job.status = Status.QUEUED
    job.progress = 0.0
    job.error_message = ""
    job.cancel_requested = False
    job.result = None
    job.speaker_names = {}  # a new run numbers its speakers anew
    job.detected_language = ""
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.processing_seconds = job.real_time_factor = None
    job.model_used = job.device_used = job.compute_type_used = job.worker = ""
    job.attempts = 0
    with transaction.atomic():
        job.save()
        enqueue(job)
    return job


def requeue_orphaned_jobs(stale_after_seconds=None):
    """Send running jobs whose attempt stopped beating to the queue again (whole-worker crashes,
    where Redis would only hand the unacknowledged message back after the visibility timeout).
    The task itself decides whether the attempt is really dead."""
    from appliance.jobs.runner import STALE_AFTER_SECONDS
    from appliance.jobs.tasks import transcribe_job

    stale_after = STALE_AFTER_SECONDS if stale_after_seconds is None else stale_after_seconds
    cutoff = timezone.now() - timedelta(seconds=stale_after)
    orphans = list(
        Transcription.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff).values_list("pk", flat=True)
    )
    for job_id in orphans:
        logger.warning("job %s stopped beating: queueing it again", job_id)
        transcribe_job.delay(job_id)
    return orphans
