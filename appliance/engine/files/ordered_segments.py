"""Chunk results that arrive out of order, handed on in the order of the audio.

Dynamic batching decodes a file's chunks by length, and pooling mixes them with other
files' chunks, so chunk 7 may be done before chunk 2. Progress callbacks and the final
result still get segments in time order with consecutive ids: a chunk's segments are
released once every chunk before it is done.

A streamed file's plan grows while it is read. Speech time maps back to file time through
the speech regions, and a timestamp of a chunk can lie up to a window (30 s) past the
chunk's start; so a chunk is released once the regions known reach that far (or the file
has been read), and its timestamps are those the whole file's regions give.
"""
from faster_whisper.transcribe import restore_speech_timestamps

from appliance.engine.files.audio import SAMPLE_RATE
from appliance.engine.files.chunking import CHUNK_SECONDS
from appliance.engine.files.run_outcome import convert_segments

# Progress of a file still being read stays under this: its speech is only estimated.
UNREAD_FRACTION_CAP = 0.99


class OrderedSegments:
    def __init__(self, plan):
        self._plan = plan
        self._waiting = {}  # chunk index -> faster-whisper segments (speech-only time)
        self._next_index = 0
        self._speech_samples_done = 0
        self._fraction = 0.0
        self.segments = []  # released so far, file time, ids 0..n-1

    @property
    def complete(self):
        return self._plan.complete and self._next_index >= len(self._plan.chunks)

    @property
    def fraction_done(self):
        """Speech decoded / all speech: grows with every chunk, whatever the order. While a file
        is being read, its speech is extrapolated from the part read so far."""
        plan = self._plan
        total = sum(chunk.duration for chunk in plan.chunks)
        if not plan.complete and plan.total_samples:
            total = max(total, total * plan.expected_samples / plan.total_samples)
        done = self._speech_samples_done / SAMPLE_RATE
        fraction = min(1.0, done / total) if total else float(plan.complete)
        if not plan.complete:
            fraction = min(fraction, UNREAD_FRACTION_CAP)
        self._fraction = max(self._fraction, fraction)
        return self._fraction

    def add(self, index, whisper_segments):
        """Record chunk `index`; return the segments that became releasable (maybe none)."""
        self._waiting[index] = whisper_segments
        chunk = self._plan.chunks[index]
        self._speech_samples_done += sum(clip["end"] - clip["start"] for clip in chunk.clips)
        return self.release()

    def release(self):
        """Segments of done chunks that became releasable (more of the file was read, or all)."""
        released = []
        while self._next_index in self._waiting and self._mappable(self._plan.chunks[self._next_index]):
            restored = restore_speech_timestamps(self._waiting.pop(self._next_index), self._plan.clips, SAMPLE_RATE)
            new_segments = convert_segments(restored, first_id=len(self.segments) + len(released))
            released.extend(new_segments)
            self._next_index += 1
        self.segments.extend(released)
        return released

    def _mappable(self, chunk):
        return self._plan.complete or self._plan.speech_seconds >= chunk.offset + CHUNK_SECONDS
