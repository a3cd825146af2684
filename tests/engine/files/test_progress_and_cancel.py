import threading

import pytest

from appliance.engine import TranscriptionCancelled, TranscriptionOptions, transcribe


def test_progress_reports_growing_fractions_and_every_segment_once(manager, long_english_clip):
    calls = []

    result = transcribe(
        manager, long_english_clip[0], TranscriptionOptions(model="tiny.en", batch_size=1),
        progress=lambda fraction, segments: calls.append((fraction, list(segments))),
    )

    fractions = [fraction for fraction, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert len([fraction for fraction in fractions if 0 < fraction < 1]) >= 2  # several batches
    streamed = [segment for _, segments in calls for segment in segments]
    assert [segment.text for segment in streamed] == [segment.text for segment in result.segments]


def test_sequential_mode_reports_progress_too(manager, english_clip):
    calls = []

    result = transcribe(
        manager, english_clip[0], TranscriptionOptions(model="tiny.en", batched=False),
        progress=lambda fraction, segments: calls.append((fraction, list(segments))),
    )

    assert calls[-1][0] == 1.0
    assert sum(len(segments) for _, segments in calls) == len(result.segments) > 0


def test_a_set_cancel_event_stops_before_any_work(manager, english_clip):
    cancel = threading.Event()
    cancel.set()

    with pytest.raises(TranscriptionCancelled):
        transcribe(manager, english_clip[0], TranscriptionOptions(model="tiny.en"), cancel=cancel)


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "sequential"])
def test_cancel_during_the_run_stops_at_the_next_batch(manager, long_english_clip, batched):
    cancel = threading.Event()
    seen = []

    def progress(fraction, segments):
        seen.extend(segments)
        if segments:
            cancel.set()  # as if the user pressed Cancel while the first text came in

    with pytest.raises(TranscriptionCancelled, match="cancelled"):
        transcribe(
            manager, long_english_clip[0], TranscriptionOptions(model="tiny.en", batch_size=1, batched=batched),
            progress=progress, cancel=cancel,
        )
    assert seen
    assert manager.loaded_models()[0].in_use == 0  # the model was handed back
