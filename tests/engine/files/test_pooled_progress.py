"""Per-job progress in the pool: growing fractions, every segment once, in audio order."""
import threading

import pytest

from appliance.engine import TranscriptionOptions

from .pooled_helpers import recorder, running_scheduler


@pytest.fixture(scope="module")
def scheduler(manager):
    with running_scheduler(manager) as running:
        yield running


def test_each_job_sees_growing_fractions_and_its_segments_once_in_order(scheduler, english_clip, long_english_clip):
    calls = {"long": [], "short": []}
    futures = {
        "long": scheduler.submit(long_english_clip[0], TranscriptionOptions(model="tiny.en", batch_size=2),
                                 progress=recorder(calls["long"])),
        "short": scheduler.submit(english_clip[0], TranscriptionOptions(model="tiny.en", batch_size=2),
                                  progress=recorder(calls["short"])),
    }

    for name, future in futures.items():
        result = future.result(timeout=300)
        fractions = [fraction for fraction, _ in calls[name]]
        assert fractions[0] == 0.0 and fractions[-1] == 1.0
        assert fractions == sorted(fractions)
        streamed = [segment for _, segments in calls[name] for segment in segments]
        assert [(segment.id, segment.text) for segment in streamed] == \
            [(segment.id, segment.text) for segment in result.segments]
    assert len([fraction for fraction, _ in calls["long"] if 0 < fraction < 1]) >= 2  # several batches


def test_the_blocking_form_calls_progress_in_the_calling_thread(scheduler, english_clip):
    threads = set()

    def progress(fraction, segments):
        threads.add(threading.current_thread())

    result = scheduler.transcribe(english_clip[0], TranscriptionOptions(model="tiny.en"), progress=progress)

    assert threads == {threading.current_thread()}
    assert result.segments


def test_a_failing_progress_callback_fails_only_its_own_job(scheduler, english_clip):
    def broken(fraction, segments):
        if segments:
            raise RuntimeError("the progress store is down")

    failing = scheduler.submit(english_clip[0], TranscriptionOptions(model="tiny.en"), progress=broken)
    healthy = scheduler.submit(english_clip[0], TranscriptionOptions(model="tiny.en"))

    with pytest.raises(RuntimeError, match="progress store is down"):
        failing.result(timeout=300)
    assert healthy.result(timeout=300).segments
