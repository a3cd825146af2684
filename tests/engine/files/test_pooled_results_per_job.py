"""Several jobs pooled into shared batches each get their own transcript back."""
import pytest

from appliance.engine import TranscriptionOptions, TranscriptionResult
from appliance.engine.accuracy import word_error_rate
from benchmarks.speech import synthesize

from .pooled_helpers import JOB_KEYWORDS, JOB_TEXTS, running_scheduler

WER_BOUND = 0.25  # tiny.en on short espeak-ng sentences: a few wrong words at most


@pytest.fixture(scope="module")
def job_clips(speech_dir):
    voices = {"museum": ("en-us", 175), "snow": ("en-gb", 150), "beach": ("en-us", 200)}
    return {name: synthesize(JOB_TEXTS[name], speech_dir / f"pooled-{name}.wav", *voices[name]) for name in JOB_TEXTS}


@pytest.fixture(scope="module")
def scheduler(manager):
    with running_scheduler(manager) as running:
        yield running


def test_each_job_gets_its_own_words_back(scheduler, job_clips):
    futures = {name: scheduler.submit(path, TranscriptionOptions(model="tiny.en")) for name, path in job_clips.items()}

    results = {name: future.result(timeout=300) for name, future in futures.items()}

    for name, result in results.items():
        assert word_error_rate(JOB_TEXTS[name], result.text) <= WER_BOUND, (name, result.text)
        for other, keyword in JOB_KEYWORDS.items():
            assert (keyword in result.text.lower()) == (other == name), (name, result.text)


def test_a_pooled_result_is_a_complete_engine_result(scheduler, job_clips):
    result = scheduler.submit(job_clips["snow"], TranscriptionOptions(model="tiny.en")).result(timeout=300)

    assert isinstance(result, TranscriptionResult)
    assert result.language == "en" and result.model == "tiny.en" and result.compute_type == "int8"
    assert [segment.id for segment in result.segments] == list(range(len(result.segments)))
    for segment in result.segments:
        assert 0 <= segment.start < segment.end <= result.duration + 0.05
    assert result.timings.decode_seconds > 0 and result.timings.inference_seconds > 0
    assert TranscriptionResult.from_dict(result.to_dict()).text == result.text


def test_a_long_and_a_short_job_in_one_pool_both_finish_correctly(scheduler, job_clips, long_english_clip):
    long_path, long_text = long_english_clip
    long_future = scheduler.submit(long_path, TranscriptionOptions(model="tiny.en", batch_size=4))
    short_future = scheduler.submit(job_clips["beach"], TranscriptionOptions(model="tiny.en", batch_size=4))

    long_result = long_future.result(timeout=300)
    short_result = short_future.result(timeout=300)

    assert word_error_rate(long_text, long_result.text) <= WER_BOUND
    assert word_error_rate(JOB_TEXTS["beach"], short_result.text) <= WER_BOUND
    starts = [segment.start for segment in long_result.segments]
    assert starts == sorted(starts) and long_result.segments[-1].end > 60
