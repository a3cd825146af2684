"""Pooled jobs of a multilingual model: each job's language is detected on its own speech,
and jobs of different languages or models never share a batch."""
import pytest

from appliance.engine import TranscriptionOptions
from appliance.engine.accuracy import word_error_rate

from .pooled_helpers import running_scheduler

# The plain path's bounds (test_multilingual_transcription.py): base int8 on espeak-ng voices.
WER_BOUNDS = {"de": 0.45, "es": 0.5}


@pytest.fixture(scope="module")
def scheduler(manager):
    with running_scheduler(manager) as running:
        yield running


def test_languages_are_detected_per_job_in_one_pool(scheduler, foreign_clips, english_clip):
    futures = {language: scheduler.submit(foreign_clips[language][0], TranscriptionOptions(model="base"))
               for language in WER_BOUNDS}
    english = scheduler.submit(english_clip[0], TranscriptionOptions(model="tiny.en"))

    for language, future in futures.items():
        result = future.result(timeout=600)
        assert result.language == language
        assert 0.5 <= result.language_probability <= 1.0
        assert word_error_rate(foreign_clips[language][1], result.text, language) <= WER_BOUNDS[language]
    assert english.result(timeout=600).language == "en"


def test_translation_and_transcription_jobs_are_decoded_apart(scheduler, foreign_clips):
    path, text = foreign_clips["de"]
    translated = scheduler.submit(path, TranscriptionOptions(model="base", language="de", task="translate"))
    transcribed = scheduler.submit(path, TranscriptionOptions(model="base", language="de"))

    assert word_error_rate(text, transcribed.result(timeout=600).text, "de") <= WER_BOUNDS["de"]
    translation = translated.result(timeout=600)
    assert translation.task == "translate"
    assert word_error_rate(text, translation.text, "de") > 0.6  # English words, not the German ones
