"""First-request latency with the model preloaded (as the worker does at start) vs cold.

Each side gets a fresh ModelManager in this process, alternated A B, B A ...: "cold" loads the
model inside its first request; "preloaded" calls preload() before the clock starts, as a worker
with APPLIANCE_PRELOAD_MODELS does at start. A second request on the same manager is the warm
reference, so penalty = first request - warm request, for each side.
"""
import statistics
import time

from benchmarks.abtest import alternate, compare
from benchmarks.machine import usable_cores
from benchmarks.suites.baseline import audio_from, noise_percent

NAME = "preload"
DESCRIPTION = "First-request latency with the model preloaded (ModelManager.preload) vs loaded on the first request."
ACCEPTS_AUDIO = True

FULL_SECONDS, QUICK_SECONDS = 20.0, 5.0
FULL_PAIRS, QUICK_PAIRS = 3, 1
# The engine times its lookup of an already loaded model too (microseconds); a real load takes >0.1 s.
NO_LOAD_SECONDS = 0.01


def _subject(preloaded, audio, settings, data_dir):
    from appliance.engine import EngineConfig, ModelManager, TranscriptionOptions, transcribe

    def run():
        config = EngineConfig(data_dir=data_dir, device="cpu", compute_type=settings["compute_type"],
                              cpu_threads=settings["threads"], preload=(settings["model"],) if preloaded else ())
        manager = ModelManager(config)
        try:
            if preloaded:
                manager.preload()  # at worker start, before any request: not part of the latency
            options = TranscriptionOptions(model=settings["model"], batch_size=settings["batch_size"])
            started = time.perf_counter()
            first = transcribe(manager, str(audio), options)
            first_seconds = time.perf_counter() - started
            started = time.perf_counter()
            transcribe(manager, str(audio), options)
            warm_seconds = time.perf_counter() - started
        finally:
            manager.close()
        return {
            "first_request_seconds": first_seconds,
            "warm_request_seconds": warm_seconds,
            "penalty_seconds": first_seconds - warm_seconds,
            "model_load_in_first_request_seconds": first.timings.model_load_seconds,
            "audio_seconds": first.duration,
        }
    return run


def run(options):
    settings = {
        "model": options.text("model", "tiny.en"),
        "compute_type": options.text("compute_type", "int8"),
        "threads": options.number("threads", usable_cores()),
        "batch_size": options.number("batch_size", 8),
    }
    pairs = options.number("pairs", QUICK_PAIRS if options.quick else FULL_PAIRS)
    if "seconds" not in options.params:
        options.params["seconds"] = str(QUICK_SECONDS if options.quick else FULL_SECONDS)
    options.plan(1 + 2 * pairs)
    audio = audio_from(options)
    options.advance("audio ready")
    data_dir = options.work_dir / NAME / "data"
    subjects = {"cold": _subject(False, audio, settings, data_dir),
                "preloaded": _subject(True, audio, settings, data_dir)}
    runs = alternate(subjects, pairs, log=options.log, advance=options.advance)
    first = compare(runs, "first_request_seconds", "cold", "preloaded")
    preloaded_runs = [figures for figures in runs if figures["label"] == "preloaded"]
    cold_runs = [figures for figures in runs if figures["label"] == "cold"]
    warm = [figures["warm_request_seconds"] for figures in runs]
    return {
        "summary": {
            "audio_seconds": round(runs[0]["audio_seconds"], 1),
            "cold_first_request_seconds": round(first["cold_median"], 3),
            "preloaded_first_request_seconds": round(first["preloaded_median"], 3),
            "warm_request_seconds": round(statistics.median(warm), 3),
            "cold_penalty_seconds": round(statistics.median(r["penalty_seconds"] for r in cold_runs), 3),
            "preloaded_penalty_seconds": round(statistics.median(r["penalty_seconds"] for r in preloaded_runs), 3),
            "preloaded_model_load_in_first_request_seconds": round(
                max(r["model_load_in_first_request_seconds"] for r in preloaded_runs), 4),
        },
        # The warm requests repeat the same work, so their spread is this machine's noise right now.
        "noise_percent": noise_percent(warm),
        "checks": [{
            "name": "no model load in the first request when preloaded",
            "passed": all(r["model_load_in_first_request_seconds"] < NO_LOAD_SECONDS for r in preloaded_runs),
            "detail": f"preloaded first request {first['preloaded_median']:.3f} s, cold {first['cold_median']:.3f} s, "
                      f"warm {statistics.median(warm):.3f} s (cold / preloaded pairs: {first['pair_ratios']})",
        }],
        "tables": [{
            "title": "Runs (alternated, a fresh ModelManager each)",
            "columns": ["pair", "order", "subject", "first request s", "warm request s", "model load in first s"],
            "rows": [[r["pair"], r["position"], r["label"], round(r["first_request_seconds"], 3),
                      round(r["warm_request_seconds"], 3), round(r["model_load_in_first_request_seconds"], 3)]
                     for r in runs],
        }],
        "settings": {**settings, "pairs": pairs, "audio": audio.name, "device": "cpu"},
        "notes": [
            "Cold = the model is loaded by the first request (the files are in the OS page cache after the "
            "first pair, as on a running appliance); preloaded = ModelManager.preload() ran before it.",
            "Penalty = first request - second (warm) request on the same manager.",
        ],
    }
