"""Long recordings: does the fast engine keep its lead over bare faster-whisper at 5, 30 and 120 minutes?

Each length is one reference said again and again with 1.5 s pauses, so the word error rate is
comparable across lengths: by default espeak-ng speech (about 5 minutes of the English corpus);
with `--set source=recorded` a real recording, a LibriVox reader's 29 s of Sense and Sensibility
with its true transcript (benchmarks/recorded_speech.py). Per length, alternated A/B pairs of
fresh processes:

- fast: the appliance's engine as the jobs worker runs it (engine_fast's fast side: pooled
  scheduler, one-thread CTranslate2 workers, one malloc arena per core), or with
  `--set path=job` the whole job path: HTTP upload to a running appliance, worker, result in
  the database (worker peak RSS from the kernel's high-water mark, reset before each run);
- bare: faster-whisper's BatchedInferencePipeline (batch 8, beam 1, a thread per core), decode
  + VAD + transcribe with the model loaded.

Reported per length: throughput ratio (median of the pairs' ratios), peak RSS of both, time
to the first segment (job path: to the first progress saved on the row) and WER of both.
"""
import contextlib
import os
import statistics
import time

from benchmarks.abtest import alternate, compare
from benchmarks.speech import repeat_recording, wav_seconds
from benchmarks.suites.engine import cached_reference_speech, engine_settings
from benchmarks.suites.engine_fast import files_subject, memory_and_words_checks, worker_settings

NAME = "long"
DESCRIPTION = ("Long recordings (5, 30, 120 min of repeated espeak-ng or real recorded speech): fast engine or job path vs bare "
               "faster-whisper BatchedInferencePipeline, throughput ratio, peak RSS, time to first segment.")

BAR_RATIO, BAR_FROM_MINUTES = 1.6, 30  # the bar (job path, 32 min); the goal is 2x at every length
GOAL_RATIO = 2.0
FULL = {"minutes": "5,30,120", "pairs": 2, "reference_seconds": 300.0}
QUICK = {"minutes": "0.75", "pairs": 1, "reference_seconds": 20.0}
PAUSE_SECONDS = 1.5


SOURCES = ("espeak", "recorded")


def reference_recording(options, defaults):
    """(path, text) of the speech each length repeats: espeak-ng's or the real recorded reading."""
    source = options.text("source", "espeak")
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
    if source == "recorded":
        from benchmarks.recorded_speech import recorded_reading

        return recorded_reading(options.work_dir / NAME)
    return cached_reference_speech(options, options.number("reference_seconds", defaults["reference_seconds"]))


def recording(options, reference, reference_text, minutes):
    """(path, text) of `minutes` of the reference said again and again, cached in the work dir."""
    source = options.text("source", "espeak")
    path = options.work_dir / NAME / f"long-{'' if source == 'espeak' else source + '-'}{minutes:g}min.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    text_file = path.with_suffix(".txt")
    if not (path.is_file() and text_file.is_file()):
        options.log(f"making {minutes:g} min of speech from the reference")
        _, text = repeat_recording(reference, reference_text, minutes * 60, path, PAUSE_SECONDS)
        text_file.write_text(text, encoding="utf-8")
    return path, text_file.read_text(encoding="utf-8")


def _engine_sides(options, settings, path, text, data_dir):
    fast_settings, environment = worker_settings(options, {**settings, "device": "cpu", "workers": 1})
    bare_settings = {**settings, "device": "cpu", "workers": 1}
    return {
        "fast": files_subject("fast", [(path, text)], fast_settings, data_dir, environment),
        "bare": files_subject("bare", [(path, text)], bare_settings, data_dir),
    }


def _appliance(options, settings, path_kind):
    """The running appliance for `path=job` (started once for every length), else nothing."""
    if path_kind != "job":
        return contextlib.nullcontext()
    from benchmarks.suites._long_job_subject import running_appliance

    return running_appliance(options, settings)


def _length_runs(options, settings, minutes, reference, appliance):
    path, text = recording(options, reference[0], reference[1], minutes)
    sides = _engine_sides(options, settings, path, text, options.work_dir / NAME / "data")
    if appliance is not None:
        from benchmarks.suites._long_job_subject import job_subject

        sides["fast"] = job_subject(appliance, path, text, settings)
    sides = {label: _with_load_average(side) for label, side in sides.items()}
    runs = alternate(sides, options.number("pairs", (QUICK if options.quick else FULL)["pairs"]),
                     log=lambda message: options.log(f"{minutes:g} min: {message}"),
                     advance=lambda what: options.advance(f"{minutes:g} min: {what}"))
    for run in runs:
        run["minutes"] = minutes
    return wav_seconds(path), runs


def _with_load_average(side):
    """The side's figures plus the 1-minute load average right after its run."""
    return lambda: {**side(), "load_average": round(os.getloadavg()[0], 2)}


def _comparison(minutes, audio_seconds, runs):
    throughput = compare(runs, "throughput", "fast", "bare")

    def median(side, metric):
        return statistics.median(run[metric] for run in runs if run["label"] == side)

    return {
        "minutes": minutes, "audio_seconds": round(audio_seconds, 1),
        "ratio": throughput["median_pair_ratio"], "pair_ratios": throughput["pair_ratios"],
        "throughput_fast": throughput["fast_median"], "throughput_bare": throughput["bare_median"],
        "rss_fast": median("fast", "peak_rss_mb"), "rss_bare": median("bare", "peak_rss_mb"),
        "first_fast": median("fast", "first_segment_seconds"), "first_bare": median("bare", "first_segment_seconds"),
        "wer_fast": median("fast", "wer"), "wer_bare": median("bare", "wer"),
        "load_average": round(statistics.median(run["load_average"] for run in runs), 2),
    }


def _numbers(comparisons):
    """The figures the benchmark page reads: the weakest ratio (from 30 min on: the issue's bar) and
    the longest recording's memory against bare's."""
    long_ones = [c["ratio"] for c in comparisons if c["minutes"] >= BAR_FROM_MINUTES]
    longest = max(comparisons, key=lambda c: c["minutes"])
    return {
        "lowest_throughput_ratio": round(min(c["ratio"] for c in comparisons), 4),
        "lowest_throughput_ratio_from_30_min": round(min(long_ones), 4) if long_ones else None,
        "longest_minutes": longest["minutes"],
        "longest_peak_rss_ratio": round(longest["rss_fast"] / longest["rss_bare"], 4),
        "longest_first_segment_seconds": round(longest["first_fast"], 2),
    }


def _checks(comparison, side):
    minutes, ratio = comparison["minutes"], comparison["ratio"]
    checks = []
    if minutes >= BAR_FROM_MINUTES:
        checks.append({"name": f"{minutes:g} min: {side} >= {BAR_RATIO}x bare", "passed": ratio >= BAR_RATIO,
                       "detail": f"median pair ratio {ratio:.3f} (pairs {comparison['pair_ratios']})"})
    return checks + [
        {"name": f"goal: {minutes:g} min: {side} >= {GOAL_RATIO}x bare", "passed": ratio >= GOAL_RATIO,
         "detail": f"median pair ratio {ratio:.3f} (pairs {comparison['pair_ratios']})"},
    ] + memory_and_words_checks(f"{minutes:g} min: {side}", comparison["rss_fast"], comparison["rss_bare"],
                                comparison["wer_fast"], comparison["wer_bare"])


def run(options):
    defaults = QUICK if options.quick else FULL
    lengths = [float(value) for value in options.text("minutes", defaults["minutes"]).split(",") if value]
    path_kind = options.text("path", "engine")
    settings = engine_settings(options, beam_size=1, pipeline="dynamic")
    options.plan(1 + len(lengths) * 2 * options.number("pairs", defaults["pairs"]))  # speech, then each run
    reference = reference_recording(options, defaults)
    options.advance("speech ready")
    started = time.perf_counter()
    comparisons, runs = [], []
    with _appliance(options, settings, path_kind) as appliance:
        for minutes in lengths:
            audio_seconds, length_runs = _length_runs(options, settings, minutes, reference, appliance)
            comparisons.append(_comparison(minutes, audio_seconds, length_runs))
            runs += length_runs
    side = "job path" if path_kind == "job" else "engine"
    summary = _numbers(comparisons)
    for c in comparisons:
        summary[f"{c['minutes']:g} min: throughput x real time {side} / bare"] = (
            f"{c['throughput_fast']:.1f} / {c['throughput_bare']:.1f} (ratio {c['ratio']:.2f}, RSS "
            f"{c['rss_fast']:.0f}/{c['rss_bare']:.0f} MB, first segment {c['first_fast']:.1f}/{c['first_bare']:.1f} s, "
            f"WER {c['wer_fast']:.3f}/{c['wer_bare']:.3f}, load {c['load_average']})")
    return {
        "summary": summary,
        "checks": [check for comparison in comparisons for check in _checks(comparison, side)],
        "tables": [{
            "title": "Runs (alternated A/B, one fresh process each; load = 1-minute load average after the run)",
            "columns": ["minutes", "pair", "subject", "throughput (x real time)", "seconds", "first segment s",
                        "peak RSS MB", "WER", "load"],
            "rows": [[run["minutes"], run["pair"], run["label"], round(run["throughput"], 2),
                      round(run["transcribe_seconds"], 2), round(run["first_segment_seconds"], 2),
                      round(run["peak_rss_mb"]), round(run["wer"], 4), run["load_average"]] for run in runs],
        }],
        "settings": {**settings, "path": path_kind, "source": options.text("source", "espeak"),
                     "minutes": ",".join(f"{value:g}" for value in lengths),
                     "pairs": options.number("pairs", defaults["pairs"]),
                     "reference_seconds": round(wav_seconds(reference[0]), 1), "pause_seconds": PAUSE_SECONDS,
                     "suite_seconds": round(time.perf_counter() - started, 1)},
        "notes": [
            "Throughput = audio seconds / seconds from handing the file over to the last segment (engine: "
            "model loaded before; job path: from the start of the HTTP upload until the finished row is stored).",
            "Peak RSS: the whole process (wait4's high-water mark); job path: the worker process's VmHWM, reset "
            "before each run (the model and imports are in both).",
            "First segment: seconds until the first segment reached the caller (bare: the first one its "
            "generator yields, after decoding, VAD and the features of the whole file); job path: until the "
            "row first shows progress above 0.",
            "The machine may be shared: each run's load average is in the table; compare pair ratios, not "
            "absolute figures.",
        ],
    }
