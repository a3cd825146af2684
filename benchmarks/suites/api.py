"""APIs: latency of the job list, job status and /v1/models under concurrent clients, and what a
/v1/audio/transcriptions call costs on top of the bare engine for the same short file.

Runs the real processes (daphne, one prefork Celery worker, redis-server) on a scratch data dir,
authenticated with an API token made by `manage.py create_api_token`, as a program would be.
"""
import http.client
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.abtest import alternate, compare
from benchmarks.speech import synthesize, wav_seconds
from benchmarks.suites.panel import REPOSITORY_ROOT, Appliance

NAME = "api"
DESCRIPTION = ("p50/p95 latency of the job list, job status and /v1/models under 20 concurrent API-token clients, "
               "and the overhead of /v1/audio/transcriptions over the bare engine on the same short file.")

CLIENTS = 20
FULL_REQUESTS, QUICK_REQUESTS = 50, 10  # per client and endpoint
FULL_JOBS, QUICK_JOBS = 100, 20  # finished jobs in the owner's list
FULL_PAIRS, QUICK_PAIRS = 5, 2
MAX_P95_MS = 100
SHORT_SPEECH = ("Please send the report to the office before five o'clock. "
                "We will meet in the small room on the second floor.")
SEED_JOBS = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from appliance.jobs.models import Status, Transcription
owner = get_user_model().objects.get(username="admin")
segments = [{"id": n, "start": n * 2.0, "end": n * 2.0 + 1.8, "text": " Sentence number %d." % n} for n in range(30)]
Transcription.objects.bulk_create([
    Transcription(owner=owner, original_name="seeded-%d.wav" % n, audio="seeded.wav", model_name="tiny.en",
                  status=Status.DONE, progress=1.0, duration_seconds=60.0, processing_seconds=2.0,
                  real_time_factor=0.033, finished_at=timezone.now(),
                  result={"text": "", "segments": segments, "language": "en", "duration": 60.0})
    for n in range(JOB_COUNT)
])
print(Transcription.objects.order_by("id").values_list("public_id", flat=True).first())
"""


def _manage(appliance, *arguments):
    completed = subprocess.run([sys.executable, "manage.py", *arguments], cwd=REPOSITORY_ROOT, env=appliance.env,
                               check=True, capture_output=True, text=True)
    return completed.stdout.strip().splitlines()[-1]


def _client_latencies(base_url, path, token, requests, latencies, failures):
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    try:
        for _ in range(requests):
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            latencies.append(time.perf_counter() - started)
            if response.status != 200:
                failures.append(response.status)
    finally:
        connection.close()


def measure_endpoint(base_url, path, token, clients, requests):
    """Latencies (seconds) of `clients` threads each sending `requests` GETs on a kept-alive connection."""
    latencies, failures = [], []
    threads = [threading.Thread(target=_client_latencies, args=(base_url, path, token, requests, latencies, failures))
               for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "failures": len(failures),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[max(0, int(round(0.95 * len(ordered))) - 1)], 1),
        "max_ms": round(1000 * ordered[-1], 1),
        "requests_per_second": round(len(ordered) / wall, 1),
    }


def _api_subject(base_url, token, audio):
    import openai

    client = openai.OpenAI(api_key=token, base_url=f"{base_url}/v1", max_retries=0, timeout=300)

    def run():
        started = time.perf_counter()
        with open(audio, "rb") as handle:
            client.audio.transcriptions.create(file=handle, model="tiny.en")
        return {"seconds": time.perf_counter() - started}

    return run


def _engine_subject(data_dir, audio):
    from appliance.engine import EngineConfig, ModelManager, TranscriptionOptions, transcribe

    manager = ModelManager(EngineConfig(data_dir=data_dir, device="cpu", preload=("tiny.en",)))
    manager.preload()

    def run():
        started = time.perf_counter()
        transcribe(manager, str(audio), TranscriptionOptions(model="tiny.en"))
        return {"seconds": time.perf_counter() - started}

    return run


def _wait_for_worker(base_url, token, audio, log):
    """One call first: the worker loads its model at start, which is not what is measured."""
    log("waiting for the worker's first transcription")
    _api_subject(base_url, token, audio)()


def run(options):
    clients = options.number("clients", CLIENTS)
    requests = options.number("requests", QUICK_REQUESTS if options.quick else FULL_REQUESTS)
    jobs = options.number("jobs", QUICK_JOBS if options.quick else FULL_JOBS)
    pairs = options.number("pairs", QUICK_PAIRS if options.quick else FULL_PAIRS)
    root = Path(options.work_dir) / NAME
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    options.plan(2 + 3 + 1 + 2 * pairs)  # speech, appliance up, three endpoints, first job, the pairs
    audio = synthesize(SHORT_SPEECH, root / "short.wav")
    options.advance("speech ready")
    with Appliance(root, options.log) as appliance:
        options.advance("appliance up")
        token = _manage(appliance, "create_api_token", "admin", "--name", "benchmark")
        job_id = _seed(appliance, jobs)
        endpoints = {"job list": "/api/jobs/", "job status": f"/api/jobs/{job_id}/", "models": "/v1/models"}
        latency = {}
        for label, path in endpoints.items():
            measure_endpoint(appliance.base_url, path, token, 2, 3)  # warm caches and connections
            latency[label] = measure_endpoint(appliance.base_url, path, token, clients, requests)
            options.advance(f"{label}: p50 {latency[label]['p50_ms']} ms, p95 {latency[label]['p95_ms']} ms")
        _wait_for_worker(appliance.base_url, token, audio, options.log)
        options.advance("the worker transcribes")
        runs = alternate({"api": _api_subject(appliance.base_url, token, audio),
                          "engine": _engine_subject(root / "data", audio)}, pairs, options.log, options.advance)
    overhead = compare(runs, "seconds", "api", "engine")
    extra = overhead["api_median"] - overhead["engine_median"]
    return {
        "summary": {
            **{f"{label} p95 ms": figures["p95_ms"] for label, figures in latency.items()},
            **{f"{label} p50 ms": figures["p50_ms"] for label, figures in latency.items()},
            "transcription via API s (median)": round(overhead["api_median"], 3),
            "bare engine s (median)": round(overhead["engine_median"], 3),
            "API overhead s": round(extra, 3),
            "API / engine (median pair ratio)": round(overhead["median_pair_ratio"], 3),
        },
        "checks": [
            {"name": f"{label} p95 < {MAX_P95_MS} ms with {clients} clients",
             "passed": figures["p95_ms"] < MAX_P95_MS and not figures["failures"],
             "detail": f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                       f"{figures['requests_per_second']} requests/s, {figures['failures']} failures"}
            for label, figures in latency.items()
        ],
        "tables": [
            {"title": f"Latency under {clients} concurrent clients ({requests} requests each)",
             "columns": ["endpoint", "path", "requests", "p50 ms", "p95 ms", "max ms", "requests/s", "failures"],
             "rows": [[label, endpoints[label], figures["requests"], figures["p50_ms"], figures["p95_ms"],
                       figures["max_ms"], figures["requests_per_second"], figures["failures"]]
                      for label, figures in latency.items()]},
            {"title": "Same file: /v1/audio/transcriptions (client wall time) vs bare engine transcribe()",
             "columns": ["pair", "order", "subject", "seconds"],
             "rows": [[run["pair"], run["position"], run["label"], round(run["seconds"], 3)] for run in runs]},
        ],
        "settings": {"clients": clients, "requests per client": requests, "jobs in the list": jobs,
                     "pairs": pairs, "model": "tiny.en", "audio seconds": round(wav_seconds(audio), 1),
                     "authentication": "API token (Authorization: Bearer)"},
        "notes": [
            "Clients are threads of the benchmark process on the same machine, so they share its cores with daphne.",
            "The API side includes the upload, the probe, the queue, the worker and the wait for the result; "
            "the engine side is transcribe() on an already loaded model in the benchmark process.",
        ],
    }


def _seed(appliance, jobs):
    """Finished jobs in the admin's list, written straight to the database (no audio needed)."""
    return _manage(appliance, "shell", "-c", SEED_JOBS.replace("JOB_COUNT", str(int(jobs))))
