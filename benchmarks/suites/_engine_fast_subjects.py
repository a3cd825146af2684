"""The sides of the engine-fast benchmark, each run in a fresh process by the engine_fast suite.

    python -m benchmarks.suites._engine_fast_subjects fast|bare|whispers2t --audio FILE [--audio FILE ...] ...

transcribes every file (a queue when several are given) and prints one JSON line: the
seconds from the first file handed over to the last transcript back (model already loaded),
the seconds until the first segment of any file came back, the CPU seconds of the process in
that time, and each file's text.

- bare: faster-whisper's BatchedInferencePipeline, file after file, as a worker with one job
  at a time runs it;
- fast: the appliance's PooledScheduler (dynamic time axis, pooling, pipelining), fed as the
  jobs worker feeds it: `--concurrency` threads (the worker's APPLIANCE_WORKER_CONCURRENCY) each
  take the next file of the queue and block in scheduler.transcribe() until it is done;
- whispers2t: WhisperS2T's CTranslate2 backend, all files in one transcribe_with_vad() call
  (needs the `peers` extra).
"""
import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from appliance.runtime.worker_command import DEFAULT_CONCURRENCY


class _FirstSegment:
    """Notes when the first segment of any file arrives (call it with each new batch of segments)."""

    def __init__(self):
        self.moment = None

    def __call__(self, segments):
        if segments and self.moment is None:
            self.moment = time.perf_counter()


def _timed(transcribe_all):
    started, cpu_started = time.perf_counter(), time.process_time()
    first_segment = _FirstSegment()
    texts = transcribe_all(first_segment)
    finished = time.perf_counter()
    return {"transcribe_seconds": finished - started, "cpu_seconds": time.process_time() - cpu_started,
            "first_segment_seconds": (first_segment.moment or finished) - started, "texts": texts}


def _model_path(arguments):
    from appliance.engine.models.sources import resolve_model

    return str(resolve_model(arguments.model, arguments.data_dir).path)


def run_fast(arguments):
    from appliance.engine import EngineConfig, ModelManager, TranscriptionOptions
    from appliance.engine.files.pooled_scheduler import PooledScheduler

    manager = ModelManager(EngineConfig(
        data_dir=arguments.data_dir, device=arguments.device, compute_type=arguments.compute_type,
        cpu_threads=arguments.threads, num_workers=arguments.workers, parallel_batches=True, preload=(arguments.model,),
    ))
    manager.preload()
    scheduler = PooledScheduler(manager)
    options = TranscriptionOptions(model=arguments.model, batch_size=arguments.batch_size, beam_size=arguments.beam_size)

    def transcribe_all(first_segment):
        def transcribe_one(path):
            return scheduler.transcribe(path, options, progress=lambda fraction, segments: first_segment(segments))

        with ThreadPoolExecutor(arguments.concurrency, thread_name_prefix="job") as job_threads:
            return [result.text for result in job_threads.map(transcribe_one, arguments.audio)]

    figures = _timed(transcribe_all)
    scheduler.close()
    return figures


def run_bare(arguments):
    from faster_whisper import BatchedInferencePipeline, WhisperModel, decode_audio

    model = WhisperModel(_model_path(arguments), device=arguments.device, compute_type=arguments.compute_type,
                         cpu_threads=arguments.threads, num_workers=arguments.workers)

    def transcribe_all(first_segment):
        texts = []
        for path in arguments.audio:
            segments, _ = BatchedInferencePipeline(model).transcribe(
                decode_audio(path), batch_size=arguments.batch_size, beam_size=arguments.beam_size,
                # The appliance asks for timestamp tokens (sentence-sized segments); the baseline must too.
                without_timestamps=False, vad_filter=True,
            )
            text = []
            for segment in segments:
                first_segment([segment])
                text.append(segment.text)
            texts.append("".join(text).strip())
        return texts

    return _timed(transcribe_all)


def run_whispers2t(arguments):
    import whisper_s2t

    model = whisper_s2t.load_model(
        model_identifier=_model_path(arguments), backend="CTranslate2", device=arguments.device,
        compute_type=arguments.compute_type, cpu_threads=arguments.threads, num_workers=arguments.workers,
        asr_options={"beam_size": arguments.beam_size},
    )
    count = len(arguments.audio)

    def transcribe_all(first_segment):
        outputs = model.transcribe_with_vad(
            list(arguments.audio), lang_codes=["en"] * count, tasks=["transcribe"] * count,
            initial_prompts=[None] * count, batch_size=arguments.batch_size,
        )
        return [" ".join(utterance["text"] for utterance in utterances).strip() for utterances in outputs]

    return _timed(transcribe_all)


SUBJECTS = {"fast": run_fast, "bare": run_bare, "whispers2t": run_whispers2t}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("subject", choices=sorted(SUBJECTS))
    parser.add_argument("--audio", action="append", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--compute-type", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--beam-size", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY,
                        help="fast: jobs in the scheduler at once, as a worker of this concurrency holds them")
    arguments = parser.parse_args(argv)
    print(json.dumps(SUBJECTS[arguments.subject](arguments)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
