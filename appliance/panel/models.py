from django.conf import settings
from django.db import models

DEVICE_AUTO = "auto"


class ApplianceSettings(models.Model):
    """The one row of run-time settings an admin changes in the panel.

    Until an admin saves it the row does not exist and `current()` answers with the defaults
    from the environment (APPLIANCE_PRELOAD_MODELS, ...), so a fresh appliance behaves exactly
    as its appliance.env says. `revision` grows on every save; workers report the revision they
    applied, which is how the page knows a change has arrived everywhere.
    """

    SINGLETON_ID = 1

    preload_models = models.JSONField(default=list, help_text="model names kept loaded in every worker")
    device = models.CharField(max_length=16, default=DEVICE_AUTO, help_text='"auto", "cpu" or "cuda:N"')
    # {"cpu": "int8", "cuda:0": "float16"}; a device without an entry uses "auto".
    compute_types = models.JSONField(default=dict)
    idle_ttl_seconds = models.PositiveIntegerField(default=900)
    # {"cpu": 4096, "cuda:0": 20000} in MB; a device without an entry gets the engine's automatic budget.
    memory_budget_mb = models.JSONField(default=dict)
    https_redirect = models.BooleanField(default=False)
    hsts = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name_plural = "appliance settings"

    def __str__(self):
        return f"appliance settings, revision {self.revision}"

    @classmethod
    def current(cls):
        existing = cls.objects.filter(pk=cls.SINGLETON_ID).first()
        if existing is not None:
            return existing
        return cls(
            pk=cls.SINGLETON_ID,
            preload_models=list(getattr(settings, "ENGINE_PRELOAD", [])),
            device=_device_from_environment(),
            compute_types=_compute_types_from_environment(),
            idle_ttl_seconds=getattr(settings, "ENGINE_IDLE_TTL_SECONDS", 900),
        )

    def engine_settings(self):
        """What workers and live engines must apply (the broadcast payload); JSON-safe."""
        return {
            "revision": self.revision,
            "preload": list(self.preload_models),
            "device": self.device,
            "compute_types": dict(self.compute_types),
            "idle_ttl_seconds": self.idle_ttl_seconds,
            "memory_budget_mb": {key: int(value) for key, value in self.memory_budget_mb.items()},
        }

    def snapshot(self):
        """Everything an admin can change, for the before/after of an audit entry."""
        return {**self.engine_settings(), "https_redirect": self.https_redirect, "hsts": self.hsts}


def _device_from_environment():
    device = getattr(settings, "ENGINE_DEVICE", DEVICE_AUTO)
    return "cuda:0" if device == "cuda" else device


def _compute_types_from_environment():
    compute_type = getattr(settings, "ENGINE_COMPUTE_TYPE", "auto")
    return {} if compute_type == "auto" else {"*": compute_type}


class AuditLogEntry(models.Model):
    """One change made in the panel. The actor's name is copied so the entry outlives the user."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=64, db_index=True)  # "models.settings", "tls.apply", "user.create"...
    target = models.CharField(max_length=200, blank=True)  # what was changed: a user name, a model name
    summary = models.CharField(max_length=500, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    remote_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"

    def changed_keys(self):
        """The top-level keys whose value differs between before and after."""
        before, after = self.before or {}, self.after or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return []
        return sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))


class ModelOperation(models.Model):
    """Installing, importing or downloading a model in the web process's background.

    Runs on the web host on purpose: models live in this host's data dir, and a Celery task
    could land on a worker on another machine. The row is the state; a page reload recovers it.
    """

    class Kind(models.TextChoices):
        INSTALL_PACK = "install_pack", "Install from pack"
        IMPORT_ARCHIVE = "import_archive", "Import archive"
        DOWNLOAD_HUB = "download_hub", "Download from hub"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    model_name = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    message = models.TextField(blank=True)
    archive_path = models.CharField(max_length=500, blank=True)  # a staged upload, deleted when done
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    process_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.model_name}: {self.state}"

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    def to_dict(self):
        return {"id": self.pk, "kind": self.kind, "kind_label": self.get_kind_display(),
                "model_name": self.model_name, "state": self.state, "message": self.message,
                "finished": self.finished, "updated_at": self.updated_at.isoformat() if self.updated_at else None}


class LLMSettings(models.Model):
    """Where transcript clean-up and summaries are sent: any OpenAI-compatible chat endpoint. Off until
    an admin turns it on, so nothing leaves the appliance unasked. The API key is no column: it is
    kept like the appliance's other secrets (APPLIANCE_LLM_API_KEY[_FILE], or a 0600 file in the data
    dir written by the panel; appliance.panel.llm_settings)."""

    SINGLETON_ID = 1

    enabled = models.BooleanField(default=False)
    base_url = models.CharField(max_length=300, blank=True, default="", help_text='e.g. "http://10.0.0.5:11434/v1"')
    model = models.CharField(max_length=200, blank=True, default="")
    timeout_seconds = models.PositiveIntegerField(default=120)
    max_tokens = models.PositiveIntegerField(default=1024, help_text="the most tokens one answer may have")
    context_tokens = models.PositiveIntegerField(default=4096, help_text="the model's context window")
    # Automatic clean-up after transcription is skipped for these models (already accurate); a person can
    # still ask for it on the job page.
    skip_cleanup_models = models.CharField(max_length=300, blank=True, default="large-v2, large-v3, large-v3-turbo",
                                           help_text="comma-separated model names")
    custom_prompt_name = models.CharField(max_length=60, blank=True, default="")
    custom_prompt = models.TextField(blank=True, default="", help_text="an admin's own task, run on the transcript")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name_plural = "LLM settings"

    def __str__(self):
        return f"LLM settings ({'on' if self.enabled else 'off'})"

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=cls.SINGLETON_ID).first() or cls(pk=cls.SINGLETON_ID)

    def cleanup_skip_reason(self, model_name):
        """Why automatic clean-up does not run for a job of `model_name` ("" when it does)."""
        if model_name in {name.strip() for name in self.skip_cleanup_models.split(",")}:
            return f"{model_name} is accurate enough already (an admin listed it under Panel → LLM); ask for a clean-up below if you want one."
        return ""
