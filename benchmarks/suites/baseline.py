"""Bare faster-whisper in a fresh process: the baseline every feature's cost is measured against.

Same model, compute type, threads and batch size as the engine suite, on the same reference
recording (or an admin's own, `--set audio=FILE`). Repeated runs give the spread, reported as
the noise margin a later run must exceed before the page calls a change a regression.
"""
import statistics
from pathlib import Path

from benchmarks.machine import usable_cores
from benchmarks.suites.engine import cached_reference_speech, engine_subject

NAME = "baseline"
DESCRIPTION = ("Bare faster-whisper BatchedInferencePipeline in a fresh process (same model, compute type, threads, "
               "batch size): throughput, peak RSS, model load.")
ACCEPTS_AUDIO = True  # the page may hand it an admin's own recording

FULL_SECONDS, QUICK_SECONDS = 330.0, 20.0
FULL_RUNS, QUICK_RUNS = 3, 1


def noise_percent(values):
    """Spread of repeated runs as a percentage of their median: (max - min) / median."""
    median = statistics.median(values)
    if len(values) < 2 or not median:
        return None
    return round(100 * (max(values) - min(values)) / median, 2)


def settings_from(options):
    return {
        "model": options.text("model", "tiny.en"),
        "compute_type": options.text("compute_type", "int8"),
        "threads": options.number("threads", usable_cores()),
        "batch_size": options.number("batch_size", 8),
        "beam_size": options.number("beam_size", 1),
    }


def audio_from(options):
    """An admin's recording when one is given, else the cached espeak-ng reference speech."""
    given = options.text("audio", "")
    if given:
        path = Path(given)
        if not path.is_file():
            raise ValueError(f"--set audio={given!r}: no such file")
        return path
    seconds = options.number("seconds", QUICK_SECONDS if options.quick else FULL_SECONDS)
    return cached_reference_speech(options, seconds)[0]


def run(options):
    settings = settings_from(options)
    runs_wanted = options.number("runs", QUICK_RUNS if options.quick else FULL_RUNS)
    audio = audio_from(options)
    measure = engine_subject("bare", audio, settings, options.work_dir / NAME / "data")
    runs = []
    options.plan(runs_wanted)
    for number in range(runs_wanted):
        figures = measure()
        figures.pop("text", None)
        runs.append(figures)
        options.advance(f"bare faster-whisper run {number + 1}/{runs_wanted}")
    throughputs = [figures["throughput"] for figures in runs]
    noise = noise_percent(throughputs)
    return {
        "summary": {
            "audio_seconds": round(runs[0]["audio_seconds"], 1),
            "baseline_throughput_x_realtime": round(statistics.median(throughputs), 2),
            "baseline_peak_rss_mb": round(statistics.median(figures["peak_rss_mb"] for figures in runs)),
            "baseline_model_load_seconds": round(statistics.median(figures["load_seconds"] for figures in runs), 3),
        },
        # Measured spread of this very run; the page's regression warning uses it as its margin.
        "noise_percent": noise,
        "tables": [{
            "title": "Runs (one fresh process each)",
            "columns": ["run", "throughput (x real time)", "transcribe s", "peak RSS MB", "model load s", "process s"],
            "rows": [[number + 1, round(figures["throughput"], 2), round(figures["transcribe_seconds"], 2),
                      round(figures["peak_rss_mb"]), round(figures["load_seconds"], 3),
                      round(figures["process_seconds"], 2)] for number, figures in enumerate(runs)],
        }],
        "settings": {**settings, "runs": runs_wanted, "audio": audio.name, "device": "cpu", "vad": True},
        "notes": [
            "Throughput = audio seconds / (decode + VAD + features + inference) seconds, model already loaded.",
            "Peak RSS is the whole child process (kernel ru_maxrss), model and audio included.",
            "Noise = (max - min) / median of the throughput over the runs"
            + ("." if noise is not None else "; one run measures none, so the page uses its default margin."),
        ],
    }
