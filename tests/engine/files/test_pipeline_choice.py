"""TranscriptionOptions.pipeline picks the batched implementation; transcribe_pooled() pools the
dynamic one across callers and runs the others alone. Real tiny.en, real speech."""
import threading

import pytest

from appliance.engine import InvalidOptionsError, TranscriptionOptions, transcribe, transcribe_pooled
from appliance.engine.files import pooled_scheduler
from appliance.engine.accuracy import word_error_rate

WER_BOUND = 0.15


def test_an_unknown_pipeline_is_refused_with_the_choices():
    with pytest.raises(InvalidOptionsError, match="faster-whisper or dynamic"):
        TranscriptionOptions(pipeline="whisperx").validate()


def test_options_round_trip_their_pipeline():
    options = TranscriptionOptions(pipeline="dynamic")
    assert TranscriptionOptions.from_dict(options.to_dict()).pipeline == "dynamic"


@pytest.mark.parametrize("pipeline", ["faster-whisper", "dynamic"])
def test_both_pipelines_transcribe_the_same_speech(manager, english_clip, pipeline):
    path, text = english_clip

    result = transcribe(manager, path, TranscriptionOptions(model="tiny.en", pipeline=pipeline))

    assert word_error_rate(text, result.text) <= WER_BOUND


def test_transcribe_pooled_shares_one_scheduler_between_threads(manager, english_clip, long_english_clip):
    options = TranscriptionOptions(model="tiny.en", pipeline="dynamic")
    results, errors = {}, []

    def job(name, path):
        try:
            results[name] = transcribe_pooled(manager, path, options)
        except Exception as error:  # reported below, with the thread's error
            errors.append(error)

    threads = [threading.Thread(target=job, args=(name, clip[0]))
               for name, clip in (("short", english_clip), ("long", long_english_clip))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        assert not errors
        assert word_error_rate(english_clip[1], results["short"].text) <= WER_BOUND
        assert word_error_rate(long_english_clip[1], results["long"].text) <= WER_BOUND
        assert pooled_scheduler._SHARED.get(id(manager)) is not None  # both went through the manager's scheduler
    finally:
        pooled_scheduler.close_shared_scheduler(manager)
    assert id(manager) not in pooled_scheduler._SHARED


def test_transcribe_pooled_runs_the_plain_pipeline_alone(manager, english_clip):
    path, text = english_clip

    result = transcribe_pooled(manager, path, TranscriptionOptions(model="tiny.en", pipeline="faster-whisper"))

    assert word_error_rate(text, result.text) <= WER_BOUND
    assert id(manager) not in pooled_scheduler._SHARED
