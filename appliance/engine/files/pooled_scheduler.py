"""Cross-job pooling: the chunks of every queued file share batches, results go back per job.

A worker that transcribes one file at a time pads its last, short batches and runs the
batches of a 20-second file almost empty. Here jobs are submitted to one process-wide
scheduler:

- a feeder thread per job decodes its audio, holds its model, finds speech and the language,
  and hands out chunks step by step while the job's and other jobs' batches are in the model;
  it waits while the job has a window of speech queued (MAX_QUEUED_SPEECH_SECONDS), so a
  2-hour file holds minutes of audio, not hours, and starts its first batch within seconds;
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
    chunks_per_batch,
    decode_batch,
    dynamic_batch_features,
    padded_frames,
)
from appliance.engine.errors import TranscriptionCancelled
from appliance.engine.files.fair_queue import FairChunkQueue
from appliance.engine.models.memory_release import release_free_memory
from appliance.engine.transcription_options import TranscriptionOptions
from appliance.engine.files.pipeline import transcribe as transcribe_alone
from appliance.engine.files.pipelined_decoding import run_pipelined
from appliance.engine.files.pooled_job import PooledJob

logger = logging.getLogger(__name__)

# Audio held at once by all jobs; a job beyond it waits (unopened) until others finish.
DEFAULT_MAX_PREPARED_AUDIO_SECONDS = 2 * 3600
# Speech a job may have handed out and not yet decoded: enough chunks to fill batches of
# each padding bucket (about 30 chunks), 38 MB of float32, whatever the file's length.
MAX_QUEUED_SPEECH_SECONDS = 600
IDLE_POLL_SECONDS = 0.2
# Feeders decoding or finding speech at once: a 2-hour upload and a 20-second one both advance
# (each takes turns of one step, 32 s of audio), and the model keeps the other cores.
PREPARE_THREADS = 2
# While jobs are still being prepared or read, a batch that is not full waits up to this long for
# their chunks. A queue of files arriving together otherwise starts with batches of one or two. A
# long file's feeder shares the cores with the model: with every batch taken as soon as a worker
# was free, the first five batches of the 32-minute recording were single chunks, and a third
# of the later ones were half full. A decoding step of one chunk costs nearly what a step of four does.
PARTIAL_BATCH_WAIT_SECONDS = 1.0


class PooledScheduler:
    """Pools the chunks of concurrent jobs into shared batches; one per process and manager."""

    def __init__(self, manager, batch_size=None, inference_workers=None, max_chunk_seconds=DEFAULT_MAX_CHUNK_SECONDS,
                 margin_seconds=DEFAULT_MARGIN_SECONDS, max_prepared_audio_seconds=DEFAULT_MAX_PREPARED_AUDIO_SECONDS,
                 fair_queue=None, max_queued_speech_seconds=MAX_QUEUED_SPEECH_SECONDS):
        self._manager = manager
        self._batch_size = batch_size  # None: each batch takes the batch_size of its first job
        # As many batches in flight as the models have CTranslate2 workers.
        self._workers = inference_workers or manager.config.thread_split()[1]
        self._max_chunk_seconds = max_chunk_seconds
        self._margin_seconds = margin_seconds
        self._max_prepared_seconds = max_prepared_audio_seconds
        self._max_queued_speech_seconds = max_queued_speech_seconds
        self._queue = fair_queue or FairChunkQueue()
        self._jobs = set()  # submitted and not settled
        self._active = set()  # opened jobs with chunks coming or still to decode
        # Jobs arriving: opened or being opened, none of their chunks queued yet. While there are
        # some, batches that are not full wait a little for their chunks; a file already being
        # streamed holds nothing back (its next chunks are minutes of audio ahead of the batches).
        self._feeding = 0
        self._reading = threading.BoundedSemaphore(PREPARE_THREADS)
        self._condition = threading.Condition()
        self._closed = threading.Event()
        self._threads = []
        self._feeders = set()
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
        job = PooledJob(source, options, progress, cancel, future, self._max_chunk_seconds, self._margin_seconds)
        with self._condition:
            self._jobs.add(job)
            self._feeding += 1
        feeder = threading.Thread(target=self._feed, args=(job,), name="pool-feed", daemon=True)
        with self._start_lock:
            self._feeders.add(feeder)
        feeder.start()
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
        with self._start_lock:
            threads = self._threads + list(self._feeders)
        for thread in threads:
            thread.join()
        with self._condition:
            jobs = list(self._jobs)
        for job in jobs:
            job.fail(TranscriptionCancelled("The transcription service is shutting down."))
        self._active.clear()

    # --- threads -------------------------------------------------------------------------------

    def _start(self):
        with self._start_lock:
            if self._threads:
                return
            thread = threading.Thread(target=self._inference_loop, name="pool-inference", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _feed(self, job):
        """The job's thread: open it, then hand out its chunks as its file is read."""
        arriving = True
        try:
            self._wait_for_room()
            with self._reading:
                job.open(self._manager)
            with self._condition:
                self._active.add(job)
            steps = job.read()
            while not job.settled:
                self._wait_for_window(job)
                if self._closed.is_set():
                    raise TranscriptionCancelled("The transcription service is shutting down.")
                with self._reading:
                    works = next(steps, None)
                if works is None:
                    break
                if works:
                    self._queue_works(job, works)
                    if arriving:
                        arriving = False
                        self._arrived()
                job.release_ready()
            release_free_memory()  # decoding and VAD leave freed blocks in this thread's arena
        except Exception as error:  # the job's error, not the scheduler's
            self._fail(job, error)
        finally:
            if arriving:
                self._arrived()
            with self._start_lock:
                self._feeders.discard(threading.current_thread())
        if job.complete:  # its last chunks were decoded before its file was read to the end
            self._finish(job)

    def _arrived(self):
        with self._condition:
            self._feeding -= 1
            self._condition.notify_all()

    def _queue_works(self, job, works):
        with self._condition:
            key = job.batch_key()
            if job.arrived_at is None:  # deadlines count from its first chunks, as they did from its plan
                job.arrived_at = time.monotonic()
            self._queue.add_job(works, job.arrived_at,
                                lambda work: (key, padded_frames(work.duration, self._margin_seconds)))
            self._condition.notify_all()

    def _wait_for_window(self, job):
        """Hold back reading while the job has a window of speech queued."""
        with self._condition:
            while (job.queued_speech_seconds >= self._max_queued_speech_seconds
                   and not job.settled and not self._closed.is_set()):
                self._condition.wait(IDLE_POLL_SECONDS)

    def _wait_for_room(self):
        """Hold back opening while the audio held is over budget (memory), unless idle."""
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
                more_coming = self._feeding > 0 or any(job.reading for job in self._active)
                waited_enough = waiting_since is not None and time.monotonic() - waiting_since >= PARTIAL_BATCH_WAIT_SECONDS
                works = self._queue.next_batch(self._batch_size_for, allow_partial=not more_coming or waited_enough,
                                               partial_after=PARTIAL_BATCH_WAIT_SECONDS)
                if not works:
                    if len(self._queue) and waiting_since is None:
                        waiting_since = time.monotonic()
                    self._condition.wait(IDLE_POLL_SECONDS)
                    continue
            waiting_since = None
            yield works

    def _batch_size_for(self, first_work):
        return chunks_per_batch(self._batch_size or first_work.owner.options.batch_size, self._workers,
                                padded_frames(first_work.duration, self._margin_seconds))

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
            return decode_batch(job.loaded.whisper, features, works, job.decoding, self._margin_seconds), None
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
        if not job.claim_finish():
            return
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
            self._jobs.discard(job)
            self._active.discard(job)
            self._queue.remove_owner(job)
            self._condition.notify_all()


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
