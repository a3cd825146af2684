"""While a job runs: notice a cancel request quickly, prove the attempt is alive, report progress.

The engine checks the cancel Event at batch boundaries; a daemon thread polls the row for
cancel_requested (or the row being deleted) once a second and refreshes heartbeat_at, so the
orphan sweep can tell this attempt from a dead one even when a batch takes minutes.
"""
import logging
import threading
import time

from django.db import connection
from django.utils import timezone

from appliance.jobs import partial_transcript
from appliance.jobs.models import Status, Transcription
from appliance.jobs.progress import publish_job

logger = logging.getLogger(__name__)

CANCEL_POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 10.0
PROGRESS_SAVE_SECONDS = 1.0


class JobMonitor:
    def __init__(self, job):
        self.job = job
        self.cancel = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name=f"job-{job.pk}-monitor", daemon=True)
        self._last_saved = 0.0
        self._pending_segments = []
        self._segment_count = 0

    def __enter__(self):
        partial_transcript.forget(self.job.pk)
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stopped.set()
        self._thread.join()
        partial_transcript.forget(self.job.pk)

    def _watch(self):
        last_heartbeat = time.monotonic()
        try:
            while not self._stopped.wait(CANCEL_POLL_SECONDS):
                row = Transcription.objects.filter(pk=self.job.pk).values("cancel_requested", "status").first()
                if row is None or row["cancel_requested"] or row["status"] != Status.RUNNING:
                    self.cancel.set()
                if time.monotonic() - last_heartbeat >= HEARTBEAT_SECONDS:
                    Transcription.objects.filter(pk=self.job.pk).update(heartbeat_at=timezone.now())
                    last_heartbeat = time.monotonic()
        except Exception:
            logger.exception("monitor of job %s stopped", self.job.pk)
        finally:
            connection.close()

    def progress(self, fraction, new_segments):
        """The engine's progress callback: saved and pushed at most once a second."""
        for segment in new_segments:
            self._pending_segments.append(
                {"index": self._segment_count, "start": segment.start, "end": segment.end, "text": segment.text}
            )
            self._segment_count += 1
        now = time.monotonic()
        if now - self._last_saved < PROGRESS_SAVE_SECONDS and fraction < 1.0:
            return
        self._last_saved = now
        self.job.progress = max(0.0, min(1.0, float(fraction)))
        self.job.heartbeat_at = timezone.now()
        Transcription.objects.filter(pk=self.job.pk, status=Status.RUNNING).update(
            progress=self.job.progress, heartbeat_at=self.job.heartbeat_at
        )
        segments, self._pending_segments = self._pending_segments, []
        partial_transcript.append(self.job.pk, segments)
        publish_job(self.job, segments)
