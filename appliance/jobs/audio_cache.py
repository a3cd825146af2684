"""Identical audio answered at once: an upload whose bytes (SHA-256, taken while they were stored),
model and options match a finished job of the same user (of anyone's, when an admin widened the
scope in the job defaults) becomes a finished job straight away, with that job's machine transcript.

The copy is the machine transcript of the source's latest run, never its owner's edits: a widened
scope must not show one person's corrections to another, and the same user gets what the model heard.
The new job keeps its own audio, so "Run again" transcribes it for real."""
from django.utils import timezone

from appliance.jobs.models import OPTION_FIELDS, JobDefaults, RevisionKind, Status, Transcription, TranscriptRevision

# What the new job takes over from the source besides the transcript: facts of the same audio and model.
COPIED_OUTCOME_FIELDS = (
    "duration_seconds", "detected_language", "model_used", "device_used", "compute_type_used",
)  # fmt: skip


def finished_twin(user, sha256, option_fields):
    """The most recent finished job that can answer this upload, or None."""
    if not sha256:
        return None
    same_run = {field: option_fields[field] for field in OPTION_FIELDS if field in option_fields}
    candidates = Transcription.objects.filter(audio_sha256=sha256, status=Status.DONE, result__isnull=False, **same_run)
    if not JobDefaults.current().cache_for_everyone:
        candidates = candidates.filter(owner=user)
    for job in candidates.order_by("-finished_at", "-id")[:5]:
        if _machine_segments(job) is not None:
            return job
    return None


def answer_from(twin, job):
    """Fill the unsaved `job` as a finished copy of `twin`'s machine transcript."""
    segments = _machine_segments(twin)
    result = {**twin.result, "segments": segments}
    result["text"] = "".join(segment.get("text", "") for segment in segments).strip()
    for field in COPIED_OUTCOME_FIELDS:
        setattr(job, field, getattr(twin, field))
    now = timezone.now()
    job.result = result
    job.cached_from = twin
    job.status = Status.DONE
    job.progress = 1.0
    job.started_at = job.finished_at = now
    job.processing_seconds = 0.0
    job.real_time_factor = 0.0
    return job


def _machine_segments(job):
    """The segments of the latest machine transcript (revision) of `job`, None if it has none."""
    revision = (
        TranscriptRevision.objects.filter(job=job, kind=RevisionKind.MACHINE).order_by("-number").only("segments").first()
    )
    return revision.segments if revision is not None else None
