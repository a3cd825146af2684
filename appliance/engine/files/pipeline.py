"""transcribe(): file or samples in, TranscriptionResult out, with progress and cancel."""
import os
import time

import numpy as np

from appliance.engine.files.audio import SAMPLE_RATE, is_silent, load_audio, prepare_samples
from appliance.engine.files.batched import run_batched
from appliance.engine.files.dynamic_runner import run_dynamic
from appliance.engine.errors import InvalidOptionsError, TranscriptionCancelled, UnsupportedAudioError
from appliance.engine.transcription_options import TranscriptionOptions
from appliance.engine.files.results import Timings, TranscriptionResult
from appliance.engine.files.sequential import run_sequential


def transcribe(manager, source, options=None, progress=None, cancel=None):
    """Transcribe a file path or a 16 kHz mono float32 array with a model of `manager`.

    progress(fraction, new_segments) is called as audio gets done (fraction in [0, 1]);
    cancel is anything with is_set() (a threading.Event): once set, TranscriptionCancelled
    is raised at the next batch boundary.
    """
    options = (options or TranscriptionOptions()).validate()

    def check_cancel():
        if cancel is not None and cancel.is_set():
            raise TranscriptionCancelled()

    def report(fraction, new_segments):
        if progress is not None:
            progress(fraction, new_segments)

    started = time.perf_counter()
    samples = samples_of(source, manager.config.max_duration_seconds)
    timings = Timings(decode_seconds=time.perf_counter() - started)
    check_cancel()
    load_started = time.perf_counter()
    with manager.acquire(options.model) as loaded:
        timings.model_load_seconds = time.perf_counter() - load_started
        language = language_for(loaded, options)
        check_cancel()
        inference_started = time.perf_counter()
        report(0.0, [])
        if is_silent(samples):
            outcome_language, probability, segments = language, 1.0 if language else 0.0, []
        else:
            run = _runner(options)
            outcome = run(loaded.whisper, samples, options, language, report, check_cancel)
            outcome_language, probability, segments = outcome.language, outcome.language_probability, outcome.segments
        report(1.0, [])
        timings.inference_seconds = time.perf_counter() - inference_started
        return TranscriptionResult(
            segments=segments,
            language=outcome_language,
            language_probability=round(probability, 4),
            duration=round(samples.size / SAMPLE_RATE, 3),
            timings=timings,
            model=loaded.name,
            device=loaded.device_key,
            compute_type=loaded.compute_type,
            task=options.task,
        )


def _runner(options):
    if not options.batched:
        return run_sequential
    return run_dynamic if options.pipeline == "dynamic" else run_batched


def samples_of(source, max_duration_seconds):
    if isinstance(source, np.ndarray):
        return prepare_samples(source, max_duration_seconds)
    if isinstance(source, (str, os.PathLike)):
        return load_audio(source, max_duration_seconds)
    raise UnsupportedAudioError("The audio must be given as a file path or an array of 16 kHz mono samples.")


def language_for(loaded, options):
    """The language to decode in, or None to detect; refuses what the model cannot do."""
    if loaded.multilingual:
        return options.language
    if options.task == "translate":
        raise InvalidOptionsError(
            f"{loaded.name} understands English only, so it cannot translate: choose a multilingual model."
        )
    if options.language not in (None, "en"):
        raise InvalidOptionsError(
            f"{loaded.name} understands English only: choose a multilingual model (like base) for "
            f"language {options.language!r}, or leave the language empty."
        )
    return "en"
