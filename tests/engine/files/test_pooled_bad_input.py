"""A bad file fails its own job with the engine's clear error; the pool goes on."""
import numpy as np
import pytest

from appliance.engine import EmptyAudioError, InvalidOptionsError, TranscriptionOptions, UnsupportedAudioError

from .pooled_helpers import running_scheduler


@pytest.fixture(scope="module")
def scheduler(manager):
    with running_scheduler(manager) as running:
        yield running


def test_an_empty_file_fails_alone_and_the_next_job_still_runs(scheduler, tmp_path, english_clip):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")

    failing = scheduler.submit(empty, TranscriptionOptions(model="tiny.en"))
    healthy = scheduler.submit(english_clip[0], TranscriptionOptions(model="tiny.en"))

    with pytest.raises(EmptyAudioError, match="0 bytes"):
        failing.result(timeout=300)
    assert healthy.result(timeout=300).segments


def test_a_file_that_is_not_audio_gets_the_engines_message(scheduler, tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("this is a shopping list, not a recording\n" * 20)

    with pytest.raises(UnsupportedAudioError, match="audio"):
        scheduler.submit(text_file, TranscriptionOptions(model="tiny.en")).result(timeout=300)


def test_options_the_model_cannot_do_are_refused(scheduler, english_clip):
    with pytest.raises(InvalidOptionsError, match="English only"):
        scheduler.transcribe(english_clip[0], TranscriptionOptions(model="tiny.en", language="de"))


def test_bad_options_are_refused_before_anything_is_queued(scheduler):
    with pytest.raises(InvalidOptionsError):
        scheduler.submit(np.zeros(16000, dtype=np.float32), TranscriptionOptions(model="tiny.en", batch_size=0))
