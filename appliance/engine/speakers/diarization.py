"""Who speaks when: speech regions, one voice print per window, speakers from the clustering.

Windows of WINDOW_SECONDS follow each other inside every speech region (the last one ends at
the region's end), so each second of speech is embedded once. Every window's speaker then
holds the part of its region nearest to the window's centre; the turns are those stretches,
joined when the same speaker goes on after a pause.
"""
import time
from dataclasses import asdict, dataclass

import numpy as np

from ..errors import TranscriptionCancelled
from .clustering import cluster
from .features import SAMPLE_RATE
from .options import DiarizationOptions
from .speech_regions import speech_regions

WINDOW_SECONDS = 1.5
# A region shorter than this gets no window of its own: it joins its neighbours' speaker.
MIN_WINDOW_SECONDS = 0.4


@dataclass
class SpeakerTurn:
    start: float
    end: float
    speaker: str  # "SPEAKER_1", "SPEAKER_2", ... in order of first appearance


@dataclass
class Diarization:
    turns: list
    speakers: list  # [{"id": "SPEAKER_1", "seconds": 12.3}, ...]
    seconds: float  # processing time
    model: str = ""

    def to_dict(self):
        return {"turns": [asdict(turn) for turn in self.turns], "speakers": self.speakers,
                "seconds": round(self.seconds, 3), "model": self.model}


def speaker_id(label):
    return f"SPEAKER_{label + 1}"


def windows_of(regions):
    windows, owners = [], []
    for index, (start, end) in enumerate(regions):
        position = start
        while end - position >= WINDOW_SECONDS * 1.5:
            windows.append((position, position + WINDOW_SECONDS))
            owners.append(index)
            position += WINDOW_SECONDS
        if end - position >= MIN_WINDOW_SECONDS or position == start:
            windows.append((position, end))
            owners.append(index)
    return windows, owners


def diarize(samples, embedder, options=None, cancel=None, model_name=""):
    """Diarization of 16 kHz mono float32 `samples` with a VoiceEmbedder."""
    options = (options or DiarizationOptions()).validate()
    started = time.perf_counter()
    regions = speech_regions(samples)
    _check(cancel)
    windows, owners = windows_of(regions)
    if not windows:
        return Diarization([], [], time.perf_counter() - started, model_name)
    embeddings = embedder.embed(samples, windows, cancel=cancel)
    _check(cancel)
    labels = cluster(embeddings, exact=options.speakers, minimum=options.min_speakers or 1,
                     maximum=options.max_speakers)
    turns = _turns(regions, windows, owners, labels)
    return Diarization(turns, _speaker_totals(turns), time.perf_counter() - started, model_name)


def _check(cancel):
    if cancel is not None and cancel.is_set():
        raise TranscriptionCancelled()


def _turns(regions, windows, owners, labels):
    owners = np.asarray(owners)
    centres = np.array([(start + end) / 2 for start, end in windows])
    pieces = []
    for index, (start, end) in enumerate(regions):
        mine = np.flatnonzero(owners == index)
        if len(mine) == 0:
            # Too short for a window of its own: the speaker of the nearest window.
            nearest = int(np.argmin(np.abs(centres - (start + end) / 2)))
            pieces.append([start, end, int(labels[nearest])])
            continue
        bounds = [start] + [(centres[a] + centres[b]) / 2 for a, b in zip(mine, mine[1:])] + [end]
        for position, window in enumerate(mine):
            pieces.append([bounds[position], bounds[position + 1], int(labels[window])])
    merged = []
    for start, end, label in pieces:
        if merged and merged[-1][2] == label:
            merged[-1][1] = end
        else:
            merged.append([start, end, label])
    return [SpeakerTurn(round(float(start), 3), round(float(end), 3), speaker_id(label)) for start, end, label in merged]


def _speaker_totals(turns):
    totals = {}
    for turn in turns:
        totals[turn.speaker] = totals.get(turn.speaker, 0.0) + turn.end - turn.start
    return [{"id": speaker, "seconds": round(float(seconds), 2)} for speaker, seconds in totals.items()]


def samples_seconds(samples):
    return len(samples) / SAMPLE_RATE
