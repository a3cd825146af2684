"""Cut audio into the ≤30 s windows Whisper's encoder takes, and make their features on demand.

Kept apart from the batch runner on purpose: planning holds only sample offsets, and a chunk's
audio and log-Mel features are built when its batch runs, so a long file never has all its
features in memory at once, and another runner (one pooling chunks of several jobs) can take
the same plan.
"""
from dataclasses import dataclass, field

import numpy as np
from faster_whisper.audio import pad_or_trim
from faster_whisper.vad import VadOptions, get_speech_timestamps

from appliance.engine.files.audio import SAMPLE_RATE

CHUNK_SECONDS = 30
# faster-whisper's batched default: short pauses split speech so chunks pack densely.
DEFAULT_MIN_SILENCE_MS = 160


@dataclass
class Chunk:
    """Speech regions (sample ranges of the original audio) decoded together as one window."""

    clips: list  # [{"start": sample, "end": sample}, ...]
    offset: float  # seconds into the speech-only timeline, where this window starts
    duration: float  # seconds of speech in the window

    @property
    def end_sample(self):
        return self.clips[-1]["end"]

    def metadata(self):
        """The dictionary faster-whisper's batched forward() expects."""
        return {"offset": self.offset, "duration": self.duration, "segments": self.clips}


@dataclass
class ChunkPlan:
    clips: list  # every speech region, in order (maps speech-only time back to file time)
    chunks: list = field(default_factory=list)
    total_samples: int = 0
    # False while a streamed file is still being read: more clips and chunks will follow.
    complete: bool = True
    expected_samples: int = 0  # a streamed file's declared length, for progress estimates

    @property
    def speech_seconds(self):
        return sum(clip["end"] - clip["start"] for clip in self.clips) / SAMPLE_RATE


def plan_chunks(samples, vad=True, vad_parameters=None):
    """Find speech (Silero VAD) or take fixed windows, then group it into ≤30 s chunks."""
    if vad:
        clips = get_speech_timestamps(samples, vad_options(vad_parameters))
    else:
        window = CHUNK_SECONDS * SAMPLE_RATE
        clips = [
            {"start": start, "end": min(start + window, samples.size)}
            for start in range(0, samples.size, window)
        ]
    return ChunkPlan(clips=clips, chunks=group_clips(clips), total_samples=samples.size)


def vad_options(vad_parameters=None):
    """Silero settings: faster-whisper's batched defaults, the caller's, regions of at most 30 s."""
    parameters = {"min_silence_duration_ms": DEFAULT_MIN_SILENCE_MS, **(vad_parameters or {})}
    parameters["max_speech_duration_s"] = CHUNK_SECONDS
    return VadOptions(**parameters)


def group_clips(clips, max_seconds=CHUNK_SECONDS):
    """Pack consecutive clips into chunks of at most max_seconds of speech."""
    grouper = ClipGrouper(max_seconds)
    chunks = [chunk for clip in clips for chunk in grouper.add(clip)]
    return chunks + grouper.finish()


class ClipGrouper:
    """group_clips() for clips that arrive one by one: a chunk is handed out once the clip
    after it no longer fits (or at finish())."""

    def __init__(self, max_seconds=CHUNK_SECONDS):
        self._limit = max_seconds * SAMPLE_RATE
        self._current, self._current_samples, self._before_samples = [], 0, 0

    def add(self, clip):
        length = clip["end"] - clip["start"]
        finished = []
        if self._current and self._current_samples + length > self._limit:
            finished = self.finish()
        self._current.append(clip)
        self._current_samples += length
        return finished

    def first_pending_start(self):
        """Where the clips of the chunk not yet handed out begin (None: there are none)."""
        return self._current[0]["start"] if self._current else None

    def finish(self):
        if not self._current:
            return []
        chunk = Chunk(self._current, self._before_samples / SAMPLE_RATE, self._current_samples / SAMPLE_RATE)
        self._before_samples += self._current_samples
        self._current, self._current_samples = [], 0
        return [chunk]


def chunk_audio(samples, chunk):
    if len(chunk.clips) == 1:
        clip = chunk.clips[0]
        return samples[clip["start"]:clip["end"]]
    return np.concatenate([samples[clip["start"]:clip["end"]] for clip in chunk.clips])


def chunk_features(feature_extractor, samples, chunk):
    """Log-Mel features of one chunk, without the trailing frame, as faster-whisper batches them."""
    return audio_features(feature_extractor, chunk_audio(samples, chunk))


def audio_features(feature_extractor, audio):
    return feature_extractor(audio)[..., :-1]


def batch_features(feature_extractor, samples, chunks):
    """One (batch, n_mels, 3000) array for the encoder."""
    return np.stack([pad_or_trim(chunk_features(feature_extractor, samples, chunk)) for chunk in chunks])
