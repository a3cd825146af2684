"""Committed words still in the buffer are forced as the decoder's prefix: the hypothesis starts
with them as committed and goes on with the audio after them, also in a batch with windows
without a prefix (CTranslate2 forces each row's own prefix)."""
import numpy as np

from appliance.engine.accuracy import normalize_text
from appliance.engine.live.window_decoder import WindowRequest


def test_a_forced_prefix_starts_the_hypothesis_and_the_decoder_continues_after_it(decoder, pause_speech):
    audio = np.frombuffer(pause_speech.pcm, dtype="<i2").astype(np.float32)[: 16000 * 6] / 32768.0
    with_prefix, without = decoder.decode([
        WindowRequest(audio, language="en", prefix="The weather today is sunny"),
        WindowRequest(audio[: 16000 * 4], language="en"),
    ])  # fmt: skip
    words = normalize_text(" ".join(word.text for word in with_prefix.words)).split()
    assert words[:5] == ["the", "weather", "today", "is", "sunny"]
    assert {"light", "wind", "west"} <= set(words[5:])
    assert "weather" in normalize_text(" ".join(word.text for word in without.words)).split()
    starts = [word.start for word in with_prefix.words]
    assert starts == sorted(starts) and with_prefix.words[-1].end <= 6.0
