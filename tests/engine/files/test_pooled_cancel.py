"""Cancelling one pooled job stops it at the next batch and leaves the others running."""
import threading

import pytest

from appliance.engine import TranscriptionCancelled, TranscriptionOptions

from .pooled_helpers import running_scheduler


@pytest.fixture(scope="module")
def scheduler(manager):
    with running_scheduler(manager) as running:
        yield running


def test_a_job_cancelled_before_it_starts_never_runs(scheduler, english_clip):
    cancel = threading.Event()
    cancel.set()
    calls = []

    future = scheduler.submit(english_clip[0], TranscriptionOptions(model="tiny.en"),
                              progress=lambda *event: calls.append(event), cancel=cancel)

    with pytest.raises(TranscriptionCancelled):
        future.result(timeout=300)
    assert calls == []


def test_cancel_during_the_run_stops_that_job_and_spares_the_other(scheduler, manager, english_clip, long_english_clip):
    cancel = threading.Event()
    seen = []

    def progress(fraction, segments):
        seen.extend(segments)
        if segments:
            cancel.set()  # as if the user pressed Cancel when the first text came in

    cancelled = scheduler.submit(long_english_clip[0], TranscriptionOptions(model="tiny.en", batch_size=1),
                                 progress=progress, cancel=cancel)
    spared = scheduler.submit(english_clip[0], TranscriptionOptions(model="tiny.en", batch_size=1))

    with pytest.raises(TranscriptionCancelled, match="cancelled"):
        cancelled.result(timeout=300)
    assert seen
    assert spared.result(timeout=300).segments
    assert all(model.in_use == 0 for model in manager.loaded_models())  # the model was handed back


def test_the_blocking_form_raises_the_cancel_in_the_calling_thread(scheduler, long_english_clip):
    cancel = threading.Event()

    def progress(fraction, segments):
        if fraction > 0:
            cancel.set()

    with pytest.raises(TranscriptionCancelled):
        scheduler.transcribe(long_english_clip[0], TranscriptionOptions(model="tiny.en", batch_size=1),
                             progress=progress, cancel=cancel)
