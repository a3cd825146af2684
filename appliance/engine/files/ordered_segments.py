"""Chunk results that arrive out of order, handed on in the order of the audio.

Dynamic batching decodes a file's chunks by length, and pooling mixes them with other
files' chunks, so chunk 7 may be done before chunk 2. Progress callbacks and the final
result still get segments in time order with consecutive ids: a chunk's segments are
released once every chunk before it is done.
"""
from faster_whisper.transcribe import restore_speech_timestamps

from appliance.engine.files.audio import SAMPLE_RATE
from appliance.engine.files.run_outcome import convert_segments


class OrderedSegments:
    def __init__(self, plan):
        self._plan = plan
        self._waiting = {}  # chunk index -> faster-whisper segments (speech-only time)
        self._next_index = 0
        self._speech_samples_done = 0
        self.segments = []  # released so far, file time, ids 0..n-1

    @property
    def complete(self):
        return self._next_index >= len(self._plan.chunks)

    @property
    def fraction_done(self):
        """Speech decoded / all speech: grows with every chunk, whatever the order."""
        total = sum(chunk.duration for chunk in self._plan.chunks)
        done = self._speech_samples_done / SAMPLE_RATE
        return min(1.0, done / total) if total else 1.0

    def add(self, index, whisper_segments):
        """Record chunk `index`; return the segments that became releasable (maybe none)."""
        self._waiting[index] = whisper_segments
        chunk = self._plan.chunks[index]
        self._speech_samples_done += sum(clip["end"] - clip["start"] for clip in chunk.clips)
        released = []
        while self._next_index in self._waiting:
            restored = restore_speech_timestamps(self._waiting.pop(self._next_index), self._plan.clips, SAMPLE_RATE)
            new_segments = convert_segments(restored, first_id=len(self.segments) + len(released))
            released.extend(new_segments)
            self._next_index += 1
        self.segments.extend(released)
        return released
