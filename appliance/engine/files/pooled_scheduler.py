"""Cross-job pooling: the chunks of every queued file share batches, results go back per job.

A worker that transcribes one file at a time pads its last, short batches and runs the
batches of a 20-second file almost empty. Here jobs are submitted to one process-wide
scheduler:

- preparation threads decode each job's audio, hold its model, find speech and the
  language (while other jobs' batches are in the model);
- the inference loop takes batches from a FairChunkQueue (earliest virtual deadline first,
  companions of the same padding bucket), pads them to that bucket (dynamic_batching) and
  runs them pipelined (pipelined_decoding): features of the next batch are built during this one;
- each job gets its own progress calls, in audio order, and its own Future; a set cancel
  event drops its waiting chunks at the next batch.

    scheduler = shared_scheduler(manager)
    result = scheduler.transcribe(path, options, progress, cancel)   # blocks, callbacks here
    future = scheduler.submit(path, options, progress, cancel)       # callbacks in the scheduler

A caller that may get options of either pipeline uses transcribe_pooled(), which pools the
dynamic ones and hands the rest to pipeline.transcribe().
"""
import logging
import queue
import threading
import time
from concurrent.futures import Future

from appliance.engine.files.dynamic_batching import (
    DEFAULT_MARGIN_SECONDS,
    DEFAULT_MAX_CHUNK_SECONDS,
    decode_batch,
    dynamic_batch_features,
    padded_frames,
)
from appliance.engine.errors import TranscriptionCancelled
from appliance.engine.files.fair_queue import FairChunkQueue
from appliance.engine.models.memory_release import release_free_memory
from appliance.engine.transcription_options import TranscriptionOptions
from appliance.engine.files.pipeline import transcribe as transcribe_alone
from appliance.engine.files.pipelined_decoding import batch_size_per_worker, run_pipelined
from appliance.engine.files.pooled_job import PooledJob

logger = logging.getLogger(__name__)

# Prepared audio kept at once; a job beyond it waits (undecoded) until others finish.
DEFAULT_MAX_PREPARED_AUDIO_SECONDS = 2 * 3600
IDLE_POLL_SECONDS = 0.2
# Two, so that decoding and VAD of a 2-hour upload do not hold back a 20-second one behind it.
PREPARE_THREADS = 2
# While jobs are still being prepared, a batch that is not full waits up to this long for their
# chunks (a queue of files arriving together otherwise starts with batches of one or two).
PARTIAL_BATCH_WAIT_SECONDS = 1.0


class PooledScheduler:
    """Pools the chunks of concurrent jobs into shared batches; one per process and manager."""

    def __init__(self, manager, batch_size=None, inference_workers=None, max_chunk_seconds=DEFAULT_MAX_CHUNK_SECONDS,
                 margin_seconds=DEFAULT_MARGIN_SECONDS, max_prepared_audio_seconds=DEFAULT_MAX_PREPARED_AUDIO_SECONDS,
                 fair_queue=None):
        self._manager = manager
        self._batch_size = batch_size  # None: each batch takes the batch_size of its first job
        # As many batches in flight as the models have CTranslate2 workers.
        self._workers = inference_workers or manager.config.thread_split()[1]
        self._max_chunk_seconds = max_chunk_seconds
        self._margin_seconds = margin_seconds
        self._max_prepared_seconds = max_prepared_audio_seconds
        self._queue = fair_queue or FairChunkQueue()
        self._incoming = queue.Queue()
        self._active = set()  # prepared jobs with chunks still to decode
        self._preparing = 0  # jobs taken from _incoming whose preparation has not ended
        self._condition = threading.Condition()
        self._closed = threading.Event()
        self._threads = []
        self._start_lock = threading.Lock()

    # --- the callers' side ---------------------------------------------------------------------

    def submit(self, source, options=None, progress=None, cancel=None):
        """Queue a file path or 16 kHz samples; returns a Future of its TranscriptionResult.

        progress(fraction, new_segments) and the Future's callbacks run in the scheduler's
        threads; the Future raises what transcribe() would (EngineError subclasses,
        TranscriptionCancelled).
        """
        if self._closed.is_set():
            raise RuntimeError("The scheduler is closed.")
        options = (options or TranscriptionOptions()).validate()
        future = Future()
        future.set_running_or_notify_cancel()
        self._start()
        self._incoming.put(PooledJob(source, options, progress, cancel, future, self._max_chunk_seconds,
                                     self._margin_seconds))
        return future

    def transcribe(self, source, options=None, progress=None, cancel=None):
        """Like engine.transcribe(): blocks, and calls progress in the calling thread.

        Made for a worker thread per job (a Celery threads pool): callbacks that touch the
        database stay in the thread that owns the connection.
        """
        events = queue.Queue()
        future = self.submit(source, options, progress=lambda *event: events.put(event), cancel=cancel)
        future.add_done_callback(lambda _: events.put(None))
        while True:
            event = events.get()
            if event is None:
                break
            if progress is not None:
                progress(*event)
        return future.result()

    def close(self):
        """Stop the threads; jobs still queued fail with TranscriptionCancelled."""
        self._closed.set()
        with self._condition:
            self._condition.notify_all()
        for thread in self._threads:
            thread.join()
        for job in self._drain_incoming() + list(self._active):
            job.fail(TranscriptionCancelled("The transcription service is shutting down."))
        self._active.clear()

    # --- threads -------------------------------------------------------------------------------

    def _start(self):
        with self._start_lock:
            if self._threads:
                return
            loops = [(self._prepare_loop, f"pool-prepare-{number}") for number in range(PREPARE_THREADS)]
            for target, name in loops + [(self._inference_loop, "pool-inference")]:
                thread = threading.Thread(target=target, name=name, daemon=True)
                thread.start()
                self._threads.append(thread)

    def _prepare_loop(self):
        while not self._closed.is_set():
            try:
                job = self._incoming.get(timeout=IDLE_POLL_SECONDS)
            except queue.Empty:
                continue
            self._wait_for_room()
            with self._condition:
                self._preparing += 1
            try:
                job.prepare(self._manager)
            except Exception as error:  # the job's error, not the scheduler's
                job.fail(error)
                self._prepared()
                continue
            release_free_memory()  # decoding and VAD leave freed blocks in this thread's arena
            if not job.works:
                self._prepared()
                self._finish(job)
                continue
            with self._condition:
                self._preparing -= 1
                self._active.add(job)
                key = job.batch_key()
                self._queue.add_job(job.works, job.ready_at,
                                    lambda work: (key, padded_frames(work.duration, self._margin_seconds)))
                self._condition.notify_all()

    def _prepared(self):
        with self._condition:
            self._preparing -= 1
            self._condition.notify_all()

    def _wait_for_room(self):
        """Hold back decoding while the prepared audio is over budget (memory), unless idle."""
        with self._condition:
            while (self._active and not self._closed.is_set()
                   and sum(job.audio_seconds for job in self._active) >= self._max_prepared_seconds):
                self._condition.wait(IDLE_POLL_SECONDS)

    def _inference_loop(self):
        while not self._closed.is_set():
            batches = run_pipelined(self._next_batches(), self._prepare_batch, self._infer_batch, workers=self._workers)
            try:
                for works, (outputs, error) in batches:
                    self._dispatch(works, outputs, error)
                    release_free_memory()
            except Exception as error:  # a defect here must not leave every waiting job hanging
                logger.exception("the pooled inference loop failed; failing its jobs")
                with self._condition:
                    jobs = list(self._active)
                for job in jobs:
                    self._fail(job, error)
            finally:
                batches.close()

    def _next_batches(self):
        """Batches as the pipeline asks for them; blocks while there is nothing to do."""
        waiting_since = None
        while not self._closed.is_set():
            self._drop_cancelled()
            with self._condition:
                more_coming = self._preparing > 0 or not self._incoming.empty()
                waited_enough = waiting_since is not None and time.monotonic() - waiting_since >= PARTIAL_BATCH_WAIT_SECONDS
                works = self._queue.next_batch(self._batch_size_for, allow_partial=not more_coming or waited_enough)
                if not works:
                    if len(self._queue) and waiting_since is None:
                        waiting_since = time.monotonic()
                    self._condition.wait(IDLE_POLL_SECONDS)
                    continue
            waiting_since = None
            yield works

    def _batch_size_for(self, first_work):
        return batch_size_per_worker(self._batch_size or first_work.owner.options.batch_size, self._workers)

    def _prepare_batch(self, works):
        job = works[0].owner
        try:
            return dynamic_batch_features(job.loaded.whisper.feature_extractor, works, self._margin_seconds), None
        except Exception as error:
            return None, error

    def _infer_batch(self, works, prepared):
        features, error = prepared
        if error is not None:
            return None, error
        job = works[0].owner
        try:
            return decode_batch(job.loaded.whisper, features, works, job.decoding), None
        except Exception as error:
            logger.exception("a pooled batch of %d chunks failed", len(works))
            return None, error

    # --- bookkeeping ---------------------------------------------------------------------------

    def _dispatch(self, works, outputs, error):
        by_job = {}
        for position, work in enumerate(works):
            by_job.setdefault(work.owner, []).append(position)
        for job, positions in by_job.items():
            if job.settled:
                continue  # cancelled or failed while this batch was in the model
            if error is not None:
                self._fail(job, error)
                continue
            try:
                job.add_results([works[position] for position in positions], [outputs[position] for position in positions])
            except Exception as callback_error:  # the job's progress callback failed
                self._fail(job, callback_error)
                continue
            if job.complete:
                self._finish(job)

    def _drop_cancelled(self):
        with self._condition:
            cancelled = [job for job in self._active if job.cancelled]
        for job in cancelled:
            self._fail(job, TranscriptionCancelled())

    def _finish(self, job):
        self._forget(job)
        try:
            job.finish()
        except Exception as error:  # its progress callback failed at 100 %
            job.fail(error)

    def _fail(self, job, error):
        self._forget(job)
        job.fail(error)

    def _forget(self, job):
        with self._condition:
            self._active.discard(job)
            self._queue.remove_owner(job)
            self._condition.notify_all()

    def _drain_incoming(self):
        jobs = []
        while True:
            try:
                jobs.append(self._incoming.get_nowait())
            except queue.Empty:
                return jobs


_SHARED = {}
_SHARED_LOCK = threading.Lock()


def shared_scheduler(manager, **settings):
    """The process-wide scheduler of a manager (created on first use)."""
    with _SHARED_LOCK:
        scheduler = _SHARED.get(id(manager))
        if scheduler is None:
            scheduler = _SHARED[id(manager)] = PooledScheduler(manager, **settings)
        return scheduler


def close_shared_scheduler(manager):
    """Stop the manager's scheduler, if it has one (a worker shutting down); a later
    shared_scheduler() call starts a fresh one."""
    with _SHARED_LOCK:
        scheduler = _SHARED.pop(id(manager), None)
    if scheduler is not None:
        scheduler.close()


def transcribe_pooled(manager, source, options=None, progress=None, cancel=None):
    """transcribe() for a process that runs several jobs at once in threads (a worker).

    Batched options of the "dynamic" pipeline share the manager's scheduler with the other
    jobs of this process; the plain faster-whisper pipeline and sequential decoding run alone.
    """
    options = (options or TranscriptionOptions()).validate()
    if options.batched and options.pipeline == "dynamic":
        return shared_scheduler(manager).transcribe(source, options, progress=progress, cancel=cancel)
    return transcribe_alone(manager, source, options, progress=progress, cancel=cancel)
