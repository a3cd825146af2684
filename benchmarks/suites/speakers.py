"""Speaker diarization: its accuracy (DER, word-level speaker accuracy) and its cost beside
transcription, on an espeak-ng conversation of two voices with known turns (5 minutes; 1 in
quick mode).

Two subjects on one warm ModelManager (models preloaded, as a worker has them), alternated:
"transcription" is what a job without speakers runs (transcribe_pooled on the file);
"with speakers" is what a job with diarize=true runs (one decode, diarization in a second
thread beside transcribe_pooled with word timestamps, words labelled, segments split).
The added wall time of the second over the first is the feature's cost. Diarization alone is
then timed once more for its real-time factor without competition.
"""
import statistics
import time

from benchmarks.abtest import alternate, compare
from benchmarks.conversation import conversation, diarization_error_rate, word_speaker_accuracy
from benchmarks.suites.baseline import noise_percent
from benchmarks.suites.engine import engine_settings

NAME = "speakers"
DESCRIPTION = "Speaker diarization beside transcription vs transcription alone: added wall time, DER, word accuracy."

FULL_SECONDS, QUICK_SECONDS = 300.0, 60.0
FULL_PAIRS, QUICK_PAIRS = 3, 1
GOAL_ADDED_PERCENT = 25.0
MINIMUM_WORD_ACCURACY = 0.9


def _engine(settings, data_dir):
    from appliance.engine import EngineConfig, ModelManager
    from appliance.engine.speakers import SpeakerModels

    config = EngineConfig(data_dir=data_dir, device="cpu", compute_type=settings["compute_type"],
                          cpu_cores=settings["threads"], parallel_batches=True, preload=(settings["model"],))
    manager = ModelManager(config)
    manager.preload()
    speaker_models = SpeakerModels(manager)
    with speaker_models.acquire():  # loaded once, as a worker keeps it between jobs
        pass
    return manager, speaker_models


def _options(settings, word_timestamps):
    from appliance.engine import TranscriptionOptions

    return TranscriptionOptions(model=settings["model"], batch_size=settings["batch_size"], pipeline="dynamic",
                                word_timestamps=word_timestamps)


def _transcription_alone(manager, audio, settings):
    from appliance.engine import transcribe_pooled

    def run():
        started, cpu = time.perf_counter(), time.process_time()
        result = transcribe_pooled(manager, str(audio), _options(settings, False))
        return {"wall_seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
                "audio_seconds": result.duration}
    return run


def _with_speakers(manager, speaker_models, audio, turns, settings, found):
    from appliance.engine import load_audio, transcribe_pooled
    from appliance.engine.speakers import SpeakerTurn, diarize_beside

    def run():
        started, cpu = time.perf_counter(), time.process_time()
        samples = load_audio(str(audio))
        result = diarize_beside(lambda: transcribe_pooled(manager, samples, _options(settings, True)),
                                samples, speaker_models)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
        diarization = result.diarization
        words = [word for segment in result.segments for word in segment.words]
        found.append(diarization)
        return {
            "wall_seconds": wall,
            "cpu_seconds": cpu,
            "audio_seconds": result.duration,
            "diarization_seconds": diarization.get("seconds", 0.0),
            "speakers_found": len(diarization.get("speakers", [])),
            "word_accuracy": word_speaker_accuracy(words, turns),
            "der": diarization_error_rate(turns, [SpeakerTurn(**turn) for turn in diarization.get("turns", [])]),
        }
    return run


def _diarization_alone(speaker_models, audio):
    from appliance.engine import load_audio
    from appliance.engine.speakers import diarize

    samples = load_audio(str(audio))
    with speaker_models.acquire() as embedder:
        started = time.perf_counter()
        diarize(samples, embedder)
        return time.perf_counter() - started


def run(options):
    from appliance.engine.files.pooled_scheduler import close_shared_scheduler

    settings = engine_settings(options)
    seconds = float(options.text("seconds", str(QUICK_SECONDS if options.quick else FULL_SECONDS)))
    pairs = options.number("pairs", QUICK_PAIRS if options.quick else FULL_PAIRS)
    work = options.work_dir / NAME
    options.log(f"speaking a {seconds:.0f} s two-voice conversation")
    audio, turns = conversation(work / "speech", speakers=2, minimum_seconds=seconds)
    manager, speaker_models = _engine(settings, work / "data")
    found = []
    try:
        subjects = {"transcription": _transcription_alone(manager, audio, settings),
                    "with speakers": _with_speakers(manager, speaker_models, audio, turns, settings, found)}
        runs = alternate(subjects, pairs, log=options.log)
        alone_seconds = _diarization_alone(speaker_models, audio)
    finally:
        close_shared_scheduler(manager)
        speaker_models.close()
        manager.close()
    wall = compare(runs, "wall_seconds", "with speakers", "transcription")
    added_percent = 100 * (wall["median_pair_ratio"] - 1)
    # CPU time of the process (all its threads): what the feature costs whatever else the
    # machine runs, where wall time also measures who else wanted the cores.
    cpu = compare(runs, "cpu_seconds", "with speakers", "transcription")
    diarized = [figures for figures in runs if figures["label"] == "with speakers"]
    audio_seconds = runs[0]["audio_seconds"]
    accuracy = min(figures["word_accuracy"] for figures in diarized)
    speakers_found = sorted({figures["speakers_found"] for figures in diarized})
    return {
        "summary": {
            "audio_seconds": round(audio_seconds, 1),
            "transcription_seconds": round(wall["transcription_median"], 2),
            "with_speakers_seconds": round(wall["with speakers_median"], 2),
            "added_wall_percent": round(added_percent, 1),
            "added_cpu_percent": round(100 * (cpu["median_pair_ratio"] - 1), 1),
            "throughput_with_speakers_x_realtime": round(audio_seconds / wall["with speakers_median"], 2),
            "transcription_throughput_x_realtime": round(audio_seconds / wall["transcription_median"], 2),
            "diarization_error_rate": round(statistics.median(figures["der"] for figures in diarized), 4),
            "word_speaker_accuracy": round(accuracy, 4),
            "speakers_found": speakers_found[0] if len(speakers_found) == 1 else str(speakers_found),
            "diarization_real_time_factor_alone": round(alone_seconds / audio_seconds, 4),
            "diarization_real_time_factor_beside": round(
                statistics.median(figures["diarization_seconds"] for figures in diarized) / audio_seconds, 4),
        },
        "noise_percent": noise_percent([figures["wall_seconds"] for figures in runs if figures["label"] == "transcription"]),
        "checks": [
            {"name": f"added wall time <= {GOAL_ADDED_PERCENT:g} %", "passed": added_percent <= GOAL_ADDED_PERCENT,
             "detail": f"{wall['with speakers_median']:.2f} s with speakers vs {wall['transcription_median']:.2f} s "
                       f"(pair ratios {wall['pair_ratios']})"},
            {"name": "two speakers found", "passed": speakers_found == [2], "detail": f"found {speakers_found}"},
            {"name": f"word-level speaker accuracy >= {MINIMUM_WORD_ACCURACY}", "passed": accuracy >= MINIMUM_WORD_ACCURACY,
             "detail": f"lowest of the runs {accuracy:.3f}"},
        ],
        "tables": [{
            "title": "Runs (alternated, one warm ModelManager and speaker model)",
            "columns": ["pair", "order", "subject", "wall s", "CPU s", "diarization s", "speakers", "word accuracy",
                        "DER"],
            "rows": [[r["pair"], r["position"], r["label"], round(r["wall_seconds"], 2), round(r["cpu_seconds"], 2),
                      round(r.get("diarization_seconds", 0.0), 2), r.get("speakers_found", ""),
                      round(r.get("word_accuracy", 0.0), 3) if "word_accuracy" in r else "",
                      round(r["der"], 4) if "der" in r else ""] for r in runs],
        }],
        "settings": {**settings, "pairs": pairs, "seconds": seconds, "device": "cpu", "pipeline": "dynamic",
                     "speaker_model": "campplus-cn-en-16k (ONNX, 2 threads)"},
        "notes": [
            "Audio: espeak-ng voices en-us+m3 and en-gb+f4 taking turns of 2-8 s with 0.3-1 s pauses "
            "(benchmarks/conversation.py); DER without a collar, overlap-free reference.",
            "With speakers also asks Whisper for word timestamps (segments are split at the word where "
            "the speaker changes): that cost is part of the added time.",
        ],
    }
