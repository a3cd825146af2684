"""One job inside the pooled scheduler: its audio, its chunks, its results so far, its future.

prepare() does everything that belongs to the job alone (decode, model, VAD, language), so
the scheduler can run it in a background thread while other jobs' batches are in the model.
"""
import contextlib
import threading
import time

from appliance.engine.files.audio import SAMPLE_RATE, is_silent
from appliance.engine.files.dynamic_batching import ChunkWork, plan_dynamic_chunks, prepare_decoding
from appliance.engine.errors import TranscriptionCancelled
from appliance.engine.files.ordered_segments import OrderedSegments
from appliance.engine.files.pipeline import language_for, samples_of
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
        self.samples = None
        self.loaded = None
        self.language = None
        self.language_probability = 0.0
        self.decoding = None  # dynamic_batching.Decoding, once speech was found
        self.ordered = None
        self.works = []
        self.ready_at = None
        self._model = contextlib.ExitStack()
        self._settle_lock = threading.Lock()  # the inference loop and a cancel may race to end it

    @property
    def cancelled(self):
        return self.cancel is not None and self.cancel.is_set()

    @property
    def audio_seconds(self):
        return 0.0 if self.samples is None else self.samples.size / SAMPLE_RATE

    def check_cancel(self):
        if self.cancelled:
            raise TranscriptionCancelled()

    def prepare(self, manager):
        """Decode, hold the model, find speech and the language; afterwards `works` lists the chunks."""
        self.check_cancel()
        started = time.perf_counter()
        self.samples = samples_of(self.source, manager.config.max_duration_seconds)
        self.timings.decode_seconds = time.perf_counter() - started
        self.check_cancel()
        started = time.perf_counter()
        # Held until the job ends, so the model is neither evicted nor unloaded while chunks wait.
        self.loaded = self._model.enter_context(manager.acquire(self.options.model))
        self.timings.model_load_seconds = time.perf_counter() - started
        self.language = language_for(self.loaded, self.options)
        self.language_probability = 1.0 if self.language else 0.0
        self.check_cancel()
        started = time.perf_counter()
        self._report(0.0, [])
        if not is_silent(self.samples):
            self._plan_chunks()
        self.timings.inference_seconds = time.perf_counter() - started
        self.ready_at = time.monotonic()

    def _plan_chunks(self):
        plan = plan_dynamic_chunks(self.samples, self.options.vad, self.options.vad_parameters, self.max_chunk_seconds)
        if not plan.chunks:
            return
        works = [ChunkWork(self, index, chunk, self.samples) for index, chunk in enumerate(plan.chunks)]
        self.decoding = prepare_decoding(self.loaded.whisper, works, plan, self.options, self.language,
                                         self.margin_seconds)
        self.language, self.language_probability = self.decoding.language, self.decoding.language_probability
        self.ordered = OrderedSegments(plan)
        self.works = works

    def batch_key(self):
        """Chunks with equal keys may share a batch: same model instance, prompt and decoding."""
        options = self.options
        return (id(self.loaded.whisper), self.language, options.task, options.beam_size, options.initial_prompt,
                options.hotwords, options.word_timestamps, options.temperatures[0])

    @property
    def complete(self):
        return self.ordered is None or self.ordered.complete

    def add_results(self, works, outputs):
        """Take this job's share of a decoded batch; report the segments that became ready."""
        released = []
        for work, chunk_segments in zip(works, outputs):
            released.extend(self.ordered.add(work.index, chunk_segments))
        self._report(self.ordered.fraction_done, released)

    @property
    def settled(self):
        return self.future.done()

    def finish(self):
        """Resolve the future with the result, once every chunk is decoded."""
        self._report(1.0, [])
        self.timings.inference_seconds += time.monotonic() - self.ready_at
        segments = [] if self.ordered is None else self.ordered.segments
        result = TranscriptionResult(
            segments=segments,
            language=self.language,
            language_probability=round(self.language_probability, 4),
            duration=round(self.audio_seconds, 3),
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
            self.samples = None
            resolve()

    def _report(self, fraction, segments):
        if self.progress is not None:
            self.progress(fraction, segments)
