"""Accuracy guard: the dynamic time axis keeps the word error rate of bare faster-whisper.

Bare = faster-whisper's own BatchedInferencePipeline.transcribe() on the same loaded model,
batch size and beam. Six espeak-ng voices and rates, about 160 s and 550 words in all, so
0.5 points of WER are under three words. Measured on this machine (tiny.en int8, 20 s chunks
with a 2 s margin): 90 word errors bare, 82 dynamic; per voice the differences go both ways by
up to ten words, because chunk boundaries differ (docs/benchmarks.md, "Faster engine", has the
benchmark's 2088 words: bare 254, dynamic 227).
"""
import pytest
from faster_whisper import BatchedInferencePipeline

from appliance.engine import TranscriptionOptions, load_audio
from appliance.engine.accuracy import normalize_text, word_error_rate
from appliance.engine.files.dynamic_runner import run_dynamic
from benchmarks.speech import ENGLISH_SENTENCES, synthesize

VOICES_AND_RATES = (("en-us", 175), ("en-gb", 140), ("en-us+f3", 210), ("en-gb-scotland", 160), ("en+m3", 190),
                    ("en-029", 170))
SENTENCES_PER_CLIP = 9
ALLOWED_WER_INCREASE = 0.005  # 0.5 points
BATCH_SIZE, BEAM_SIZE = 8, 1


@pytest.fixture(scope="module")
def accuracy_set(speech_dir):
    """[(samples, text)]: different sentences in each voice, ~20-35 s each (several chunks)."""
    clips = []
    for number, (voice, rate) in enumerate(VOICES_AND_RATES):
        text = " ".join(ENGLISH_SENTENCES[(number * 6 + offset) % len(ENGLISH_SENTENCES)]
                        for offset in range(SENTENCES_PER_CLIP))
        path = synthesize(text, speech_dir / f"accuracy-{voice}-{rate}.wav", voice, rate)
        clips.append((load_audio(path), text))
    return clips


def _pooled_wer(references, hypotheses):
    """Errors over all clips / words over all clips (a long clip weighs more than a short one)."""
    words = [len(normalize_text(reference).split()) for reference in references]
    errors = [word_error_rate(reference, hypothesis) * count
              for reference, hypothesis, count in zip(references, hypotheses, words)]
    return sum(errors) / sum(words)


def _bare(whisper, samples):
    segments, _ = BatchedInferencePipeline(whisper).transcribe(
        samples, language="en", batch_size=BATCH_SIZE, beam_size=BEAM_SIZE, vad_filter=True, without_timestamps=False,
    )
    return "".join(segment.text for segment in segments)


def _dynamic(whisper, samples):
    options = TranscriptionOptions(model="tiny.en", batch_size=BATCH_SIZE, beam_size=BEAM_SIZE).validate()
    outcome = run_dynamic(whisper, samples, options, "en", lambda *progress: None, lambda: None)
    return "".join(segment.text for segment in outcome.segments)


def test_the_dynamic_path_stays_within_half_a_point_of_bare_faster_whisper(manager, accuracy_set):
    references = [text for _, text in accuracy_set]
    with manager.acquire("tiny.en") as loaded:
        bare = _pooled_wer(references, [_bare(loaded.whisper, samples) for samples, _ in accuracy_set])
        dynamic = _pooled_wer(references, [_dynamic(loaded.whisper, samples) for samples, _ in accuracy_set])

    assert dynamic <= bare + ALLOWED_WER_INCREASE, f"dynamic WER {dynamic:.4f}, bare {bare:.4f}"
