"""Speech for the streamed-file tests: a meeting with pauses of every length, and a passage
read without a pause for longer than a 30 s window."""
import pytest

from benchmarks.speech import ENGLISH_SENTENCES, conversation

# Pauses shorter and longer than VAD's minimum silence (160 ms) and its padding (2 x 400 ms).
MEETING_PAUSES = (0.1, 1.0, 2.0, 0.5, 3.5, 1.5)
MEETING_VOICES = ("en-us", "en-gb", "en-us+f3")


@pytest.fixture(scope="session")
def meeting_recording(speech_dir):
    """(path, text): about 130 s; one turn reads eight sentences in one breath (over 30 s)."""
    sentences = list(ENGLISH_SENTENCES[:24])
    sentences.insert(10, " ".join(ENGLISH_SENTENCES[24:32]))
    return conversation(sentences, speech_dir / "meeting.wav", voices=MEETING_VOICES, pauses=MEETING_PAUSES)
