"""Who speaks when: speech regions, one voice print per window, speakers from the clustering.

A window of WINDOW_SECONDS starts every STEP_SECONDS inside every speech region (a region
shorter than a window is one window). Every window's speaker then
holds the part of its region nearest to the window's centre; the turns are those stretches,
joined when the same speaker goes on after a pause.
"""
import time
from dataclasses import asdict, dataclass

import numpy as np

from appliance.engine.errors import TranscriptionCancelled
from appliance.engine.speakers.clustering import cluster
from appliance.engine.speakers.features import SAMPLE_RATE
from appliance.engine.speakers.options import DiarizationOptions
from appliance.engine.speakers.speech_regions import speech_regions

WINDOW_SECONDS = 1.5
# One window every STEP_SECONDS: half the speech is embedded, the model's work halves, and the
# turns still come out whole (docs/benchmarks.md, "Speaker diarization").
STEP_SECONDS = 3.0


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


def windows_of(regions, window=WINDOW_SECONDS, step=STEP_SECONDS):
    """Windows [(start, end)] and the region each belongs to: every `step` seconds one of
    `window` seconds, a region shorter than a window whole, and a last one at a long tail."""
    windows, owners = [], []
    for index, (start, end) in enumerate(regions):
        mine = []
        position = start
        while position + window <= end + 1e-6:
            mine.append((position, position + window))
            position += step
        if not mine:
            mine.append((start, end))
        elif end - mine[-1][1] >= step / 2:
            mine.append((end - window, end))
        windows += mine
        owners += [index] * len(mine)
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
