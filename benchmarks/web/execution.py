"""Running a benchmark run from its Celery task: claim it, run its suites one child process after
another (benchmarks.web.suite_process), keep the row's progress and heartbeat current, and stop on
a cancel, at the time limit or when the worker shuts down, ending every process the suites started.

Runs whose worker is gone are marked failed (and their leftover processes ended) when a worker
starts and whenever the page looks at them, so nothing stays "running" forever.
"""
import logging
import os
import shutil
import socket
import threading
import time
import traceback
import uuid
from datetime import timedelta

import psutil
from django.utils import timezone

from appliance.runtime.presence import process_identity
from benchmarks.machine import describe_machine
from benchmarks.process import reap_marked
from benchmarks.web.models import REFERENCE_AUDIO_LABEL, BenchmarkRun
from benchmarks.web.suite_process import SuiteProcess

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 10
# A run on another host whose heartbeat is older than this is dead (on this host: its pid tells).
STALE_AFTER_SECONDS = 120
QUICK_TIME_LIMIT_MINUTES, FULL_TIME_LIMIT_MINUTES = 30, 240

# Set when this worker begins to shut down: running suites stop at once instead of holding the
# shutdown (and their servers) hostage until they finish.
worker_stopping = threading.Event()


class RunStopped(Exception):
    """The run must end now; the message says why and .status which state it ends in."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def default_time_limit_minutes(quick):
    return QUICK_TIME_LIMIT_MINUTES if quick else FULL_TIME_LIMIT_MINUTES


def claim(run_id):
    """queued → running, once: a second delivery of the same task finds nothing to do."""
    claimed = BenchmarkRun.objects.filter(pk=run_id, status=BenchmarkRun.Status.QUEUED, cancel_requested=False).update(
        status=BenchmarkRun.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), progress=0.0,
        worker=process_identity(), process_marker=f"benchmark-{uuid.uuid4().hex}")
    return BenchmarkRun.objects.filter(pk=run_id).first() if claimed else None


def execute(run, work_dir, audio_suites):
    """Run the suites one after another, saving after each so the page shows the progress."""
    run.machine = describe_machine()
    run.save(update_fields=["machine"])
    deadline = run.started_at + timedelta(seconds=run.time_limit_seconds)
    try:
        for index, name in enumerate(run.suites):
            params = dict(run.params) if name in audio_suites else {}
            result = _run_suite(run, index, name, params, work_dir, deadline)
            result["audio"] = run.audio_label if name in audio_suites else REFERENCE_AUDIO_LABEL
            run.results = {**run.results, name: result}
            run.progress = (index + 1) / len(run.suites)
            run.current_step = ""
            if not BenchmarkRun.objects.filter(pk=run.pk).exists():
                return  # deleted while running: nothing left to report to
            run.save(update_fields=["results", "progress", "current_step"])
    except RunStopped as stopped:
        _end(run, stopped.status, str(stopped))
        return
    errors = run.suite_errors()
    if errors and len(errors) == len(run.suites):
        _end(run, BenchmarkRun.Status.FAILED,
             "every suite failed: " + "; ".join(f"{name}: {text}" for name, text in errors.items()))
    else:
        _end(run, BenchmarkRun.Status.DONE, "")


def _run_suite(run, index, name, params, work_dir, deadline):
    run.current_suite, run.current_step = name, "starting"
    run.save(update_fields=["current_suite", "current_step"])
    suite = SuiteProcess(name, run.quick, params, work_dir, run.process_marker).start()
    try:
        last_beat = 0.0
        while suite.running():
            reason = _stop_reason(run, deadline)
            if reason:
                raise reason
            fraction, step = suite.progress()
            progress = (index + fraction) / len(run.suites)
            if progress != run.progress or step != run.current_step or time.monotonic() - last_beat > HEARTBEAT_SECONDS:
                last_beat = time.monotonic()
                run.progress, run.current_step, run.heartbeat_at = progress, step, timezone.now()
                BenchmarkRun.objects.filter(pk=run.pk).update(progress=progress, current_step=step,
                                                              heartbeat_at=run.heartbeat_at)
            worker_stopping.wait(POLL_SECONDS)
        reason = _stop_reason(run, deadline)  # the worker's stop may be what ended the suite
        if reason:
            raise reason
        try:
            return suite.result()
        except Exception as error:  # one broken suite must not lose the others' results
            logger.warning("benchmark run %s: suite %s failed: %s", run.pk, name, error)
            return {"suite": name, "error": f"{type(error).__name__}: {error}",
                    "traceback": traceback.format_exc(limit=5)}
    finally:
        suite.stop()
        shutil.rmtree(suite.directory, ignore_errors=True)


WORKER_STOPPED = "The worker stopped while this run was running; start it again."


def _stop_reason(run, deadline):
    if worker_stopping.is_set():
        return RunStopped(WORKER_STOPPED, BenchmarkRun.Status.FAILED)
    row = BenchmarkRun.objects.filter(pk=run.pk).values("status", "error", "cancel_requested").first()
    if row is None:
        return RunStopped("Deleted while running.", BenchmarkRun.Status.FAILED)
    if row["status"] != BenchmarkRun.Status.RUNNING:
        # Ended from outside: a stopping worker's main process (this task may run in a pool child
        # that never hears of the stop) or the stale-run sweep. Its verdict stands.
        return RunStopped(row["error"], row["status"])
    if timezone.now() > deadline:
        limit = run.time_limit_seconds
        return RunStopped(f"Stopped at the time limit of {limit // 60} minutes." if limit >= 60 else
                          f"Stopped at the time limit of {limit} seconds.", BenchmarkRun.Status.FAILED)
    if row["cancel_requested"]:
        return RunStopped("Cancelled.", BenchmarkRun.Status.CANCELLED)
    return None


def _end(run, status, error):
    BenchmarkRun.objects.filter(pk=run.pk).update(status=status, error=error, finished_at=timezone.now(),
                                                  current_suite="", current_step="")


def fail(run_id, error):
    run = BenchmarkRun.objects.filter(pk=run_id).first()
    if run is not None and run.process_marker:
        reap_marked(run.process_marker)
    _end(BenchmarkRun(pk=run_id), BenchmarkRun.Status.FAILED, error)


def cancel(run):
    """Queued: cancelled at once. Running: the task stops it within a second or two."""
    if run.is_finished:
        return False
    BenchmarkRun.objects.filter(pk=run.pk, status=BenchmarkRun.Status.QUEUED).update(
        status=BenchmarkRun.Status.CANCELLED, cancel_requested=True, error="Cancelled before it started.",
        finished_at=timezone.now())
    BenchmarkRun.objects.filter(pk=run.pk).update(cancel_requested=True)
    return True


def _worker_is_alive(run):
    host, _, pid = run.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            return psutil.Process(int(pid)).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False
    fresh_since = timezone.now() - timedelta(seconds=STALE_AFTER_SECONDS)
    return run.heartbeat_at is not None and run.heartbeat_at > fresh_since


def fail_stale_runs():
    """Mark failed the running runs whose worker is gone, after ending what their suites left running."""
    stale = [run for run in BenchmarkRun.objects.filter(status=BenchmarkRun.Status.RUNNING)
             if not _worker_is_alive(run)]
    for run in stale:
        logger.warning("benchmark run %s: its worker %s is gone, marking it failed", run.pk, run.worker)
        if run.process_marker and run.worker.rpartition(":")[0] == socket.gethostname():
            reap_marked(run.process_marker)
        BenchmarkRun.objects.filter(pk=run.pk, status=BenchmarkRun.Status.RUNNING).update(
            status=BenchmarkRun.Status.FAILED, finished_at=timezone.now(), current_suite="", current_step="",
            error="The worker running this benchmark stopped before it finished; start it again.")
    return [run.pk for run in stale]


def stop_local_runs():
    """The worker is shutting down: end this host's running runs and every process their suites started."""
    worker_stopping.set()
    # This process (threads pool) and its pool children (prefork): another worker on this host
    # keeps its runs.
    own = {f"{socket.gethostname()}:{pid}"
           for pid in (os.getpid(), *(child.pid for child in psutil.Process().children(recursive=True)))}
    for run in BenchmarkRun.objects.filter(status=BenchmarkRun.Status.RUNNING, worker__in=own).exclude(process_marker=""):
        _end(run, BenchmarkRun.Status.FAILED, WORKER_STOPPED)
        reap_marked(run.process_marker)
