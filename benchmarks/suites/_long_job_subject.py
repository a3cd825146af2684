"""The job-path side of the `long` suite: one upload to a running appliance, timed to the stored
result, with the worker's peak RSS and the moment the row first shows progress."""
import json
import os
import secrets
import time
from pathlib import Path

from benchmarks.speech import synthesize
from benchmarks.suites.engine_fast import pooled_wer
from benchmarks.suites.jobs import Appliance

POLL_SECONDS = 0.05


def running_appliance(options, settings):
    data_dir = Path(os.environ.get("BENCHMARK_JOBS_DATA_DIR", "/tmp")) / f"wa-bench-long-{secrets.token_hex(3)}"
    return Appliance(data_dir, settings, options.log)


def _worker_pid(appliance):
    return appliance.supervisor.children["worker"].pid


def _reset_peak_rss(pid):
    """Linux: writing 5 to clear_refs resets VmHWM, so each run sees its own peak."""
    with open(f"/proc/{pid}/clear_refs", "w") as handle:
        handle.write("5")


def _peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc status")


def job_subject(appliance, path, text, settings):
    client = appliance.client()
    # One short job first: a long-running appliance has its imports done and its worker warm.
    warm_up = synthesize("Warming up the appliance.", appliance.supervisor.data_dir / "warm-up.wav")
    client.wait_until_finished(client.upload(warm_up, {"model": settings["model"]})["id"])

    def run():
        pid = _worker_pid(appliance)
        _reset_peak_rss(pid)
        started = time.perf_counter()
        job = client.upload(path, {"model": settings["model"], "batch_size": settings["batch_size"]})
        first_progress = None
        while True:
            row = client.row(job["id"])
            if first_progress is None and (row["progress"] or 0) > 0:
                first_progress = time.perf_counter()
            if row["status"] in ("done", "failed", "cancelled"):
                finished = time.perf_counter()
                break
            time.sleep(POLL_SECONDS)
        if row["status"] != "done":
            raise RuntimeError(f"the job ended {row['status']}: {row['error_message']}")
        result = json.loads(client.require_transcribed(row)["result"])
        return {
            "throughput": result["duration"] / (finished - started),
            "transcribe_seconds": finished - started,
            "first_segment_seconds": (first_progress or finished) - started,
            "peak_rss_mb": _peak_rss_mb(pid),
            "wer": pooled_wer([text], [result["text"]]),
        }

    return run
