"""Which chunks go into the next pooled batch: earliest deadline first.

Every chunk gets a virtual deadline: when its job became ready plus the speech before the
chunk's end times PACE_SECONDS_PER_SPEECH_SECOND, as if each job were owed progress at a fixed
speed from its arrival. Each batch starts with the earliest deadline, so no job waits
forever: a 20-second file that arrives while a 2-hour file runs has deadlines a second after
its arrival and goes into the next batch, and if short files kept coming, the long file's
deadlines would fall behind the clock and win in turn. The rest of the batch is taken, by
deadline, from the chunks that can share the batch: same key (model, decoding options and
padding bucket).
"""
import itertools
import threading
import time
from dataclasses import dataclass, field

# Close to this machine's CPU speed with tiny.en: a job that is served at least this fast is
# not being starved; the exact value only weighs arrival order against progress made.
PACE_SECONDS_PER_SPEECH_SECOND = 0.05
# While more chunks are coming, the earliest chunk waits for companions of its key at most this
# many full batches of other keys, and at most `partial_after` seconds (next_batch). A streamed
# file is "coming" until it is read: its chunk of a rare padding bucket would otherwise wait
# until then, and every segment after it with it (they are released in order), and a short
# file's chunks would wait behind a long file being read.
MAX_PASSED_OVER = 4


@dataclass(order=True)
class _Entry:
    deadline: float
    sequence: int
    work: object = field(compare=False)
    key: object = field(compare=False)
    queued_at: float = field(default=0.0, compare=False)
    passed_over: int = field(default=0, compare=False)


class FairChunkQueue:
    """Thread-safe set of waiting chunks (dynamic_batching.ChunkWork) of several jobs."""

    def __init__(self, pace=PACE_SECONDS_PER_SPEECH_SECOND):
        self._pace = pace
        self._entries = []
        self._sequence = itertools.count()
        self._speech_queued = {}  # owner -> speech seconds of its chunks queued so far
        self._lock = threading.Lock()

    def __len__(self):
        with self._lock:
            return len(self._entries)

    def add_job(self, works, ready_at, key_of, now=None):
        """Queue a job's chunks (in audio order; a streamed job's in several calls, the later ones
        after the earlier); key_of(chunk) groups chunks that may share a batch."""
        with self._lock:
            for work in works:
                speech_before_end = self._speech_queued.get(work.owner, 0.0) + work.duration
                self._speech_queued[work.owner] = speech_before_end
                deadline = ready_at + speech_before_end * self._pace
                self._entries.append(_Entry(deadline, next(self._sequence), work, key_of(work),
                                            time.monotonic() if now is None else now))

    def remove_owner(self, owner):
        """Drop every waiting chunk of one job (cancelled or failed); returns how many."""
        with self._lock:
            kept = [entry for entry in self._entries if entry.work.owner is not owner]
            removed = len(self._entries) - len(kept)
            self._entries = kept
            self._speech_queued.pop(owner, None)
        return removed

    def next_batch(self, batch_size_for, allow_partial=True, partial_after=None, now=None):
        """Take the earliest deadline and the next ones of its key, batch_size_for(first chunk) in all.

        With allow_partial=False (more chunks are on their way) only a full batch is taken: the
        earliest-deadline key that has enough chunks waiting, or nothing; but once the earliest
        chunk has been passed over MAX_PASSED_OVER times, or has waited `partial_after` seconds,
        its key goes, full or not.
        """
        with self._lock:
            self._entries.sort()
            if not self._entries:
                return []
            earliest = self._entries[0]
            by_key = {}
            for entry in self._entries:
                by_key.setdefault(entry.key, []).append(entry)
            for key, entries in by_key.items():  # keys in the order of their earliest deadline
                batch_size = batch_size_for(entries[0].work)
                overdue = entries[0] is earliest and self._overdue(earliest, partial_after, now)
                if allow_partial or overdue or len(entries) >= batch_size:
                    chosen = entries[:batch_size]
                    break
            else:
                return []
            if chosen[0] is not earliest:
                earliest.passed_over += 1
            chosen_ids = {id(entry) for entry in chosen}
            self._entries = [entry for entry in self._entries if id(entry) not in chosen_ids]
        return [entry.work for entry in chosen]

    @staticmethod
    def _overdue(entry, partial_after, now):
        if entry.passed_over >= MAX_PASSED_OVER:
            return True
        if partial_after is None:
            return False
        return (time.monotonic() if now is None else now) - entry.queued_at >= partial_after
