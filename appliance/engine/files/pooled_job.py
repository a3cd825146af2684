"""One job inside the pooled scheduler: its audio stream, its chunks, its results so far, its future.

open() does what must succeed before any work (probe the file, hold the model); read() then
decodes the file and finds speech step by step, handing out chunks while earlier ones are
already in the model, so a long file's first segments come within seconds and only a window
of its audio is in memory. The scheduler runs both in the job's feeder thread.
"""
import contextlib
import threading
import time

from appliance.engine.errors import TranscriptionCancelled
from appliance.engine.files.audio import SAMPLE_RATE
from appliance.engine.files.chunk_stream import chunk_stream_of
from appliance.engine.files.dynamic_batching import ChunkWork, prepare_decoding
from appliance.engine.files.ordered_segments import OrderedSegments
from appliance.engine.files.pipeline import language_for
from appliance.engine.files.results import Timings, TranscriptionResult


class PooledJob:
    def __init__(self, source, options, progress, cancel, future, max_chunk_seconds, margin_seconds):
        self.source = source
        self.options = options
        self.progress = progress
        self.cancel = cancel
        self.future = future
        self.max_chunk_seconds = max_chunk_seconds
        self.margin_seconds = margin_seconds
        self.timings = Timings()
        self.stream = None  # chunk_stream.ChunkStream, once opened
        self.loaded = None
        self.language = None
        self.language_probability = 0.0
        self.decoding = None  # dynamic_batching.Decoding, once speech was found
        self.ordered = None
        self.ready_at = None
        self.arrived_at = None  # when its first chunks were queued: the fair queue's deadlines start there
        self.queued_samples = 0  # speech handed out and not decoded yet
        self._model = contextlib.ExitStack()
        self._settle_lock = threading.Lock()  # the inference loop and a cancel may race to end it
        self._results_lock = threading.Lock()  # results arrive from the inference loop and the feeder
        self._finish_claimed = False

    @property
    def cancelled(self):
        return self.cancel is not None and self.cancel.is_set()

    @property
    def audio_seconds(self):
        """Seconds of this job's audio held in memory: the stream's window and the queued chunks."""
        held = 0 if self.stream is None else self.stream.held_samples
        return (held + self.queued_samples) / SAMPLE_RATE

    @property
    def reading(self):
        """Opened, and its file not yet read to the end: more of its chunks are on their way."""
        return self.stream is not None and not self.stream.plan.complete and not self.settled

    @property
    def queued_speech_seconds(self):
        return self.queued_samples / SAMPLE_RATE

    def check_cancel(self):
        if self.cancelled:
            raise TranscriptionCancelled()

    def open(self, manager):
        """Probe the file and hold the model: bad input and refused options fail here, before any work."""
        self.check_cancel()
        started = time.perf_counter()
        self.stream = chunk_stream_of(self.source, manager.config.max_duration_seconds, self.options.vad,
                                      self.options.vad_parameters, self.max_chunk_seconds)
        self.timings.decode_seconds = time.perf_counter() - started
        self.check_cancel()
        started = time.perf_counter()
        # Held until the job ends, so the model is neither evicted nor unloaded while chunks wait.
        self.loaded = self._model.enter_context(manager.acquire(self.options.model))
        self.timings.model_load_seconds = time.perf_counter() - started
        self.language = language_for(self.loaded, self.options)
        self.language_probability = 1.0 if self.language else 0.0
        self.ordered = OrderedSegments(self.stream.plan)
        self.check_cancel()
        self.ready_at = time.monotonic()
        self._report(0.0, [])

    def read(self):
        """Yield the chunks of each step of reading the file (ChunkWork lists, maybe empty)."""
        for found in self.stream:
            self.check_cancel()
            works = [ChunkWork(self, len(self.stream.plan.chunks) - len(found) + position, chunk, None,
                               audio_samples=samples)
                     for position, (chunk, samples) in enumerate(found)]
            if works and self.decoding is None:
                # The language (when none is given) from the first chunk, as the whole-file path does.
                self.decoding = prepare_decoding(self.loaded.whisper, works, self.stream.plan, self.options,
                                                 self.language, self.margin_seconds)
                self.language, self.language_probability = self.decoding.language, self.decoding.language_probability
            self.queued_samples += sum(work.audio_samples.size for work in works)
            yield works

    def batch_key(self):
        """Chunks with equal keys may share a batch: same model instance, prompt and decoding."""
        options = self.options
        return (id(self.loaded.whisper), self.language, options.task, options.beam_size, options.initial_prompt,
                options.hotwords, options.word_timestamps, options.temperatures[0])

    @property
    def complete(self):
        return self.ordered is not None and self.ordered.complete

    def add_results(self, works, outputs):
        """Take this job's share of a decoded batch; report the segments that became ready."""
        with self._results_lock:
            released = []
            for work, chunk_segments in zip(works, outputs):
                self.queued_samples -= work.audio_samples.size
                released.extend(self.ordered.add(work.index, chunk_segments))
            self._report(self.ordered.fraction_done, released)

    def release_ready(self):
        """Report segments that more of the file (or its end) made releasable."""
        with self._results_lock:
            released = self.ordered.release()
            if released:
                self._report(self.ordered.fraction_done, released)

    @property
    def settled(self):
        return self.future.done()

    def claim_finish(self):
        """True once: the inference loop and the feeder may both see the job complete."""
        with self._settle_lock:
            claimed, self._finish_claimed = not self._finish_claimed, True
            return claimed and not self.future.done()

    def finish(self):
        """Resolve the future with the result, once every chunk is decoded."""
        self._report(1.0, [])
        self.timings.inference_seconds = time.monotonic() - self.ready_at
        result = TranscriptionResult(
            segments=self.ordered.segments,
            language=self.language,
            language_probability=round(self.language_probability, 4),
            duration=round(self.stream.plan.total_samples / SAMPLE_RATE, 3),
            timings=self.timings,
            model=self.loaded.name,
            device=self.loaded.device_key,
            compute_type=self.loaded.compute_type,
            task=self.options.task,
        )
        self._settle(lambda: self.future.set_result(result))

    def fail(self, error):
        self._settle(lambda: self.future.set_exception(error))

    def _settle(self, resolve):
        with self._settle_lock:
            if self.future.done():
                return
            self._model.close()
            resolve()

    def _report(self, fraction, segments):
        if self.progress is not None:
            self.progress(fraction, segments)
