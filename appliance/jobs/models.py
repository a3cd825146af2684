import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED_STATUSES = (Status.DONE, Status.FAILED, Status.CANCELLED)

# What a finished run consists of: its options and its outcome. A rerun keeps these of the run
# before in previous_run until the new run is done, and puts them back if it ends otherwise.
OPTION_FIELDS = (
    "model_name", "language", "task", "batch_size", "vad", "word_timestamps", "initial_prompt",
    "diarize", "speakers", "min_speakers", "max_speakers",
)  # fmt: skip
OUTCOME_FIELDS = (
    "result", "detected_language", "processing_seconds", "duration_seconds", "real_time_factor",
    "model_used", "device_used", "compute_type_used", "progress", "started_at", "finished_at",
    "speaker_names",  # names belong to the labels of one run's result
    "cached_from_id",  # a rerun transcribes for real, a kept cached run stays one
)  # fmt: skip
RUN_FIELDS = OPTION_FIELDS + OUTCOME_FIELDS
_MOMENT_FIELDS = ("started_at", "finished_at")


def audio_upload_path(job, filename=""):
    # No extension from the user: FFmpeg must judge the file by its content (a ".m3u8" would make
    # it read the file as a playlist of other files). The original name stays in original_name.
    return f"transcriptions/{job.owner_id}/{job.public_id}"


class Transcription(models.Model):
    """One uploaded file and everything about transcribing it. The row is the truth: WebSocket
    pushes only speed up what a page reload reads from here."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transcriptions")
    original_name = models.CharField(max_length=255)
    audio = models.FileField(upload_to=audio_upload_path, max_length=255)
    size_bytes = models.BigIntegerField(default=0)
    # SHA-256 of the uploaded bytes, taken while they were written to disk: identical audio with the
    # same options is answered from a finished job instead of being transcribed again (audio_cache).
    audio_sha256 = models.CharField(max_length=64, blank=True, default="", db_index=True)
    duration_seconds = models.FloatField(null=True, blank=True)

    # Options (the engine's TranscriptionOptions).
    model_name = models.CharField(max_length=100)
    language = models.CharField(max_length=16, blank=True, default="")
    task = models.CharField(max_length=16, default="transcribe")
    batch_size = models.PositiveSmallIntegerField(default=8)
    vad = models.BooleanField(default=True)
    word_timestamps = models.BooleanField(default=False)
    initial_prompt = models.TextField(blank=True, default="")
    # Speaker diarization: off, or on with an exact count, a range, or neither (found).
    diarize = models.BooleanField(default=False)
    speakers = models.PositiveSmallIntegerField(null=True, blank=True)
    min_speakers = models.PositiveSmallIntegerField(null=True, blank=True)
    max_speakers = models.PositiveSmallIntegerField(null=True, blank=True)
    # Clean the transcript up with the LLM once it is done (unless the model is on the panel's skip list).
    llm_cleanup = models.BooleanField(default=False)
    # The names people gave the speakers on the job page ({"SPEAKER_1": "Dr. Weber"}); every
    # export reads them, the result keeps the neutral labels.
    speaker_names = models.JSONField(default=dict, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.FloatField(default=0.0)
    error_message = models.TextField(blank=True, default="")
    cancel_requested = models.BooleanField(default=False)

    result = models.JSONField(null=True, blank=True)
    # The finished run a rerun replaces, {field: value} of RUN_FIELDS: kept until the new run is
    # done, restored when it is cancelled or fails (one step of a transcript's history).
    previous_run = models.JSONField(null=True, blank=True)
    detected_language = models.CharField(max_length=16, blank=True, default="")
    # The finished job whose machine transcript answered this upload at once (None: transcribed here).
    cached_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The last answer of each LLM action on this transcript ({"summary": {"text", "model", "at"}, "cleanup":
    # {"revision", "edits", "flagged", ...}}); a clean-up's text itself is a transcript revision.
    llm_outputs = models.JSONField(default=dict, blank=True)

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

    def keep_current_run(self):
        """Before a rerun: remember this run when it produced a transcript (a failed or
        cancelled run has nothing worth keeping; an earlier kept run then stays)."""
        if self.status == Status.DONE and self.result is not None:
            self.previous_run = {
                field: getattr(self, field).isoformat() if field in _MOMENT_FIELDS and getattr(self, field)
                else getattr(self, field)
                for field in RUN_FIELDS
            }

    def restore_previous_run(self, ended_as, reason):
        """A rerun ended as `ended_as` (cancelled or failed): put the kept run back, done, with a
        word on what happened. Returns False when there is nothing to restore."""
        from django.utils.dateparse import parse_datetime

        if not self.previous_run:
            return False
        for field, value in self.previous_run.items():
            setattr(self, field, parse_datetime(value) if field in _MOMENT_FIELDS and value else value)
        self.previous_run = None
        self.status = Status.DONE
        self.cancel_requested = False
        what = "was cancelled" if ended_as == Status.CANCELLED else f"failed ({reason})" if reason else "failed"
        self.error_message = f"The new run {what}: the previous transcript is kept."
        return True

    def end_run(self, status, error=""):
        """Record how this run ended; returns the fields to save. Only what a run owns: a cancel
        request written meanwhile survives (except when the kept run comes back, done)."""
        if status != Status.DONE and self.restore_previous_run(status, error):
            return ["status", "error_message", "cancel_requested", "previous_run", *RUN_FIELDS]
        self.status, self.error_message = status, error
        self.finished_at = timezone.now()
        if status == Status.DONE:
            self.previous_run = None  # the new transcript replaces it
        return ["status", "error_message", "previous_run", *OUTCOME_FIELDS]

    @property
    def transcript(self):
        """The result to read and download: this run's, or the kept one while a rerun works."""
        if self.status == Status.DONE:
            return self.result
        return (self.previous_run or {}).get("result")

    def download_name(self, fmt):
        """jfk.flac -> jfk_flac_1a2b3c4d.txt: the source's type keeps jfk.flac and jfk.mp4 apart,
        the start of the job id keeps two uploads of one file (or reruns saved beside) apart."""
        name = Path(self.original_name)
        parts = [name.stem or "transcript", name.suffix.lstrip(".").lower(), self.public_id.hex[:8]]
        return "_".join(part for part in parts if part) + f".{fmt}"

    @property
    def segments(self):
        return (self.result or {}).get("segments", [])


class JobDefaults(models.Model):
    """What a job gets when the person (or program) asking does not say: set by an admin in the
    panel, so staff never need to see engine knobs such as the batch size. Until an admin saves
    it the row does not exist and the environment's defaults apply (APPLIANCE_DEFAULT_MODEL)."""

    SINGLETON_ID = 1

    model_name = models.CharField(max_length=100, blank=True, default="", help_text="empty: APPLIANCE_DEFAULT_MODEL")
    language = models.CharField(max_length=16, blank=True, default="", help_text="empty: detect automatically")
    batch_size = models.PositiveSmallIntegerField(default=8)
    vad = models.BooleanField(default=True)
    word_timestamps = models.BooleanField(default=False)
    # Identical audio is answered from a finished job of the same user; on, from anyone's (the
    # transcript is the machine's, never another person's edits).
    cache_for_everyone = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name_plural = "job defaults"

    def __str__(self):
        return f"job defaults ({self.effective_model_name})"

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=cls.SINGLETON_ID).first() or cls(pk=cls.SINGLETON_ID)

    @property
    def effective_model_name(self):
        return self.model_name or settings.DEFAULT_MODEL


class RevisionKind(models.TextChoices):
    MACHINE = "machine", "Machine transcript"
    EDIT = "edit", "Edit"
    RESTORE = "restore", "Restore"


class TranscriptRevision(models.Model):
    """One version of a job's transcript. Number 1 is the first machine transcript; every save, restore
    and finished rerun adds the next number, and the highest is the current one. job.result always holds
    the current segments, so exports, the API and the page read one place (appliance.jobs.revisions).

    A machine transcript or a restore stores every segment (`segments`); an edit stores only the
    segments it changed (`changes`), so a long transcript edited a hundred times stays small."""

    job = models.ForeignKey(Transcription, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=RevisionKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    segments = models.JSONField(null=True, blank=True)
    changes = models.JSONField(null=True, blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["job", "number"]
        constraints = [
            # The optimistic lock: two saves based on the same revision cannot both become the next one.
            models.UniqueConstraint(fields=["job", "number"], name="one_transcript_revision_per_number"),
        ]

    def __str__(self):
        return f"revision {self.number} of job {self.job_id} ({self.kind})"

    @property
    def is_snapshot(self):
        return self.segments is not None
