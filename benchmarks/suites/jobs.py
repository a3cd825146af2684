"""The job path (HTTP upload → queue → Celery worker → stored result) vs bare faster-whisper.

The appliance runs as `make run` starts it (embedded Redis, SQLite, daphne, one prefork worker
with the model preloaded); the client uploads the same speech the bare baseline transcribes, and
the clock stops when the result is in the database. Runs alternate, so drift hits both sides.
"""
import json
import os
import secrets
import shutil
import socket
import statistics
import time
from datetime import datetime
from pathlib import Path

from benchmarks.abtest import alternate, compare
from benchmarks.machine import usable_cores
from benchmarks.speech import synthesize, wav_seconds
# The engine suite's speech (cached, so both suites measure the same recording) and its bare
# faster-whisper subject (a fresh process per run).
from benchmarks.suites.engine import _speech as reference_speech_file
from benchmarks.suites.engine import _subject as fresh_process_subject
from benchmarks.suites._jobs_client import JobsClient

NAME = "jobs"
DESCRIPTION = "Upload → queue → worker → result through the running appliance vs bare faster-whisper on the same speech."

MINIMUM_THROUGHPUT_RATIO, GOAL_THROUGHPUT_RATIO = 0.95, 0.97
FULL_SECONDS, QUICK_SECONDS = 330.0, 20.0
FULL_PAIRS, QUICK_PAIRS = 3, 1


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Appliance:
    """The appliance under test, started like `make run` in its own data dir."""

    def __init__(self, data_dir, settings, log):
        from appliance.run import Supervisor

        self.password = secrets.token_urlsafe(12)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.output = open(data_dir / "appliance.log", "wb")
        self.supervisor = Supervisor(data_dir, _free_port(), output=self.output)
        self.supervisor.env.update(
            APPLIANCE_ADMIN_PASSWORD=self.password,
            APPLIANCE_PRELOAD_MODELS=settings["model"],
            APPLIANCE_DEFAULT_MODEL=settings["model"],
            APPLIANCE_CPU_THREADS=str(settings["threads"]),
            APPLIANCE_COMPUTE_TYPE=settings["compute_type"],
            APPLIANCE_DEVICE="cpu",
        )
        self.supervisor.env.pop("DATABASE_URL", None)
        self.log = log

    def __enter__(self):
        self.supervisor.start_redis()
        self.supervisor.prepare()
        self.supervisor.start_services(["web", "worker"])
        self.supervisor.wait_until_healthy()
        self.log(f"appliance up at {self.supervisor.url}")
        return self

    def __exit__(self, exc_type, *exc_info):
        self.supervisor.stop()
        self.output.close()
        if exc_type is None:  # on failure the data dir and appliance.log stay for a look
            shutil.rmtree(self.supervisor.data_dir, ignore_errors=True)

    def client(self):
        client = JobsClient(self.supervisor.url, self.supervisor.data_dir / "db.sqlite3")
        client.login("admin", self.password)
        return client


def _moment(text):
    return datetime.fromisoformat(text).timestamp() if text else None


def _job_subject(appliance, audio, settings):
    client = appliance.client()
    # One short job first: a long-running appliance has its imports done and its worker warm.
    warm_up = synthesize("Warming up the appliance.", appliance.supervisor.data_dir / "warm-up.wav")
    client.wait_until_finished(client.upload(warm_up, {"model": settings["model"]})["id"])

    def run():
        started = time.perf_counter()
        job = client.upload(audio, {"model": settings["model"], "batch_size": settings["batch_size"]})
        uploaded = time.perf_counter()
        finished, row = client.wait_until_finished(job["id"])
        if row["status"] != "done":
            raise RuntimeError(f"the job ended {row['status']}: {row['error_message']}")
        result = json.loads(row["result"])
        created, began, ended = _moment(row["created_at"]), _moment(row["started_at"]), _moment(row["finished_at"])
        engine = result["timings"]
        return {
            "audio_seconds": result["duration"],
            "transcribe_seconds": finished - started,
            "upload_seconds": uploaded - started,
            "queue_seconds": began - created,
            "engine_decode_seconds": engine["decode_seconds"],
            "engine_inference_seconds": engine["inference_seconds"],
            "engine_model_seconds": engine["model_load_seconds"],
            "worker_seconds": ended - began,
            "text": result["text"],
        }

    return run


STAGES = (
    ("HTTP upload, probe, completeness check, store, enqueue", "upload"),
    ("queue: row created → worker claimed it", "queue"),
    ("worker around the engine: claim, monitor thread, progress saves/pushes, result save", "worker_wrap"),
    ("engine: decode + model acquire + inference (the bare work)", "engine"),
    # Stages can overlap by milliseconds (the worker may claim the job before the upload's HTTP
    # answer arrives), so the remainder may be slightly negative.
    ("remainder: result noticed by the client after the row was saved", "remainder"),
)


def _stages(run):
    engine = run["engine_decode_seconds"] + run["engine_inference_seconds"] + run["engine_model_seconds"]
    accounted = run["upload_seconds"] + run["queue_seconds"] + run["worker_seconds"]
    return {
        "upload": run["upload_seconds"],
        "queue": run["queue_seconds"],
        "worker_wrap": run["worker_seconds"] - engine,
        "engine": engine,
        "remainder": run["transcribe_seconds"] - accounted,
    }


def _overhead_rows(job_runs):
    """Median seconds of each stage of the job path (per run, then the median), and its share."""
    stages = [_stages(run) for run in job_runs]
    total = statistics.median(run["transcribe_seconds"] for run in job_runs)
    rows = []
    for label, key in STAGES:
        seconds = statistics.median(stage[key] for stage in stages)
        rows.append([label, round(seconds, 3), f"{100 * seconds / total:.1f} %"])
    return rows


def run(options):
    seconds = options.number("seconds", QUICK_SECONDS if options.quick else FULL_SECONDS)
    pairs = options.number("pairs", QUICK_PAIRS if options.quick else FULL_PAIRS)
    settings = {
        "model": options.text("model", "tiny.en"),
        "compute_type": options.text("compute_type", "int8"),
        "threads": options.number("threads", usable_cores()),
        "batch_size": options.number("batch_size", 8),
        "beam_size": 1,
    }
    audio, _ = reference_speech_file(options, seconds)
    data_dir = Path(os.environ.get("BENCHMARK_JOBS_DATA_DIR", "/tmp")) / f"wa-bench-{secrets.token_hex(3)}"
    with Appliance(data_dir, settings, options.log) as appliance:
        subjects = {
            "job": _job_subject(appliance, audio, settings),
            "bare": fresh_process_subject("bare", audio, settings, data_dir),
        }
        runs = alternate(subjects, pairs, log=options.log)
    for figures in runs:
        figures["throughput"] = figures["audio_seconds"] / figures["transcribe_seconds"]
        figures.pop("text", None)
    throughput = compare(runs, "throughput", "job", "bare")
    ratio = throughput["median_pair_ratio"]
    job_runs = [figures for figures in runs if figures["label"] == "job"]
    return {
        "summary": {
            "audio_minutes": round(wav_seconds(audio) / 60, 2),
            "job_throughput_x_realtime": round(throughput["job_median"], 2),
            "bare_throughput_x_realtime": round(throughput["bare_median"], 2),
            "throughput_ratio_job_to_bare": round(ratio, 4),
            "job_overhead_seconds": round(
                statistics.median(run["transcribe_seconds"] - _stages(run)["engine"] for run in job_runs), 3
            ),
        },
        "checks": [
            {"name": f"job path throughput >= {MINIMUM_THROUGHPUT_RATIO}x bare", "passed": ratio >= MINIMUM_THROUGHPUT_RATIO,
             "detail": f"median pair ratio {ratio:.3f} (pairs: {throughput['pair_ratios']})"},
            {"name": f"goal: job path throughput >= {GOAL_THROUGHPUT_RATIO}x bare", "passed": ratio >= GOAL_THROUGHPUT_RATIO,
             "detail": f"median pair ratio {ratio:.3f}"},
        ],  # fmt: skip
        "tables": [
            {
                "title": "Runs (alternated)",
                "columns": ["pair", "order", "subject", "throughput (x real time)", "seconds", "upload s", "worker s"],
                "rows": [
                    [f["pair"], f["position"], f["label"], round(f["throughput"], 2), round(f["transcribe_seconds"], 2),
                     round(f.get("upload_seconds", 0), 3), round(f.get("worker_seconds", 0), 3)]
                    for f in runs
                ],  # fmt: skip
            },
            {"title": "Where the job path's time goes (medians)", "columns": ["stage", "seconds", "share"],
             "rows": _overhead_rows(job_runs)},  # fmt: skip
        ],
        "settings": {**settings, "seconds_requested": seconds, "pairs": pairs, "device": "cpu", "vad": True},
        "notes": [
            "Job: seconds from the start of the HTTP upload until the finished row is in the database "
            "(read directly, 20 ms apart, so the measuring adds no load to the server).",
            "Bare: faster-whisper BatchedInferencePipeline decode + VAD + inference in a fresh process, model already loaded.",
            "The worker has the model preloaded (APPLIANCE_PRELOAD_MODELS), as on an appliance.",
        ],
    }
