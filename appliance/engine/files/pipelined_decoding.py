"""Pipelining: the next batch's audio slicing and log-Mel features overlap the current inference.

Feature extraction (NumPy STFT) and batch selection run in Python; CTranslate2 releases the
GIL while it encodes and generates. So a background thread prepares batch n+1 while batch n
is in the model, and with a model of several CTranslate2 workers (inter_threads) several
batches are in the model at once, each on its own replica. Results come back as their
batches finish.
"""
import math
import os
import queue
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

_DONE = object()
# How often a pipeline with batches in the model looks for finished ones while it waits for input.
RESULT_POLL_SECONDS = 0.05


class Prefetcher:
    """Iterate over prepare(item) for each item, computing up to `depth` results ahead.

    An exception raised by the items iterator or by prepare() is re-raised by the consumer at
    the item where it happened. close() stops the thread (also on an early break).
    """

    def __init__(self, items, prepare, depth=1, name="batch-prefetch"):
        self._items = iter(items)
        self._prepare = prepare
        self._queue = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, name=name, daemon=True)
        self._thread.start()

    def _produce(self):
        try:
            for item in self._items:
                if self._stop.is_set():
                    return
                self._put((item, self._prepare(item), None))
        except BaseException as error:  # handed to the consumer, which decides
            self._put((None, None, error))
            return
        self._put(_DONE)

    def _put(self, entry):
        while not self._stop.is_set():
            try:
                self._queue.put(entry, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self):
        return self

    def __next__(self):
        return self.next_ready(timeout=None)

    def next_ready(self, timeout):
        """The next (item, prepared); None if nothing is ready within `timeout` seconds."""
        try:
            entry = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if entry is _DONE:
            self._queue.put(_DONE)  # stay exhausted for later calls
            raise StopIteration
        item, prepared, error = entry
        if error is not None:
            raise error
        return item, prepared

    def close(self):
        self._stop.set()
        self._thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def run_pipelined(batches, prepare, infer, workers=1):
    """Yield (batch, infer(batch, prepare(batch))) for every batch, as each finishes.

    prepare() runs in a background thread, up to `workers` batches ahead; infer() runs on
    `workers` threads at once (use the model's CTranslate2 worker count: more would only
    queue inside CTranslate2). With several workers a short batch that finishes first comes
    out first: held back behind a long one, its worker would stay idle (on 2 cores, a batch
    of 3 chunks waited 2.6 s for a batch of 8 beside it). Callers put chunks back in order
    by their index. `batches` may block (a scheduler waiting for work): results already done
    are yielded meanwhile. Closing the generator early (cancel) waits for the batches already
    in the model, since CTranslate2 cannot stop a running batch.
    """
    with Prefetcher(batches, prepare, depth=workers) as prepared:
        if workers <= 1:
            for batch, features in prepared:
                yield batch, infer(batch, features)
            return
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch-infer") as executor:
            in_flight = {}  # future -> batch, in the order they were started
            exhausted = False
            try:
                while in_flight or not exhausted:
                    finished = [future for future in in_flight if future.done()]
                    for future in finished:
                        yield in_flight.pop(future), future.result()
                    if finished:
                        continue
                    if exhausted or len(in_flight) >= workers:
                        wait(in_flight, return_when=FIRST_COMPLETED)
                        continue
                    try:
                        ready = prepared.next_ready(timeout=RESULT_POLL_SECONDS if in_flight else None)
                    except StopIteration:
                        exhausted = True
                        continue
                    if ready is not None:
                        batch, features = ready
                        in_flight[executor.submit(infer, batch, features)] = batch
            finally:
                for future in in_flight:
                    future.cancel()


def available_cores():
    """CPU cores this process may run on (cgroup/affinity aware on Linux)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def batch_size_per_worker(batch_size, workers):
    """Chunks per batch of full 30 s windows when `workers` batches are in the model at once
    (shorter chunks may take more: dynamic_batching.chunks_per_batch).

    The batch size bounds the windows the model holds at a time, whatever the worker count: its
    memory grows with them (cross-attention keys and values for every chunk). Two workers each
    running the whole batch size took the pooled queue of base from 499 MB to 737 MB; with half
    each, 528 MB, and no slower (15.1 s against 18.4 s: smaller batches finish in step).
    """
    return max(1, math.ceil(batch_size / max(1, workers)))


def choose_threads(cores=None, device="cpu"):
    """(intra_threads, inter_threads) for CTranslate2: cpu_threads and num_workers of a WhisperModel.

    On a CPU several batches at once of one thread each beat one batch on every core: Whisper's
    matrices are too small for OpenMP to keep more cores busy, most of all while it generates
    token by token. Measured on 2 cores, the pooled queue and the 5.3-minute recording of the
    engine-fast benchmark with tiny.en and base (int8): one worker of 2 threads used 1.1 cores on
    average; two workers of one thread took 41-54 % less wall time and 10-22 % fewer CPU seconds,
    for the same words (docs/benchmarks.md, "Faster engine"). Only batches that run side by side
    gain (the pooled scheduler, the dynamic runner); the plain faster-whisper pipeline runs one
    batch at a time and keeps every core in one worker (sequential_threads). From 4 cores two or
    four workers of a few threads each, as CTranslate2 advises for throughput (not measured
    here). On a GPU the intra threads only do host-side work.
    """
    if device == "cuda":
        return sequential_threads(cores, device)
    cores = available_cores() if cores is None else max(1, cores)
    if cores < 4:
        return 1, cores
    inter = 2 if cores < 8 else 4
    return cores // inter, inter


def sequential_threads(cores=None, device="cpu"):
    """(intra_threads, inter_threads) for a pipeline that runs one batch at a time."""
    cores = available_cores() if cores is None else max(1, cores)
    return (min(4, cores) if device == "cuda" else cores), 1
