"""Reference speech made on the spot with espeak-ng (no recordings in the repository).

Used by benchmark suites and by tests: `synthesize()` speaks one text into a WAV file,
`reference_speech()` builds a long English recording from the corpus below and returns the
text that was spoken, so word error rates can be computed.
"""
import math
import shutil
import subprocess
import wave
from pathlib import Path

ENGLISH_SENTENCES = (
    "The weather today is sunny with a light wind from the west.",
    "Please send the report to the office before five o'clock.",
    "We will meet in the small room on the second floor.",
    "The train to the city leaves every twenty minutes.",
    "She bought fresh bread, milk and apples at the market.",
    "Our team finished the project two days ahead of time.",
    "The children played in the park until it got dark.",
    "He reads a book every night before he goes to sleep.",
    "The new library opens next Monday at nine in the morning.",
    "Remember to turn off the lights when you leave the house.",
    "The doctor said that a short walk every day is good for you.",
    "My brother lives near the river in a small green house.",
    "The price of coffee went up again this year.",
    "They planted tomatoes and beans in the garden last spring.",
    "The museum has a large collection of old paintings.",
    "Can you tell me the way to the nearest train station?",
    "The meeting was moved from Tuesday to Thursday afternoon.",
    "Water boils at one hundred degrees at sea level.",
    "The cat sleeps on the warm window sill all afternoon.",
    "We need more chairs for the guests in the dining room.",
    "The store closes early on Sunday evenings.",
    "A good night of sleep helps you think more clearly.",
    "The pilot told the passengers that the flight would land soon.",
    "Our neighbors are painting their fence white this weekend.",
    "The river flows through the valley and into the sea.",
    "Please write your name and address at the top of the page.",
    "The students asked the teacher many questions about the test.",
    "Fresh snow covered the mountains during the night.",
    "The phone rang three times before anyone answered it.",
    "We walked along the beach and watched the sun go down.",
    "The bakery on the corner sells the best cakes in town.",
    "It is important to drink enough water when it is hot.",
    "The old bridge was closed for repairs last summer.",
    "He forgot his umbrella and got wet in the rain.",
    "The concert starts at eight, so we should leave at seven.",
    "Most birds fly south when the days get shorter.",
)

SAMPLE_TEXTS = {
    "en": "The weather today is sunny with a light wind from the west. "
          "Please send the report to the office before five o'clock.",
    "de": "Heute ist das Wetter schön und die Sonne scheint. "
          "Wir fahren morgen mit dem Zug nach Berlin und besuchen unsere Freunde.",
    "es": "Hoy hace buen tiempo y el sol brilla en el cielo. "
          "Mañana vamos a la ciudad en tren para visitar a nuestros amigos.",
    # espeak-ng's French is the least natural of its voices: base heard Thai in "Il fait beau
    # aujourd'hui..." and fell into repetition loops on two other texts. These words it hears.
    "fr": "Bonjour à tous. Nous avons une réunion importante demain matin à neuf heures. "
          "Merci de préparer vos documents.",
}
VOICES = {"en": "en-us", "de": "de", "es": "es", "fr": "fr-fr"}
# espeak-ng speaks about 175 words a minute at its default speed.
WORDS_PER_SECOND = 175 / 60


def espeak_available():
    return shutil.which("espeak-ng") is not None


def synthesize(text, path, voice="en-us", words_per_minute=None, pitch=None):
    """Speak `text` into a 22.05 kHz mono WAV file at `path`; return the path (pitch: 0-99)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    command = ["espeak-ng", "-v", voice, "-w", str(path)]
    if words_per_minute:
        command += ["-s", str(words_per_minute)]
    if pitch is not None:
        command += ["-p", str(pitch)]
    subprocess.run(command + [text], check=True, capture_output=True, timeout=600)
    return path


def wav_seconds(path):
    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / handle.getframerate()


def corpus_text(minimum_seconds):
    """English sentences from the corpus, repeated in order, enough for `minimum_seconds`."""
    words_needed = minimum_seconds * WORDS_PER_SECOND * 1.05
    sentences, words = [], 0
    while words < words_needed:
        sentence = ENGLISH_SENTENCES[len(sentences) % len(ENGLISH_SENTENCES)]
        sentences.append(sentence)
        words += len(sentence.split())
    return " ".join(sentences)


def reference_speech(directory, minimum_seconds, name="reference.wav"):
    """A WAV of English speech lasting at least `minimum_seconds`; returns (path, spoken text)."""
    path = Path(directory) / name
    target = minimum_seconds
    while True:
        text = corpus_text(target)
        synthesize(text, path)
        seconds = wav_seconds(path)
        if seconds >= minimum_seconds:
            return path, text
        target = minimum_seconds * (target / seconds) * 1.02


def convert(source, destination, *ffmpeg_arguments, picture=None):
    """Re-encode `source` with ffmpeg (codec, rate, channels given as ffmpeg arguments).

    picture: an ffmpeg lavfi source (e.g. "color=c=black:s=64x64:r=5") to add a video track,
    for tests of video containers.
    """
    destination = Path(destination)
    inputs = ["-i", str(source)]
    if picture:
        inputs = ["-f", "lavfi", "-i", picture, *inputs, "-shortest"]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-y", "-loglevel", "error", *inputs, *ffmpeg_arguments, str(destination)],
        check=True, capture_output=True, timeout=600,
    )
    return destination


# Two voices that tiny.en hears well, for speech where the speaker changes.
CONVERSATION_VOICES = ("en-us", "en-gb")
# Pauses between sentences, in turn: people leave 1-2 s between sentences when they read aloud.
CONVERSATION_PAUSES = (1.0, 1.6, 1.2, 2.0, 1.4)
CONVERSATION_RATE = 16000


def conversation_speech(directory, minimum_seconds, name="conversation.wav"):
    """English sentences from the corpus, spoken by CONVERSATION_VOICES in turn with the pauses
    of CONVERSATION_PAUSES between them, as a 16 kHz mono WAV lasting at least
    `minimum_seconds`; returns (path, spoken text)."""
    import numpy as np

    directory = Path(directory)
    parts, sentences, samples = [], [], 0
    while samples < minimum_seconds * CONVERSATION_RATE:
        index = len(sentences)
        sentence = ENGLISH_SENTENCES[index % len(ENGLISH_SENTENCES)]
        if index:
            pause = CONVERSATION_PAUSES[(index - 1) % len(CONVERSATION_PAUSES)]
            parts.append(np.zeros(int(pause * CONVERSATION_RATE), dtype="<i2"))
        spoken = synthesize(sentence, directory / f"{name}.part.wav", CONVERSATION_VOICES[index % 2])
        parts.append(_trimmed_pcm16(spoken))
        sentences.append(sentence)
        samples = sum(len(part) for part in parts)
    (directory / f"{name}.part.wav").unlink(missing_ok=True)
    path = directory / name
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(CONVERSATION_RATE)
        handle.writeframes(np.concatenate(parts).tobytes())
    return path, " ".join(sentences)


def _trimmed_pcm16(path):
    """The speech of a WAV file as 16 kHz PCM16 samples, without espeak-ng's silent ends (so the
    pauses between sentences are the ones chosen)."""
    import numpy as np

    raw = subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(path), "-ac", "1", "-ar", str(CONVERSATION_RATE),
         "-f", "s16le", "-"],
        check=True, capture_output=True, timeout=600,
    ).stdout  # fmt: skip
    samples = np.frombuffer(raw, dtype="<i2")
    loud = np.flatnonzero(np.abs(samples) > 64)
    return samples[loud[0] : loud[-1] + 1] if len(loud) else samples


def repeat_recording(source, text, minimum_seconds, destination, pause_seconds=1.5):
    """A WAV of `source` said again and again, `pause_seconds` of silence between, lasting at least
    `minimum_seconds`, written frame by frame (a 2-hour file never sits in memory); returns
    (path, the text spoken)."""
    destination = Path(destination)
    with wave.open(str(source), "rb") as recording:
        parameters = recording.getparams()
        frames = recording.readframes(parameters.nframes)
    pause = b"\0" * int(pause_seconds * parameters.framerate) * parameters.sampwidth * parameters.nchannels
    repeats = max(1, math.ceil(minimum_seconds / (parameters.nframes / parameters.framerate + pause_seconds)))
    with wave.open(str(destination), "wb") as output:
        output.setparams(parameters)
        for _ in range(repeats):
            output.writeframes(frames + pause)
    return destination, " ".join([text] * repeats)


def conversation(sentences, path, voices=("en-us", "en-gb"), pauses=(1.0, 2.0)):
    """Sentences spoken in turn by `voices`, `pauses` seconds of silence between them in turn
    (a meeting rather than one breathless reader); returns (path, the text spoken)."""
    path = Path(path)
    parts = []
    for number, sentence in enumerate(sentences):
        part = synthesize(sentence, path.with_name(f"{path.stem}-part{number}.wav"), voices[number % len(voices)])
        parts.append(part)
    with wave.open(str(parts[0]), "rb") as first:
        parameters = first.getparams()
    with wave.open(str(path), "wb") as output:
        output.setparams(parameters)
        for number, part in enumerate(parts):
            with wave.open(str(part), "rb") as recording:
                output.writeframes(recording.readframes(recording.getnframes()))
            silence = int(pauses[number % len(pauses)] * parameters.framerate)
            output.writeframes(b"\0" * silence * parameters.sampwidth)
            part.unlink()
    return path, " ".join(sentences)
