"""What users and programs do with jobs: upload, cancel, delete, re-run. Views and the API call
these and only serialise the outcome."""
import errno
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from appliance.engine import AudioError
from appliance.jobs import audio_cache
from appliance.jobs.models import Status, Transcription, audio_upload_path
from appliance.jobs.progress import publish_job
from appliance.jobs.upload_checks import check_content
from appliance.jobs.upload_handlers import StagedUpload, stage
from appliance.plumbing import disk_space

logger = logging.getLogger(__name__)


class JobActionRefused(ValueError):
    """The job is in a state where this action makes no sense; the message says why."""


@dataclass
class UploadOutcome:
    name: str
    job: Transcription = None
    error: str = ""
    # How the refusal reads as an HTTP status: 400 bad file, 413 too large, 507 disk full, 500.
    status: int = 201


def accept_uploads(user, uploaded_files, options, oversized_names=()):
    """One outcome per file, in order: a queued job, or the reason the file was refused.

    Each file is judged alone, so a bad file (or an internal error on one) never stops the
    others of the same upload and never leaves one accepted without saying so.
    """
    outcomes = [UploadOutcome(name, error=too_large_message(name), status=413) for name in oversized_names]
    for uploaded in uploaded_files:
        outcomes.append(_judge(user, uploaded, options))
    return outcomes


def _judge(user, uploaded, options):
    try:
        return UploadOutcome(uploaded.name, job=accept_upload(user, uploaded, options))
    except AudioError as error:
        return UploadOutcome(uploaded.name, error=f"{uploaded.name}: {error}", status=400)
    except Exception as error:
        if disk_space.is_disk_full(error):
            return UploadOutcome(uploaded.name, error=f"{uploaded.name}: {disk_space.DISK_FULL_MESSAGE}", status=507)
        logger.exception("upload %s of %s failed", uploaded.name, user)
        return UploadOutcome(
            uploaded.name,
            error=f"{uploaded.name}: the appliance could not store this file (an internal error, logged for "
            "the administrator); nothing of it was kept.",
            status=500,
        )


def too_large_message(name):
    return f"{name}: the file is larger than the {settings.MAX_UPLOAD_MB} MB limit per file."


def accept_upload(user, uploaded, options):
    """Probe the file, store it and queue its job; raises AudioError when it is not usable audio.

    The file is judged from its staged copy on the data disk and then renamed into media/:
    written once, never copied. A refused file's staged copy is removed at once."""
    staged = uploaded if isinstance(uploaded, StagedUpload) else stage(uploaded)
    try:
        return _store(user, staged, options)
    finally:
        staged.close()


def _store(user, staged, options):
    from appliance.engine import probe_audio

    fields = options.as_fields()
    job = Transcription(
        owner=user,
        original_name=Path(staged.name).name[:255] or "upload",
        size_bytes=os.path.getsize(staged.temporary_file_path()),
        audio_sha256=staged.sha256,
        **fields,
    )
    twin = audio_cache.finished_twin(user, staged.sha256, fields) if options.use_cache else None
    if twin is not None:
        # The same bytes were probed and transcribed before: no probe, no queue.
        audio_cache.answer_from(twin, job)
        return _keep(job, staged, after_save=lambda: transaction.on_commit(lambda: publish_job(job)))
    path = staged.temporary_file_path()
    info = probe_audio(path, max_duration_seconds=settings.MAX_AUDIO_SECONDS)
    job.duration_seconds = round(check_content(path, info, settings.MAX_AUDIO_SECONDS), 3)
    return _keep(job, staged, after_save=lambda: enqueue(job))


def _keep(job, staged, after_save):
    """Move the staged file into media/ and save the row; the file goes again if the row cannot."""
    job.audio.name = audio_upload_path(job)
    target = Path(job.audio.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _move(staged.claim_path(), target)
    try:
        with transaction.atomic():
            job.save()
            after_save()
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return job


def _move(source, target):
    try:
        os.replace(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        shutil.move(source, target)  # the temp dir was put on another disk: one copy then
    os.chmod(target, settings.FILE_UPLOAD_PERMISSIONS or 0o640)


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
    job.cached_from = None  # asked to run again: transcribed for real this time
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
