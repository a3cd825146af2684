"""Batched decoding of live windows with CTranslate2: only the buffer is encoded (plus a short
silent tail), windows of different lengths and prompts share one batch, words get timestamps."""
import numpy as np
import pytest

from appliance.engine.accuracy import normalize_text, word_error_rate
from appliance.engine.live.window_decoder import WindowDecoder, WindowRequest, _without_loop
from appliance.engine.live.local_agreement import Word, join_words


def audio_of(speech, start_seconds=0.0, end_seconds=None):
    samples = np.frombuffer(speech.pcm, dtype="<i2").astype(np.float32) / 32768.0
    end = None if end_seconds is None else int(end_seconds * 16000)
    return samples[int(start_seconds * 16000) : end]


# Measured on 11 espeak-ng clips of 9-11 s: mean WER 0.117 encoding only the window (+2 s of
# silence) against 0.111 padded to 30 s, single clips differing by up to 3 words either way.
WINDOW_WER_TOLERANCE = 0.08


def test_a_short_window_is_transcribed_as_well_as_a_padded_one_with_word_timestamps_inside_it(
    decoder, live_models, short_speech, live_speech
):
    with live_models.acquire("tiny.en") as loaded:
        padded_decoder = WindowDecoder(loaded.whisper, full_window=True)
    short_wers, padded_wers = [], []
    for speech in (short_speech, live_speech):
        audio = audio_of(speech)
        (hypothesis,) = decoder.decode([WindowRequest(audio, language="en")])
        (padded,) = padded_decoder.decode([WindowRequest(audio, language="en")])
        short_wers.append(word_error_rate(speech.text, join_words(hypothesis.words)))
        padded_wers.append(word_error_rate(speech.text, join_words(padded.words)))
        duration = len(audio) / 16000
        assert all(0 <= word.start <= word.end <= duration for word in hypothesis.words)
        assert [word.start for word in hypothesis.words] == sorted(word.start for word in hypothesis.words)
        assert hypothesis.language == "en"
    assert sum(short_wers) / 2 <= sum(padded_wers) / 2 + WINDOW_WER_TOLERANCE, (short_wers, padded_wers)


def test_windows_of_different_lengths_and_prompts_are_decoded_in_one_batch(decoder, live_speech, short_speech):
    first = audio_of(live_speech, 0, 4.5)
    second = audio_of(short_speech, 0, 9.0)
    hypotheses = decoder.decode(
        [
            WindowRequest(first, prompt="Good morning.", language="en"),
            WindowRequest(second, prompt="We were talking about animals, and then about work.", language="en"),
        ]
    )
    assert "weather" in join_words(hypotheses[0].words).lower()
    assert {"quick", "team", "meeting"} <= set(normalize_text(join_words(hypotheses[1].words)).split())
    assert max(word.end for word in hypotheses[0].words) <= 4.5


def test_silence_gives_no_words(decoder):
    (hypothesis,) = decoder.decode([WindowRequest(np.zeros(16000 * 3, dtype=np.float32), language="en")])
    assert hypothesis.words == []


def test_a_window_longer_than_whisper_can_take_is_refused(decoder):
    with pytest.raises(ValueError):
        decoder.decode([WindowRequest(np.zeros(16000 * 29, dtype=np.float32))])


def test_a_decoding_loop_is_cut_after_its_first_round():
    looping = [Word(index * 0.3, index * 0.3 + 0.2, text) for index, text in enumerate(
        [" leave", " the", " house", " how", " how", " how", " how", " how"])]  # fmt: skip
    assert join_words(_without_loop(looping)) == "leave the house how"
