"""Conversations of several espeak-ng voices with known ground truth, for diarization tests
and the speakers benchmark.

Each turn is one to three corpus sentences (2-8 s) spoken by the next voice, separated by a
gap of 0.3-1 s of silence; the truth lists every turn's start, end, speaker and text. The
random source is seeded, so a conversation is the same on every machine.
"""
import itertools
import random
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.speech import ENGLISH_SENTENCES, convert, synthesize

SAMPLE_RATE = 16000
# Clearly different voices: a low male American voice and a high female British one (the
# variants change formants and pitch), then two more for larger tests.
VOICES = (
    ("en-us+m3", 35),
    ("en-gb+f4", 75),
    ("en-gb-scotland+m1", 50),
    ("en-us+f2", 90),
)


@dataclass
class Turn:
    start: float
    end: float
    speaker: int
    text: str


def conversation(directory, speakers=2, minimum_seconds=60, seed=1, name="conversation.wav"):
    """A 16 kHz mono WAV of `speakers` voices taking turns; returns (path, [Turn, ...])."""
    generator = random.Random(seed)
    directory = Path(directory)
    pieces, turns, position, index = [], [], 0.0, 0
    while position < minimum_seconds:
        speaker = len(turns) % speakers
        count = generator.choice((1, 1, 2, 2, 3))
        text = " ".join(ENGLISH_SENTENCES[(index + offset) % len(ENGLISH_SENTENCES)] for offset in range(count))
        index += count
        samples = _spoken(directory, text, *VOICES[speaker])
        if len(samples) > 8.5 * SAMPLE_RATE and count > 1:
            index -= count - 1
            text = ENGLISH_SENTENCES[(index - 1) % len(ENGLISH_SENTENCES)]
            samples = _spoken(directory, text, *VOICES[speaker])
        gap = np.zeros(int(generator.uniform(0.3, 1.0) * SAMPLE_RATE), dtype=np.float32)
        if pieces:
            pieces.append(gap)
            position += len(gap) / SAMPLE_RATE
        pieces.append(samples)
        turns.append(Turn(round(position, 3), round(position + len(samples) / SAMPLE_RATE, 3), speaker, text))
        position += len(samples) / SAMPLE_RATE
    path = directory / name
    write_wav(path, np.concatenate(pieces))
    return path, turns


def _spoken(directory, text, voice, pitch):
    raw = synthesize(text, directory / "turn-raw.wav", voice=voice, pitch=pitch)
    resampled = convert(raw, directory / "turn-16k.wav", "-ar", str(SAMPLE_RATE), "-ac", "1")
    samples = read_wav(resampled)
    return _trim_silence(samples)


def _trim_silence(samples, threshold=0.01):
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if len(loud) == 0:
        return samples
    return samples[max(0, loud[0] - 160): loud[-1] + 160]


def read_wav(path):
    with wave.open(str(path), "rb") as handle:
        frames = handle.readframes(handle.getnframes())
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0


def write_wav(path, samples):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        handle.writeframes(pcm.tobytes())
    return path


def speaker_at(turns, moment):
    """The true speaker at `moment` seconds (the nearest turn in a gap)."""
    return min(turns, key=lambda turn: 0 if turn.start <= moment <= turn.end else min(
        abs(moment - turn.start), abs(moment - turn.end))).speaker


def best_mapping_accuracy(pairs):
    """Share of (true speaker, found label) pairs that agree under the best one-to-one mapping
    of found labels to true speakers (labels left unmapped count as wrong)."""
    if not pairs:
        return 0.0
    truths = sorted({truth for truth, _ in pairs})
    labels = sorted({label for _, label in pairs}, key=str)
    counts = {(truth, label): 0 for truth in truths for label in labels}
    for pair in pairs:
        counts[pair] += 1
    best = 0
    if len(labels) >= len(truths):
        for chosen in itertools.permutations(labels, len(truths)):
            best = max(best, sum(counts[truth, label] for truth, label in zip(truths, chosen)))
    else:
        for chosen in itertools.permutations(truths, len(labels)):
            best = max(best, sum(counts[truth, label] for truth, label in zip(chosen, labels)))
    return best / len(pairs)


def word_speaker_accuracy(words, turns):
    """Word-level speaker accuracy of words carrying `.speaker` (midpoint's true speaker)."""
    return best_mapping_accuracy([(speaker_at(turns, (word.start + word.end) / 2), word.speaker) for word in words])


def diarization_error_rate(turns, found, resolution=0.01):
    """DER without a collar: (missed + false alarm + confusion) / reference speech, best mapping.

    found: objects with .start, .end, .speaker."""
    length = int(max([turn.end for turn in turns] + [turn.end for turn in found]) / resolution) + 1
    truth = np.full(length, -1)
    for turn in turns:
        truth[int(turn.start / resolution):int(turn.end / resolution)] = turn.speaker
    names = {}
    hypothesis = np.full(length, -1)
    for turn in found:
        hypothesis[int(turn.start / resolution):int(turn.end / resolution)] = names.setdefault(turn.speaker, len(names))
    reference = int((truth >= 0).sum())
    missed = int(((truth >= 0) & (hypothesis < 0)).sum())
    false_alarm = int(((truth < 0) & (hypothesis >= 0)).sum())
    both = (truth >= 0) & (hypothesis >= 0)
    matched = best_mapping_accuracy(list(zip(truth[both].tolist(), hypothesis[both].tolist()))) * int(both.sum())
    confusion = int(both.sum()) - matched
    return (missed + false_alarm + confusion) / reference if reference else 0.0
