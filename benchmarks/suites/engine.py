"""Engine vs bare faster-whisper BatchedInferencePipeline: throughput, peak RSS, model load."""
import statistics

from appliance.engine.accuracy import word_error_rate
from benchmarks.abtest import alternate, compare
from benchmarks.machine import usable_cores
from benchmarks.process import run_python_subject
from benchmarks.speech import reference_speech, wav_seconds

NAME = "engine"
DESCRIPTION = "Engine transcribe() vs bare faster-whisper BatchedInferencePipeline on espeak-ng speech (same model and settings)."

MINIMUM_THROUGHPUT_RATIO = 0.97
FULL_SECONDS, QUICK_SECONDS = 330.0, 20.0
FULL_PAIRS, QUICK_PAIRS = 3, 1
SUBJECT_TIMEOUT_SECONDS = 1800


def cached_reference_speech(options, seconds):
    """Reference speech, cached in the work dir (espeak-ng output is deterministic)."""
    directory = options.work_dir / NAME
    directory.mkdir(parents=True, exist_ok=True)
    name = f"reference-{int(seconds)}s.wav"
    text_file = directory / f"{name}.txt"
    if (directory / name).is_file() and text_file.is_file():
        return directory / name, text_file.read_text(encoding="utf-8")
    options.log(f"making {seconds:.0f} s of reference speech with espeak-ng")
    path, text = reference_speech(directory, seconds, name=name)
    text_file.write_text(text, encoding="utf-8")
    return path, text


def engine_subject(subject, audio, settings, data_dir):
    def run():
        figures, measured = run_python_subject([
            "benchmarks.suites._engine_subjects", subject,
            "--audio", str(audio), "--model", settings["model"], "--data-dir", str(data_dir),
            "--threads", str(settings["threads"]), "--batch-size", str(settings["batch_size"]),
            "--beam-size", str(settings["beam_size"]), "--compute-type", settings["compute_type"],
        ], SUBJECT_TIMEOUT_SECONDS, subject)
        figures["throughput"] = figures["audio_seconds"] / figures["transcribe_seconds"]
        figures["peak_rss_mb"] = measured.peak_rss_mb
        figures["process_seconds"] = measured.wall_seconds
        return figures
    return run


def seconds_and_pairs(options):
    """How much reference speech and how many A/B pairs (`--set seconds=... pairs=...`)."""
    return (options.number("seconds", QUICK_SECONDS if options.quick else FULL_SECONDS),
            options.number("pairs", QUICK_PAIRS if options.quick else FULL_PAIRS))


def engine_settings(options, **fixed):
    """Model, compute type, threads, batch size and beam from `--set`; `fixed` pins what a
    suite's subject cannot vary."""
    settings = {
        "model": options.text("model", "tiny.en"),
        "compute_type": options.text("compute_type", "int8"),
        "threads": options.number("threads", usable_cores()),
        "batch_size": options.number("batch_size", 8),
        "beam_size": options.number("beam_size", 1),
    }
    settings.update(fixed)
    return settings


def run(options):
    seconds, pairs = seconds_and_pairs(options)
    settings = engine_settings(options)
    options.plan(1 + 2 * pairs)
    audio, reference_text = cached_reference_speech(options, seconds)
    options.advance("reference speech ready")
    data_dir = options.work_dir / NAME / "data"
    subjects = {label: engine_subject(label, audio, settings, data_dir) for label in ("engine", "bare")}
    runs = alternate(subjects, pairs, log=options.log, advance=options.advance)
    for figures in runs:
        figures["wer"] = word_error_rate(reference_text, figures.pop("text"))

    throughput = compare(runs, "throughput", "engine", "bare")
    memory = compare(runs, "peak_rss_mb", "engine", "bare")
    engine_runs = [figures for figures in runs if figures["label"] == "engine"]
    bare_runs = [figures for figures in runs if figures["label"] == "bare"]
    throughput_ratio = throughput["median_pair_ratio"]
    return {
        "summary": {
            "audio_minutes": round(wav_seconds(audio) / 60, 2),
            "engine_throughput_x_realtime": round(throughput["engine_median"], 2),
            "bare_throughput_x_realtime": round(throughput["bare_median"], 2),
            "throughput_ratio_engine_to_bare": round(throughput_ratio, 4),
            "engine_peak_rss_mb": round(memory["engine_median"]),
            "bare_peak_rss_mb": round(memory["bare_median"]),
            "peak_rss_ratio_engine_to_bare": round(memory["median_pair_ratio"], 4),
            "model_load_seconds_cold": round(statistics.median(run["load_seconds"] for run in engine_runs), 3),
            "model_load_seconds_preloaded": round(
                statistics.median(run["preloaded_load_seconds"] for run in engine_runs), 6),
            "bare_model_load_seconds": round(statistics.median(run["load_seconds"] for run in bare_runs), 3),
            "engine_wer": round(statistics.median(run["wer"] for run in engine_runs), 4),
            "bare_wer": round(statistics.median(run["wer"] for run in bare_runs), 4),
        },
        "checks": [{
            "name": f"engine throughput >= {MINIMUM_THROUGHPUT_RATIO}x bare",
            "passed": throughput_ratio >= MINIMUM_THROUGHPUT_RATIO,
            "detail": f"median pair ratio {throughput_ratio:.3f} (pairs: {throughput['pair_ratios']})",
        }],
        "tables": [{
            "title": "Runs (alternated, one fresh process each)",
            "columns": ["pair", "order", "subject", "throughput (x real time)", "transcribe s", "peak RSS MB",
                        "model load s", "WER"],
            "rows": [
                [figures["pair"], figures["position"], figures["label"], round(figures["throughput"], 2),
                 round(figures["transcribe_seconds"], 2), round(figures["peak_rss_mb"]),
                 round(figures["load_seconds"], 3), round(figures["wer"], 4)]
                for figures in runs
            ],
        }],
        "settings": {**settings, "seconds_requested": seconds, "pairs": pairs, "device": "cpu", "vad": True,
                     "timestamps": "segment timestamp tokens on both sides"},
        "notes": [
            "Throughput = audio seconds / (decode + VAD + features + inference) seconds, model already loaded.",
            "Cold load = the first load of the model in a fresh process (ModelManager.preload); preloaded = "
            "the model_load_seconds a transcription reports when its model was preloaded.",
            "Peak RSS is the whole child process (kernel ru_maxrss), model and audio included.",
        ],
    }
