"""A preallocated ring of the most recent audio of one live stream.

Samples are addressed by their absolute index since the stream began, so timestamps stay valid
while old audio is dropped from the front. Appending copies into the preallocated array (no
reallocation, O(1) per sample); reading a window returns one contiguous copy for the model."""
import numpy as np


class RingBufferOverflow(ValueError):
    """More audio than the ring can hold; the caller must trim first."""


class AudioRingBuffer:
    def __init__(self, capacity_samples: int):
        if capacity_samples <= 0:
            raise ValueError("capacity_samples must be positive")
        self._data = np.zeros(capacity_samples, dtype=np.float32)
        self._start = 0  # absolute index of the oldest sample still held
        self._end = 0  # absolute index one past the newest sample

    @property
    def capacity(self) -> int:
        return len(self._data)

    @property
    def start(self) -> int:
        return self._start

    @property
    def end(self) -> int:
        return self._end

    def __len__(self) -> int:
        return self._end - self._start

    @property
    def free(self) -> int:
        return self.capacity - len(self)

    def append(self, samples: np.ndarray) -> None:
        count = len(samples)
        if count > self.free:
            raise RingBufferOverflow(f"{count} samples do not fit, {self.free} free")
        position = self._end % self.capacity
        first = min(count, self.capacity - position)
        self._data[position : position + first] = samples[:first]
        # The part that runs past the end of the array wraps to its beginning.
        self._data[: count - first] = samples[first:]
        self._end += count

    def trim_before(self, absolute_index: int) -> None:
        """Drops every sample older than absolute_index (clamped to what is held)."""
        self._start = max(self._start, min(absolute_index, self._end))

    def clear(self) -> None:
        self._start = self._end

    def window(self, start: int | None = None, end: int | None = None) -> np.ndarray:
        """A contiguous copy of the samples in [start, end), absolute indices, clamped."""
        start = self._start if start is None else max(start, self._start)
        end = self._end if end is None else min(end, self._end)
        if end <= start:
            return np.zeros(0, dtype=np.float32)
        first = start % self.capacity
        last = first + (end - start)
        if last <= self.capacity:
            return self._data[first:last].copy()
        return np.concatenate((self._data[first:], self._data[: last - self.capacity]))
