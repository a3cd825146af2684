"""Silero VAD over a stream that arrives in pieces: same verdicts as one pass over the file."""
import numpy as np
from faster_whisper.vad import get_vad_model

from appliance.engine.live.streaming_vad import CHUNK_SAMPLES, StreamingVoiceDetector


def samples(speech):
    return np.frombuffer(speech.pcm, dtype="<i2").astype(np.float32) / 32768.0


def test_pieces_of_any_size_give_the_probabilities_of_one_pass(short_speech):
    audio = samples(short_speech)
    audio = audio[: len(audio) // CHUNK_SAMPLES * CHUNK_SAMPLES]
    whole = get_vad_model()(audio).ravel() >= 0.5
    detector = StreamingVoiceDetector(threshold=0.5, hangover_samples=0)
    detector.release_threshold = 0.5  # no hysteresis, to compare chunk by chunk
    for offset in range(0, len(audio), 3000):  # pieces that do not line up with 512-sample chunks
        detector.accept(audio[offset : offset + 3000])
    assert detector.processed == len(audio)
    streamed = np.zeros(len(whole), dtype=bool)
    for start, end in detector.speech_after(0):
        streamed[start // CHUNK_SAMPLES : end // CHUNK_SAMPLES] = True
    assert (streamed == whole).all()


def test_speech_is_found_where_it_is_and_silence_is_not_speech(short_speech):
    silence = np.zeros(16000 * 2, dtype=np.float32)
    detector = StreamingVoiceDetector()
    detector.accept(silence)
    assert not detector.has_speech(0, detector.processed) and detector.last_speech_end is None
    detector.accept(samples(short_speech))
    detector.accept(silence)
    assert detector.has_speech(len(silence), len(silence) + 16000 * 3)
    assert not detector.has_speech(0, len(silence) - 1600)
    assert detector.processed - detector.last_speech_end > 16000  # the trailing silence
    detector.forget_before(detector.processed)
    assert detector.speech_after(0) == []
