"""Faster engine (pooled scheduler: dynamic time axis, cross-job batching, pipelining) vs bare
faster-whisper BatchedInferencePipeline, and vs WhisperS2T when the `peers` extra is installed.

Scenarios, each alternated A/B in one run, one fresh process per side and run:
(a) one recording of at least 5 minutes; (b) a queue of 10 files of 10-60 s.
For each model (tiny.en and base, int8 on a CPU; `--set device=cuda compute_type=float16` on a GPU).
"""
import importlib.util
import statistics

from appliance.engine.accuracy import normalize_text, word_error_rate
from appliance.engine.models.memory_release import threaded_worker_environment
from appliance.engine.config import EngineConfig
from appliance.runtime.worker_command import DEFAULT_CONCURRENCY
from benchmarks.abtest import alternate, compare
from benchmarks.machine import usable_cores
from benchmarks.process import run_python_subject
from benchmarks.speech import ENGLISH_SENTENCES, reference_speech, synthesize, wav_seconds

NAME = "engine-fast"
DESCRIPTION = ("Pooled engine (dynamic padding, cross-job batches, pipelining) vs bare faster-whisper "
               "BatchedInferencePipeline (and WhisperS2T if installed): one long recording, a queue of 10 files.")

GOALS = {"long": 1.25, "queue": 2.0}  # throughput ratio fast / bare
MAXIMUM_WER_INCREASE = 0.005
QUEUE_RANGE_SECONDS = (10, 60)
FULL = {"long_seconds": 310.0, "queue_seconds": (11, 14, 18, 23, 28, 33, 39, 45, 52, 58), "pairs": 3,
        "models": "tiny.en,base"}
QUICK = {"long_seconds": 20.0, "queue_seconds": (10, 12, 14), "pairs": 1, "models": "tiny.en"}
# Voices and speeds of the queue's files, in turn: a queue of several people's recordings.
QUEUE_VOICES = (("en-us", 175), ("en-gb", 150), ("en-us+f3", 200), ("en-gb-scotland", 165), ("en+m3", 185))
SUBJECT_TIMEOUT_SECONDS = 1800


def _cached(directory, name, make):
    """(path, text) of a generated WAV, kept in the work dir (espeak-ng output is deterministic)."""
    path, text_file = directory / name, directory / f"{name}.txt"
    if not (path.is_file() and text_file.is_file()):
        text = make(path)
        text_file.write_text(text, encoding="utf-8")
    return path, text_file.read_text(encoding="utf-8")


def _long_recording(options, directory, seconds):
    def make(path):
        options.log(f"making {seconds:.0f} s of reference speech with espeak-ng")
        return reference_speech(directory, seconds, name=path.name)[1]
    return [_cached(directory, f"long-{int(seconds)}s.wav", make)]


def queue_files(options, directory, targets):
    files = []
    for number, target in enumerate(targets):
        voice, words_per_minute = QUEUE_VOICES[number % len(QUEUE_VOICES)]

        def make(path, number=number, target=target, voice=voice, words_per_minute=words_per_minute):
            sentences = []

            def speak():
                text = " ".join(sentences)
                synthesize(text, path, voice, words_per_minute)
                return text, wav_seconds(path)

            while sum(len(sentence.split()) for sentence in sentences) < target * words_per_minute / 60:
                sentences.append(ENGLISH_SENTENCES[(number * 7 + len(sentences)) % len(ENGLISH_SENTENCES)])
            text, seconds = speak()
            # espeak-ng's pace varies by voice: add or drop a sentence to stay within 10-60 s.
            while seconds < QUEUE_RANGE_SECONDS[0]:
                sentences.append(ENGLISH_SENTENCES[(number * 7 + len(sentences)) % len(ENGLISH_SENTENCES)])
                text, seconds = speak()
            while seconds > QUEUE_RANGE_SECONDS[1] and len(sentences) > 1:
                sentences.pop()
                text, seconds = speak()
            return text
        files.append(_cached(directory, f"queue-{number:02d}-{target}s.wav", make))
    return files


def pooled_wer(references, hypotheses):
    words = [len(normalize_text(reference).split()) for reference in references]
    errors = sum(word_error_rate(reference, hypothesis) * count
                 for reference, hypothesis, count in zip(references, hypotheses, words))
    return errors / sum(words)


def files_subject(subject, files, settings, data_dir, environment=None):
    def run():
        arguments = ["benchmarks.suites._engine_fast_subjects", subject]
        for path, _ in files:
            arguments += ["--audio", str(path)]
        arguments += ["--model", settings["model"], "--data-dir", str(data_dir), "--device", settings["device"],
                      "--compute-type", settings["compute_type"], "--threads", str(settings["threads"]),
                      "--workers", str(settings["workers"]), "--batch-size", str(settings["batch_size"]),
                      "--beam-size", str(settings["beam_size"])]
        if subject == "fast":
            arguments += ["--concurrency", str(settings["concurrency"])]
        figures, measured = run_python_subject(arguments, SUBJECT_TIMEOUT_SECONDS, subject, environment)
        audio_seconds = sum(wav_seconds(path) for path, _ in files)
        return {
            "throughput": audio_seconds / figures["transcribe_seconds"],
            "cpu_seconds_per_audio_minute": 60 * figures["cpu_seconds"] / audio_seconds,
            "transcribe_seconds": figures["transcribe_seconds"],
            "first_segment_seconds": figures["first_segment_seconds"],
            "peak_rss_mb": measured.peak_rss_mb,
            "wer": pooled_wer([text for _, text in files], figures["texts"]),
        }
    return run


def worker_settings(options, settings):
    """(settings, environment) of the fast side: as a jobs worker runs, the same cores split into
    one-thread CTranslate2 workers (EngineConfig.thread_split), one malloc arena per core.
    `--set fast_threads / fast_workers` try other splits."""
    fast_threads, fast_workers = EngineConfig(
        cpu_cores=settings["threads"] * settings["workers"], parallel_batches=True).thread_split(settings["device"])
    fast_settings = {**settings, "threads": options.number("fast_threads", fast_threads),
                     "workers": options.number("fast_workers", fast_workers),
                     "concurrency": options.number("concurrency", DEFAULT_CONCURRENCY)}
    return fast_settings, threaded_worker_environment(usable_cores())


def _compare(label, runs, opponent):
    throughput = compare(runs, "throughput", "fast", opponent)
    cpu = compare(runs, "cpu_seconds_per_audio_minute", opponent, "fast")
    memory = compare(runs, "peak_rss_mb", "fast", opponent)
    wer = {side: statistics.median(run["wer"] for run in runs if run["label"] == side) for side in ("fast", opponent)}
    return {
        "label": label, "opponent": opponent,
        "throughput_fast": throughput["fast_median"], "throughput_other": throughput[f"{opponent}_median"],
        "throughput_ratio": throughput["median_pair_ratio"], "throughput_pair_ratios": throughput["pair_ratios"],
        "cpu_ratio": cpu["median_pair_ratio"],
        "rss_fast": memory["fast_median"], "rss_other": memory[f"{opponent}_median"],
        "rss_ratio": memory["median_pair_ratio"], "wer_fast": wer["fast"], "wer_other": wer[opponent],
    }


def _checks(comparison):
    scenario = comparison["label"].split()[0]
    goal = GOALS[scenario]
    name = comparison["label"]
    return [
        {"name": f"{name}: throughput >= {goal}x bare", "passed": comparison["throughput_ratio"] >= goal,
         "detail": f"median pair ratio {comparison['throughput_ratio']:.3f} "
                   f"(pairs {comparison['throughput_pair_ratios']}); CPU-seconds ratio {comparison['cpu_ratio']:.3f}"},
    ] + memory_and_words_checks(name, comparison["rss_fast"], comparison["rss_other"], comparison["wer_fast"],
                                comparison["wer_other"])


def memory_and_words_checks(name, rss_fast, rss_bare, wer_fast, wer_bare):
    """Peak RSS no higher than bare's, WER within MAXIMUM_WER_INCREASE of bare's."""
    return [
        {"name": f"{name}: peak RSS <= bare", "passed": rss_fast <= rss_bare,
         "detail": f"{rss_fast:.0f} MB vs {rss_bare:.0f} MB"},
        {"name": f"{name}: WER within {MAXIMUM_WER_INCREASE * 100:.1f} points of bare",
         "passed": wer_fast <= wer_bare + MAXIMUM_WER_INCREASE, "detail": f"{wer_fast:.4f} vs {wer_bare:.4f}"},
    ]


def run(options):
    defaults = QUICK if options.quick else FULL
    pairs = options.number("pairs", defaults["pairs"])
    models = [name for name in options.text("models", defaults["models"]).split(",") if name]
    device = options.text("device", "cpu")
    directory = options.work_dir / "engine-fast"
    directory.mkdir(parents=True, exist_ok=True)
    peers = ["bare"] + (["whispers2t"] if importlib.util.find_spec("whisper_s2t") else [])
    options.plan(1 + len(models) * 2 * len(peers) * 2 * pairs)  # the speech, then every measured run
    scenarios = {
        "long": _long_recording(options, directory, options.number("long_seconds", defaults["long_seconds"])),
        "queue": queue_files(options, directory, defaults["queue_seconds"]),
    }
    options.advance("speech ready")
    comparisons, rows, fast_settings = [], [], {}
    for model in models:
        settings = {
            "model": model, "device": device, "compute_type": options.text("compute_type", "int8"),
            "threads": options.number("threads", usable_cores()), "workers": options.number("workers", 1),
            "batch_size": options.number("batch_size", 8), "beam_size": options.number("beam_size", 1),
        }
        for scenario, files in scenarios.items():
            for opponent in peers:
                label = f"{scenario} {model}" + ("" if opponent == "bare" else " vs WhisperS2T")
                fast_settings, worker_environment = worker_settings(options, settings)
                subjects = {"fast": files_subject("fast", files, fast_settings, directory / "data", worker_environment),
                            opponent: files_subject(opponent, files, settings, directory / "data")}
                runs = alternate(subjects, pairs, log=lambda message, label=label: options.log(f"{label}: {message}"),
                                 advance=lambda what, label=label: options.advance(f"{label}: {what}"))
                comparison = _compare(label, runs, opponent)
                comparisons.append(comparison)
                rows += [[label, run["pair"], run["label"], round(run["throughput"], 2),
                          round(run["cpu_seconds_per_audio_minute"], 2), round(run["peak_rss_mb"]), round(run["wer"], 4)]
                         for run in runs]
    audio = {scenario: round(sum(wav_seconds(path) for path, _ in files), 1) for scenario, files in scenarios.items()}
    return {
        "summary": {
            f"{c['label']}: throughput x real time fast / {c['opponent']}":
                f"{c['throughput_fast']:.1f} / {c['throughput_other']:.1f} (ratio {c['throughput_ratio']:.2f}, "
                f"CPU-s ratio {c['cpu_ratio']:.2f}, RSS {c['rss_fast']:.0f}/{c['rss_other']:.0f} MB, "
                f"WER {c['wer_fast']:.3f}/{c['wer_other']:.3f})"
            for c in comparisons
        },
        "checks": [check for comparison in comparisons if comparison["opponent"] == "bare"
                   for check in _checks(comparison)],
        "tables": [{
            "title": "Runs (alternated A/B, one fresh process each)",
            "columns": ["scenario", "pair", "subject", "throughput (x real time)", "CPU s per audio min",
                        "peak RSS MB", "WER"],
            "rows": rows,
        }],
        "settings": {"models": ",".join(models), "device": device, "pairs": pairs,
                     "fast_threads": fast_settings["threads"], "fast_workers": fast_settings["workers"],
                     "fast_concurrency": fast_settings["concurrency"],
                     "long_recording_seconds": audio["long"], "queue_files": len(scenarios["queue"]),
                     "queue_seconds": audio["queue"], "whispers2t": "installed" if len(peers) > 1 else "not installed",
                     **{key: value for key, value in settings.items() if key != "model"}},
        "notes": [
            "Throughput = audio seconds / seconds from the first file handed over to the last transcript "
            "(decode, VAD, features, inference; model loaded before). Ratios are medians of the ratios within "
            "each A/B pair, steadier than ratios of medians on a shared machine.",
            "CPU-s ratio = bare CPU seconds / fast CPU seconds for the same audio: what the machine pays, "
            "less sensitive than wall time to other processes on a shared machine.",
            "bare runs the queue file after file (a worker with one job at a time); fast runs it as the jobs "
            "worker does: its threads (APPLIANCE_WORKER_CONCURRENCY, 4) each take the next file and share one "
            "PooledScheduler, so up to 4 files are pooled at a time.",
            "Both use the same cores: bare as one CTranslate2 worker with a thread per core (its batches "
            "run one after the other), fast as a jobs worker splits them (EngineConfig.thread_split: one-thread "
            "workers below 4 cores) with glibc's malloc arenas capped at one per core (MALLOC_ARENA_MAX, as "
            "appliance.runtime.worker_command sets it).",
            "WER = word errors over all files / words over all files, normalised (appliance.engine.accuracy).",
        ],
    }
