"""`python -m benchmarks run --suite jobs --quick` on the machine of a running appliance, started from a
shell that has the appliance's environment (its REDIS_URL, database and data dir), as an admin would.

The suite starts an appliance of its own to measure. Its worker must listen on a Redis of its own:
on the appliance's queue it would take a staff upload's message, find no such row in its own
database and drop it, leaving the staff job queued forever. So the staff upload is made while the
benchmark's appliance runs and no appliance worker is up (the message waits in the appliance's
queue the whole time); afterwards the appliance's worker starts and the job must finish with its
transcript."""
import json
import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings
from servers import process_environment
from waiting import wait_until

from appliance.jobs.models import Transcription
from benchmarks.process import (
    REPOSITORY_ROOT,
    RUN_MARKER,
    marked_processes,
    reap_marked,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

MARKER = "jobs-benchmark-beside-the-appliance"


def test_a_quick_jobs_benchmark_does_not_take_a_staff_upload(staff_client, speech_wav, speech_keywords,
                                                             worker_process, tmp_path):
    log_path, result_path = tmp_path / "benchmark.log", tmp_path / "jobs.json"
    environment = process_environment(settings.DATA_DIR, **{RUN_MARKER: MARKER})
    assert environment["REDIS_URL"] == settings.REDIS_URL  # the appliance's queue is right there
    with open(log_path, "wb") as log:
        benchmark = subprocess.Popen(
            [sys.executable, "-m", "benchmarks", "run", "--suite", "jobs", "--quick", "--json", str(result_path),
             "--work-dir", str(tmp_path / "work")],
            cwd=REPOSITORY_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: b"appliance up at" in log_path.read_bytes() or benchmark.poll() is not None, 300,
                  "the benchmark's appliance starting")
        with open(speech_wav, "rb") as audio:
            upload = staff_client.post("/api/jobs/", {"files": audio}, HTTP_ACCEPT="application/json")
        assert upload.status_code == 201
        job = Transcription.objects.get(public_id=upload.json()["jobs"][0]["id"])

        benchmark.wait(900)
        output = log_path.read_text(errors="replace")
        assert benchmark.returncode in (0, 1), output[-3000:]  # 1: a performance check missed on a busy machine
        figures = json.loads(result_path.read_text())["summary"]
        assert figures["job_throughput_x_realtime"] > 0 and figures["queue_files"] == 3
        assert marked_processes(MARKER) == []  # the suite's appliance stopped with it
        job.refresh_from_db()
        assert job.status == "queued" and job.attempts == 0, "the benchmark's worker took the staff job"

        worker_process(name="appliance-worker")
        wait_until(lambda: job.refresh_from_db() or job.is_finished, 180, "the staff job finishing")
        assert job.status == "done", job.error_message
        transcript = staff_client.get(f"/api/jobs/{job.public_id}/download/txt").content.decode().lower()
        assert any(keyword in transcript for keyword in speech_keywords)
    finally:
        if benchmark.poll() is None:
            os.killpg(benchmark.pid, signal.SIGTERM)
            benchmark.wait(60)
        reap_marked(MARKER)
