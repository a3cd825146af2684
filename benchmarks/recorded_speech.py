"""Real recorded speech for tests and benchmarks, from the package index (never a model hub).

espeak-ng voices differ more than people do, so a diarization test on them alone proves little.
The pocketsphinx source distribution on PyPI carries real recordings in its test data: five
LibriVox clips of one reader (Sense and Sensibility, public domain, 24.7 s) and one channel of an
ICSI meeting (another speaker, 20.9 s at 11.025 kHz). `recorded_conversation()` lets the two take
turns with real 0.6-1.2 s pauses, 16 kHz mono, and returns the true turns.

The archive (34 MB) is fetched once with pip into a cache outside the tree and checked against its
SHA-256: `python -m benchmarks.recorded_speech fetch` (the Makefile's `test` target does it).
"""
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.conversation import SAMPLE_RATE, Turn, read_wav, write_wav
from benchmarks.speech import convert

PACKAGE, VERSION = "pocketsphinx", "5.1.1"
ARCHIVE_SHA256 = "675778b309a22dfc9b7d37f7621976bba491d2a5f8c59696bd77fd6d07271355"
PREFIX = f"{PACKAGE}-{VERSION}/test/"
LIBRIVOX = [f"data/librivox/sense_and_sensibility_01_austen_64kb-0{n}.wav" for n in (870, 880, 890, 920, 930)]
# What the reader says in each clip, as the archive transcribes it (lower case, no punctuation).
LIBRIVOX_TEXTS = [name.removesuffix(".wav") + ".txt" for name in LIBRIVOX]
MEETING = "regression/chan3.wav"
FILES = LIBRIVOX + LIBRIVOX_TEXTS + [MEETING]
# The pauses between the reader's sentences in recorded_reading(), in turn (breaths of a reader).
READING_PAUSES = (0.8, 1.2, 0.6, 1.0, 0.9)


def cache_dir():
    configured = os.environ.get("WHISPER_APPLIANCE_SPEECH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "whisper-appliance" / "recorded-speech"


def fetch():
    """The recordings' directory, downloading and unpacking the archive first if needed."""
    target = cache_dir() / f"{PACKAGE}-{VERSION}"
    if all((target / name).is_file() for name in FILES):
        return target
    with tempfile.TemporaryDirectory() as download:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "--disable-pip-version-check", f"{PACKAGE}=={VERSION}", "-d", download], check=True)
        archive = Path(download) / f"{PACKAGE}-{VERSION}.tar.gz"
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        if digest != ARCHIVE_SHA256:
            raise RuntimeError(f"{archive.name} has SHA-256 {digest}, expected {ARCHIVE_SHA256}: not unpacked")
        with tarfile.open(archive) as bundle:
            for name in FILES:
                member = bundle.getmember(PREFIX + name)
                destination = target / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(bundle.extractfile(member).read())
    return target


def _samples(path, work):
    """16 kHz mono float32 samples of a recording (resampled with ffmpeg)."""
    return read_wav(convert(path, Path(work) / "resampled.wav", "-ar", str(SAMPLE_RATE), "-ac", "1"))


def _quietest_cut(samples, around_seconds, within_seconds=1.5, frame_seconds=0.2):
    """The sample index at the middle of the quietest frame near `around_seconds`: a breath."""
    frame = int(frame_seconds * SAMPLE_RATE)
    start = int((around_seconds - within_seconds) * SAMPLE_RATE)
    end = int((around_seconds + within_seconds) * SAMPLE_RATE)
    energies = [(float(np.sum(samples[i:i + frame] ** 2)), i) for i in range(start, end - frame, frame // 4)]
    return min(energies)[1] + frame // 2


def recorded_conversation(directory, name="recorded-conversation.wav"):
    """A 16 kHz mono WAV of the reader and the meeting speaker in turns; returns (path, [Turn, ...]).

    Speaker 0 is the LibriVox reader, speaker 1 the meeting speaker; about 48 s in 7 turns."""
    source = fetch()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    reader = [_samples(source / clip, directory) for clip in LIBRIVOX]
    meeting = _samples(source / MEETING, directory)
    first, second = _quietest_cut(meeting, 7.0), _quietest_cut(meeting, 14.0)
    colleague = [meeting[:first], meeting[first:second], meeting[second:]]
    order = [(0, reader[0]), (1, colleague[0]), (0, np.concatenate(reader[1:3])), (1, colleague[1]),
             (0, reader[3]), (1, colleague[2]), (0, reader[4])]
    pauses = (0.8, 1.2, 0.6, 1.0, 0.9, 0.7)
    pieces, turns, position = [], [], 0.0
    for index, (speaker, samples) in enumerate(order):
        if index:
            gap = np.zeros(int(pauses[index - 1] * SAMPLE_RATE), dtype=np.float32)
            pieces.append(gap)
            position += len(gap) / SAMPLE_RATE
        pieces.append(samples)
        turns.append(Turn(round(position, 3), round(position + len(samples) / SAMPLE_RATE, 3), speaker, ""))
        position += len(samples) / SAMPLE_RATE
    return write_wav(directory / name, np.concatenate(pieces)), turns


def recorded_reading(directory, name="recorded-reading.wav"):
    """The LibriVox reader's five clips in order with real pauses between them, 16 kHz mono (about
    29 s); returns (path, the text read). A recording of real speech with a true transcript, for
    accuracy figures beside espeak-ng's (the long suite repeats it to 30 minutes and more)."""
    source = fetch()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    pieces = []
    for index, clip in enumerate(LIBRIVOX):
        pieces.append(_samples(source / clip, directory))
        pieces.append(np.zeros(int(READING_PAUSES[index] * SAMPLE_RATE), dtype=np.float32))
    text = " ".join(" ".join((source / name).read_text(encoding="utf-8").split()) for name in LIBRIVOX_TEXTS)
    return write_wav(directory / name, np.concatenate(pieces)), text


if __name__ == "__main__":
    if sys.argv[1:] != ["fetch"]:
        sys.exit("usage: python -m benchmarks.recorded_speech fetch")
    print(fetch())
