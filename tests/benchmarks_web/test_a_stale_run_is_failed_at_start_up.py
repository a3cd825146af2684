"""A run left "running" by a worker that died (SIGKILL, a crashed container) is marked failed when a
worker starts, and the processes its suite left behind are ended; a run whose worker lives stays."""
import os
import socket
import subprocess
import sys

import pytest
from django.utils import timezone
from waiting import wait_until

from benchmarks.process import RUN_MARKER
from benchmarks.web.models import BenchmarkRun

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _dead_pid():
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


def test_a_worker_start_fails_runs_of_a_dead_worker_and_reaps_their_leftovers(admin_user, worker_process):
    marker = "benchmark-leftover-test"
    leftover = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True,
                                env={**os.environ, RUN_MARKER: marker})
    try:
        stale = BenchmarkRun.objects.create(suites=["jobs"], status="running", started_at=timezone.now(),
                                            heartbeat_at=timezone.now(), worker=f"{socket.gethostname()}:{_dead_pid()}",
                                            process_marker=marker, created_by=admin_user)
        alive = BenchmarkRun.objects.create(suites=["jobs"], status="running", started_at=timezone.now(),
                                            heartbeat_at=timezone.now(), worker=f"{socket.gethostname()}:{os.getpid()}",
                                            created_by=admin_user)

        worker_process(name="bench-start")

        wait_until(lambda: leftover.poll() is not None, 30, "the leftover process ending")
        stale.refresh_from_db()
        alive.refresh_from_db()
        assert stale.status == "failed" and "stopped before it finished" in stale.error
        assert alive.status == "running"
    finally:
        if leftover.poll() is None:
            leftover.kill()
            leftover.wait()
