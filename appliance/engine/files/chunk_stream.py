"""A file's chunks of speech while it decodes, each with its own samples: a window, not the file.

The pooled engine used to decode a whole file into one float32 array (a 2-hour file: 460 MB),
run VAD over all of it, and only then start its first batch. Here decoding (audio.AudioStream),
speech detection (speech_detector.SpeechDetector) and grouping (chunking.ClipGrouper) advance
together; each finished chunk takes a copy of its own speech, and the decoded audio is dropped
once no region still to be handed out can reach back into it. The chunks are those
plan_dynamic_chunks() finds in the whole file (tested), so the transcript does not change.
"""
import os

import numpy as np

from appliance.engine.files.audio import SAMPLE_RATE, AudioStream, is_silent, prepare_samples
from appliance.engine.files.chunking import CHUNK_SECONDS, ChunkPlan, ClipGrouper, vad_options
from appliance.engine.errors import UnsupportedAudioError
from appliance.engine.files.speech_detector import SpeechDetector

# Decoded audio taken per step: one model call of the speech detector.
STEP_SAMPLES = 32 * SAMPLE_RATE


class FixedWindows:
    """The speech regions without VAD: consecutive 30 s windows, as plan_chunks() cuts them."""

    def __init__(self, seconds=CHUNK_SECONDS):
        self._window = seconds * SAMPLE_RATE
        self._next_start = 0
        self.samples_seen = 0

    def feed(self, samples):
        self.samples_seen += samples.size
        regions = []
        while self.samples_seen >= self._next_start + self._window:
            regions.append({"start": self._next_start, "end": self._next_start + self._window})
            self._next_start += self._window
        return regions

    def finish(self):
        if self._next_start >= self.samples_seen:
            return []
        region = {"start": self._next_start, "end": self.samples_seen}
        self._next_start = self.samples_seen
        return [region]

    def earliest_needed_sample(self):
        return self._next_start


class ChunkStream:
    """Iterate to read the file step by step; each step yields [(chunk, samples), ...] (maybe empty).

    `plan` grows as the file is read (its clips map speech time back to file time), and is
    `complete` after the last step. Chunks whose audio is silent are left out of the plan: as
    for a silent file, Whisper would only invent text there.
    """

    def __init__(self, pieces, expected_samples, vad=True, vad_parameters=None, max_chunk_seconds=CHUNK_SECONDS):
        self._pieces = iter(pieces)
        self._regions = SpeechDetector(vad_options(vad_parameters)) if vad else FixedWindows()
        self._grouper = ClipGrouper(max_chunk_seconds)
        self.plan = ChunkPlan(clips=[], chunks=[], total_samples=0, complete=False,
                              expected_samples=expected_samples)
        self._held = np.zeros(0, dtype=np.float32)  # decoded samples still needed, from _held_start on
        self._held_start = 0

    @property
    def held_samples(self):
        return self._held.size

    def __iter__(self):
        ended = False
        while not ended:
            pieces, size = [], 0
            for piece in self._pieces:
                pieces.append(piece)
                size += piece.size
                if size >= STEP_SAMPLES:
                    break
            else:
                ended = True
            yield self._take(pieces, ended)

    def _take(self, pieces, ended):
        audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        self._held = np.concatenate([self._held, audio]) if self._held.size else audio
        self.plan.total_samples += audio.size
        regions = self._regions.feed(audio) if audio.size else []
        if ended:
            regions += self._regions.finish()
        chunks = [chunk for region in regions for chunk in self._grouper.add(region)]
        self.plan.clips.extend(regions)
        if ended:
            chunks += self._grouper.finish()
        found = []
        for chunk in chunks:
            samples = np.concatenate([self._slice(clip) for clip in chunk.clips])
            if not is_silent(samples):
                self.plan.chunks.append(chunk)
                found.append((chunk, samples))
        self._forget_before(self.plan.total_samples if ended else self._earliest_needed())
        if ended:
            self.plan.complete = True
        return found

    def _slice(self, clip):
        return self._held[clip["start"] - self._held_start:clip["end"] - self._held_start]

    def _earliest_needed(self):
        pending = self._grouper.first_pending_start()
        earliest = self._regions.earliest_needed_sample()
        return earliest if pending is None else min(pending, earliest)

    def _forget_before(self, sample):
        drop = max(0, min(sample - self._held_start, self._held.size))
        if drop:
            self._held = self._held[drop:].copy()  # a copy, so the dropped part is freed
            self._held_start += drop


def chunk_stream_of(source, max_duration_seconds, vad=True, vad_parameters=None, max_chunk_seconds=CHUNK_SECONDS):
    """A ChunkStream over a file path (decoded as it is read) or an array already in memory."""
    if isinstance(source, np.ndarray):
        samples = prepare_samples(source, max_duration_seconds)
        pieces = (samples[start:start + STEP_SAMPLES] for start in range(0, samples.size, STEP_SAMPLES))
        return ChunkStream(pieces, samples.size, vad, vad_parameters, max_chunk_seconds)
    if not isinstance(source, (str, os.PathLike)):
        raise UnsupportedAudioError("The audio must be given as a file path or an array of 16 kHz mono samples.")
    stream = AudioStream(source, max_duration_seconds)
    return ChunkStream(stream, int(stream.info.duration_seconds * SAMPLE_RATE), vad, vad_parameters,
                       max_chunk_seconds)
