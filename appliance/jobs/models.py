import uuid
from pathlib import Path

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED_STATUSES = (Status.DONE, Status.FAILED, Status.CANCELLED)


def audio_upload_path(job, filename):
    # The original name stays in original_name; on disk only a safe suffix survives.
    suffix = Path(filename).suffix.lower()[:10]
    return f"transcriptions/{job.owner_id}/{job.public_id}{suffix}"


class Transcription(models.Model):
    """One uploaded file and everything about transcribing it. The row is the truth: WebSocket
    pushes only speed up what a page reload reads from here."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transcriptions")
    original_name = models.CharField(max_length=255)
    audio = models.FileField(upload_to=audio_upload_path, max_length=255)
    size_bytes = models.BigIntegerField(default=0)
    duration_seconds = models.FloatField(null=True, blank=True)

    # Options (the engine's TranscriptionOptions).
    model_name = models.CharField(max_length=100)
    language = models.CharField(max_length=16, blank=True, default="")
    task = models.CharField(max_length=16, default="transcribe")
    batch_size = models.PositiveSmallIntegerField(default=8)
    vad = models.BooleanField(default=True)
    word_timestamps = models.BooleanField(default=False)
    initial_prompt = models.TextField(blank=True, default="")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.FloatField(default=0.0)
    error_message = models.TextField(blank=True, default="")
    cancel_requested = models.BooleanField(default=False)

    result = models.JSONField(null=True, blank=True)
    detected_language = models.CharField(max_length=16, blank=True, default="")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    processing_seconds = models.FloatField(null=True, blank=True)
    real_time_factor = models.FloatField(null=True, blank=True)
    model_used = models.CharField(max_length=100, blank=True, default="")
    device_used = models.CharField(max_length=32, blank=True, default="")
    compute_type_used = models.CharField(max_length=32, blank=True, default="")

    # Who is running it, so a redelivered message can tell a dead attempt from a live one.
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=255, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return f"{self.original_name} ({self.status})"

    @property
    def is_finished(self):
        return self.status in FINISHED_STATUSES

    def download_name(self, fmt):
        """jfk.flac -> jfk_flac_1a2b3c4d.txt: the source's type keeps jfk.flac and jfk.mp4 apart,
        the start of the job id keeps two uploads of one file (or reruns saved beside) apart."""
        name = Path(self.original_name)
        parts = [name.stem or "transcript", name.suffix.lstrip(".").lower(), self.public_id.hex[:8]]
        return "_".join(part for part in parts if part) + f".{fmt}"

    @property
    def segments(self):
        return (self.result or {}).get("segments", [])
