"""The job path (HTTP upload → queue → Celery worker → stored result) vs bare faster-whisper.

The appliance runs as `make run` starts it (embedded Redis, SQLite, daphne, the worker of the
chosen engine pipeline, with the model preloaded); the client uploads the same speech the bare
baseline transcribes, and the clock stops when the result is in the database. Runs alternate,
so drift hits both sides.
"""
import json
import os
import secrets
import shutil
import statistics
import time
from datetime import datetime
from pathlib import Path

from benchmarks.abtest import alternate, compare
from benchmarks.process import free_port
from benchmarks.speech import synthesize, wav_seconds
# The engine suite's speech (cached, so both suites measure the same recording) and its bare
# faster-whisper subject (a fresh process per run).
from benchmarks.suites.engine import cached_reference_speech, engine_settings, engine_subject, seconds_and_pairs
# The faster-engine suite's queue of 10 files of 10-60 s and its bare subject, file after file.
from benchmarks.suites.engine_fast import FULL as FAST_FULL
from benchmarks.suites.engine_fast import QUICK as FAST_QUICK
from benchmarks.suites.engine_fast import files_subject, pooled_wer, queue_files
from benchmarks.suites._jobs_client import JobsClient

NAME = "jobs"
DESCRIPTION = "Upload → queue → worker → result through the running appliance vs bare faster-whisper on the same speech."

MINIMUM_THROUGHPUT_RATIO, GOAL_THROUGHPUT_RATIO = 0.95, 0.97
QUEUE_GOAL_RATIO = 2.0  # the faster engine's goal for a queue of files (engine-fast suite)


class Appliance:
    """The appliance under test, started like `make run` in its own data dir."""

    def __init__(self, data_dir, settings, log, services=("web", "worker"), environment=None):
        from appliance.plumbing.run import Supervisor

        self.password = secrets.token_urlsafe(12)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.output = open(data_dir / "appliance.log", "wb")
        self.supervisor = Supervisor(data_dir, free_port(), output=self.output)
        self.supervisor.env.update(
            APPLIANCE_ADMIN_PASSWORD=self.password,
            APPLIANCE_PRELOAD_MODELS=settings["model"],
            APPLIANCE_DEFAULT_MODEL=settings["model"],
            APPLIANCE_CPU_THREADS=str(settings["threads"]),
            APPLIANCE_COMPUTE_TYPE=settings["compute_type"],
            APPLIANCE_DEVICE="cpu",
            APPLIANCE_ENGINE_PIPELINE=settings["pipeline"],
        )
        self.supervisor.env.update(environment or {})
        # Its own database and its own Redis, always: with the appliance's REDIS_URL its worker
        # would take the appliance's queued jobs and, finding no such row, drop them.
        for shared in ("DATABASE_URL", "REDIS_URL"):
            self.supervisor.env.pop(shared, None)
        self.services = list(services)
        self.log = log

    def __enter__(self):
        self.supervisor.start_redis()
        self.supervisor.prepare()
        self.supervisor.start_services(self.services)
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


def appliance_run_inputs(options, steps_per_pair, other_steps):
    """(seconds, pairs, engine settings, reference speech, a fresh data dir) for a suite that runs the appliance
    like the jobs suite; plans other_steps + steps_per_pair * pairs and counts the speech as the first."""
    seconds, pairs = seconds_and_pairs(options)
    # The job path has no beam knob (greedy). The pipeline is the appliance's default;
    # `--set pipeline=faster-whisper` measures the job path's own overhead around the same
    # engine as the baseline.
    settings = engine_settings(options, beam_size=1, pipeline=options.text("pipeline", "dynamic"))
    options.plan(other_steps + steps_per_pair * pairs)
    audio, _ = cached_reference_speech(options, seconds)
    options.advance("reference speech ready")
    data_dir = Path(os.environ.get("BENCHMARK_JOBS_DATA_DIR", "/tmp")) / f"wa-bench-{secrets.token_hex(3)}"
    return seconds, pairs, settings, audio, data_dir


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
        result = json.loads(client.require_transcribed(row)["result"])
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


def _job_queue_subject(appliance, files, settings):
    """Ten uploads back to back, as several users' files arrive; the clock stops at the last result."""
    client = appliance.client()

    def run():
        started = time.perf_counter()
        ids = [client.upload(path, {"model": settings["model"], "batch_size": settings["batch_size"]})["id"]
               for path, _ in files]
        finished = [client.wait_until_finished(job_id) for job_id in ids]
        rows = [row for _, row in finished]
        failed = [row for row in rows if row["status"] != "done"]
        if failed:
            raise RuntimeError(f"{len(failed)} queued job(s) did not finish: {failed[0]['error_message']}")
        results = [json.loads(client.require_transcribed(row)["result"]) for row in rows]
        seconds = max(moment for moment, _ in finished) - started
        audio_seconds = sum(result["duration"] for result in results)
        return {"throughput": audio_seconds / seconds, "transcribe_seconds": seconds,
                "wer": pooled_wer([text for _, text in files], [result["text"] for result in results])}

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
    # Steps: speech, appliance up, warm-up job, then the job pairs and the queue pairs.
    seconds, pairs, settings, audio, data_dir = appliance_run_inputs(options, steps_per_pair=4, other_steps=3)
    with Appliance(data_dir, settings, options.log) as appliance:
        options.advance("appliance up")
        subjects = {
            "job": _job_subject(appliance, audio, settings),
            "bare": engine_subject("bare", audio, settings, data_dir),
        }
        options.advance("warm-up job done")
        runs = alternate(subjects, pairs, log=options.log, advance=options.advance)
        queue_seconds = (FAST_QUICK if options.quick else FAST_FULL)["queue_seconds"]
        files = queue_files(options, options.work_dir / "engine-fast", queue_seconds)
        bare_settings = {**settings, "device": "cpu", "workers": 1}
        queue_subjects = {
            "jobs": _job_queue_subject(appliance, files, settings),
            "bare": files_subject("bare", files, bare_settings, options.work_dir / "engine-fast" / "data"),
        }
        queue_runs = alternate(queue_subjects, pairs, log=lambda message: options.log(f"queue: {message}"),
                               advance=lambda what: options.advance(f"queue: {what}"))
    queue = _queue_comparison(queue_runs)
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
            "queue_files": len(files),
            "queue_audio_seconds": round(sum(wav_seconds(path) for path, _ in files), 1),
            "queue_throughput_x_realtime_jobs_bare": f"{queue['throughput']['jobs_median']:.1f} / {queue['throughput']['bare_median']:.1f}",
            "queue_throughput_ratio_jobs_to_bare": round(queue["throughput"]["median_pair_ratio"], 4),
            "queue_wer_jobs_bare": f"{queue['wer']['jobs']:.4f} / {queue['wer']['bare']:.4f}",
        },
        "checks": [
            {"name": f"job path throughput >= {MINIMUM_THROUGHPUT_RATIO}x bare", "passed": ratio >= MINIMUM_THROUGHPUT_RATIO,
             "detail": f"median pair ratio {ratio:.3f} (pairs: {throughput['pair_ratios']})"},
            {"name": f"goal: job path throughput >= {GOAL_THROUGHPUT_RATIO}x bare", "passed": ratio >= GOAL_THROUGHPUT_RATIO,
             "detail": f"median pair ratio {ratio:.3f}"},
        ] + _queue_checks(queue, settings["pipeline"]),  # fmt: skip
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
            {"title": "Queue of uploads (alternated)", "columns": ["pair", "subject", "throughput (x real time)", "seconds", "WER"],
             "rows": [[f["pair"], f["label"], round(f["throughput"], 2), round(f["transcribe_seconds"], 2), round(f["wer"], 4)]
                      for f in queue_runs]},  # fmt: skip
        ],
        "settings": {**settings, "seconds_requested": seconds, "pairs": pairs, "device": "cpu", "vad": True},
        "notes": [
            "Job: seconds from the start of the HTTP upload until the finished row is in the database "
            "(read directly, 20 ms apart, so the measuring adds no load to the server).",
            "Bare: faster-whisper BatchedInferencePipeline decode + VAD + inference in a fresh process, model already loaded.",
            "The worker has the model preloaded (APPLIANCE_PRELOAD_MODELS), as on an appliance.",
            "Queue: the engine-fast suite's 10 files of 10-60 s uploaded one after the other, until the last result "
            "is stored; bare transcribes them file after file in a fresh process (a one-job worker).",
        ],
    }


def _queue_comparison(queue_runs):
    return {
        "throughput": compare(queue_runs, "throughput", "jobs", "bare"),
        "wer": {side: statistics.median(run["wer"] for run in queue_runs if run["label"] == side) for side in ("jobs", "bare")},
    }


def _queue_checks(queue, pipeline):
    if pipeline != "dynamic":  # one job at a time: nothing is pooled, nothing to check
        return []
    ratio = queue["throughput"]["median_pair_ratio"]
    return [
        {"name": f"goal: a queue of uploads >= {QUEUE_GOAL_RATIO}x bare (pooled jobs)", "passed": ratio >= QUEUE_GOAL_RATIO,
         "detail": f"median pair ratio {ratio:.3f} (pairs: {queue['throughput']['pair_ratios']})"},
        {"name": "queue WER within 0.5 points of bare", "passed": queue["wer"]["jobs"] <= queue["wer"]["bare"] + 0.005,
         "detail": f"{queue['wer']['jobs']:.4f} vs {queue['wer']['bare']:.4f}"},
    ]
