"""Saving a finished live session as an ordinary transcript: its audio and its committed text
become a done Transcription in the owner's job list, with every export of an uploaded file."""
import logging
from datetime import datetime, timezone as dt_timezone

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from appliance.jobs.models import Status, Transcription
from appliance.jobs.progress import publish_job

logger = logging.getLogger(__name__)

LIVE_WORKER_NAME = "live-engine"


def save_live_session(finished):
    """Returns the saved Transcription, or None when there is nothing to keep (no audio, or the
    owner was deleted meanwhile). The spooled audio file is removed once it is saved; when saving
    fails it stays in the spool directory for an administrator."""
    audio_path = finished.audio_path
    owner = get_user_model().objects.filter(pk=finished.owner, is_active=True).first()
    if owner is None or not finished.has_audio:
        if audio_path is not None:
            audio_path.unlink(missing_ok=True)
        return None
    result = finished.result
    started_at = datetime.fromtimestamp(finished.started_at, tz=dt_timezone.utc)
    local_start = timezone.localtime(started_at)
    job = Transcription(
        owner=owner,
        original_name=f"Live {local_start:%Y-%m-%d %H:%M:%S}.wav",
        size_bytes=audio_path.stat().st_size,
        duration_seconds=result.duration,
        model_name=finished.options.model,
        language=finished.options.language or "",
        task=finished.options.task,
        vad=True,
        word_timestamps=True,
        status=Status.DONE,
        progress=1.0,
        result=result.to_dict(),
        detected_language=result.language or "",
        started_at=started_at,
        finished_at=timezone.now(),
        processing_seconds=round(result.timings.total_seconds, 3),
        real_time_factor=result.real_time_factor,
        model_used=result.model,
        device_used=result.device,
        compute_type_used=result.compute_type,
        worker=LIVE_WORKER_NAME,
    )
    with open(audio_path, "rb") as audio:
        job.audio.save("live.wav", File(audio), save=False)
    try:
        with transaction.atomic():
            job.save()
            transaction.on_commit(lambda: publish_job(job))
    except Exception:
        job.audio.delete(save=False)
        raise
    logger.info("saved live session %s (%s) as job %s", finished.session_id, finished.reason, job.public_id)
    audio_path.unlink(missing_ok=True)
    return job
