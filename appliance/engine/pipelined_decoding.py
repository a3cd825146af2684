"""Pipelining: the next batch's audio slicing and log-Mel features overlap the current inference.

Feature extraction (NumPy STFT) and batch selection run in Python; CTranslate2 releases the
GIL while it encodes and generates. So a background thread prepares batch n+1 while batch n
is in the model, and with a model of several CTranslate2 workers (inter_threads) several
batches are in the model at once, each on its own replica. Results come back in the order
the batches were prepared.
"""
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor

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
    """Yield (batch, infer(batch, prepare(batch))) in batch order.

    prepare() runs in a background thread, up to `workers` batches ahead; infer() runs on
    `workers` threads at once (use the model's CTranslate2 worker count: more would only
    queue inside CTranslate2). `batches` may block (a scheduler waiting for work): results
    already done are yielded meanwhile. Closing the generator early (cancel) waits for the
    batches already in the model, since CTranslate2 cannot stop a running batch.
    """
    with Prefetcher(batches, prepare, depth=workers) as prepared:
        if workers <= 1:
            for batch, features in prepared:
                yield batch, infer(batch, features)
            return
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch-infer") as executor:
            in_flight = []
            try:
                while True:
                    if in_flight and (len(in_flight) >= workers or in_flight[0][1].done()):
                        batch, future = in_flight.pop(0)
                        yield batch, future.result()
                        continue
                    try:
                        ready = prepared.next_ready(timeout=RESULT_POLL_SECONDS if in_flight else None)
                    except StopIteration:
                        break
                    if ready is not None:
                        batch, features = ready
                        in_flight.append((batch, executor.submit(infer, batch, features)))
                while in_flight:
                    batch, future = in_flight.pop(0)
                    yield batch, future.result()
            finally:
                for _, future in in_flight:
                    future.cancel()


def available_cores():
    """CPU cores this process may run on (cgroup/affinity aware on Linux)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def choose_threads(cores=None, device="cpu"):
    """(intra_threads, inter_threads) for CTranslate2: cpu_threads and num_workers of a WhisperModel.

    On 2 cores, one worker with both cores cost fewer CPU seconds per audio second than two
    workers of one core (tiny.en int8, 5 minutes of speech: 7.0 s against 7.9 s; docs/benchmarks.md,
    "Faster engine"), so small machines keep one worker and pipelining only overlaps the
    feature extraction. From 4 cores, several workers of a few cores each are CTranslate2's
    advice for throughput (Whisper's matrices are too small to keep many cores busy in one
    batch); not measured here. On a GPU the intra threads only do host-side work.
    """
    cores = available_cores() if cores is None else max(1, cores)
    if device == "cuda":
        return min(4, cores), 1
    if cores < 4:
        return cores, 1
    inter = 2 if cores < 8 else 4
    return cores // inter, inter
