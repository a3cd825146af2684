"""The two sides of the engine benchmark, each run in a fresh process by the engine suite.

    python -m benchmarks.suites._engine_subjects engine|bare --audio FILE --model NAME ...

prints one JSON line with load and transcription figures. A fresh process per run gives each
side its own peak RSS and a cold model load.
"""
import argparse
import json
import sys
import time


def run_engine(arguments):
    from appliance.engine import EngineConfig, ModelManager, TranscriptionOptions, transcribe

    config = EngineConfig(
        data_dir=arguments.data_dir, device="cpu", compute_type=arguments.compute_type,
        cpu_threads=arguments.threads, preload=(arguments.model,),
    )
    manager = ModelManager(config)
    started = time.perf_counter()
    manager.preload()
    load_seconds = time.perf_counter() - started
    options = TranscriptionOptions(model=arguments.model, batch_size=arguments.batch_size, beam_size=arguments.beam_size)
    started = time.perf_counter()
    result = transcribe(manager, arguments.audio, options)
    transcribe_seconds = time.perf_counter() - started
    return {
        "load_seconds": load_seconds,
        "preloaded_load_seconds": result.timings.model_load_seconds,
        "transcribe_seconds": transcribe_seconds,
        "audio_seconds": result.duration,
        "segments": len(result.segments),
        "text": result.text,
    }


def run_bare(arguments):
    from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio

    from appliance.engine.models.sources import resolve_model

    path = resolve_model(arguments.model, arguments.data_dir).path
    started = time.perf_counter()
    model = WhisperModel(str(path), device="cpu", compute_type=arguments.compute_type, cpu_threads=arguments.threads)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    audio = decode_audio(arguments.audio)
    segments, info = BatchedInferencePipeline(model).transcribe(
        audio, batch_size=arguments.batch_size, beam_size=arguments.beam_size,
        # The engine asks for timestamp tokens (sentence-sized segments); the baseline must too.
        without_timestamps=False, vad_filter=True,
    )
    segments = list(segments)
    transcribe_seconds = time.perf_counter() - started
    return {
        "load_seconds": load_seconds,
        "preloaded_load_seconds": 0.0,
        "transcribe_seconds": transcribe_seconds,
        "audio_seconds": info.duration,
        "segments": len(segments),
        "text": "".join(segment.text for segment in segments).strip(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("subject", choices=("engine", "bare"))
    parser.add_argument("--audio", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--beam-size", type=int, required=True)
    parser.add_argument("--compute-type", required=True)
    arguments = parser.parse_args(argv)
    figures = (run_engine if arguments.subject == "engine" else run_bare)(arguments)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
