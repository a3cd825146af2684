"""One row per benchmark run: what was asked for, how far it got, and every suite's result."""
from django.conf import settings
from django.db import models

REFERENCE_AUDIO_LABEL = "reference speech (espeak-ng)"


class BenchmarkRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    suites = models.JSONField(default=list)  # suite names, in the order they run
    quick = models.BooleanField(default=False)
    params = models.JSONField(default=dict, blank=True)  # SuiteOptions.params (e.g. the uploaded audio's path)
    audio_label = models.CharField(max_length=300, default=REFERENCE_AUDIO_LABEL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)  # 0..1: suites done plus the running suite's share of its steps
    current_suite = models.CharField(max_length=64, blank=True)
    current_step = models.CharField(max_length=200, blank=True)  # the running suite's last step, in words
    time_limit_seconds = models.PositiveIntegerField(default=30 * 60)  # the whole run; past it, it is stopped
    cancel_requested = models.BooleanField(default=False)
    # Who runs it: the suites run as child processes whose environment carries process_marker, so
    # a cancel, a timeout, a worker stop or the next start-up can find and end every one of them.
    worker = models.CharField(max_length=255, blank=True)
    process_marker = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    results = models.JSONField(default=dict, blank=True)  # {suite: runner result, or {"error": text}}
    machine = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="benchmark_runs")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"benchmark run {self.pk} ({', '.join(self.suites)}, {self.status})"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)

    def suite_results(self):
        """Results of the suites that produced figures, in the order they were asked for."""
        return [self.results[name] for name in self.suites
                if name in self.results and "error" not in self.results[name]]

    def suite_errors(self):
        return {name: result["error"] for name, result in self.results.items() if "error" in result}
