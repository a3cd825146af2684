"""The dynamic runner hands back what the plain batched runner does: ordered segments in file
time, progress with every segment once, and a cancel between batches."""
import pytest

from appliance.engine import TranscriptionCancelled, TranscriptionOptions, load_audio
from appliance.engine.accuracy import word_error_rate
from appliance.engine.files.dynamic_runner import run_dynamic

WER_BOUND = 0.15  # as the plain path's English test: two wrong words in the short clip


def _run(manager, path, progress=lambda *event: None, check_cancel=lambda: None, **options):
    options = TranscriptionOptions(model="tiny.en", **options).validate()
    with manager.acquire("tiny.en") as loaded:
        return run_dynamic(loaded.whisper, load_audio(path), options, "en", progress, check_cancel)


def test_segments_are_in_audio_order_with_consecutive_ids_inside_the_audio(manager, long_english_clip):
    path, text = long_english_clip

    outcome = _run(manager, path, batch_size=2)  # several batches, decoded longest first

    segments = outcome.segments
    assert [segment.id for segment in segments] == list(range(len(segments)))
    assert [segment.start for segment in segments] == sorted(segment.start for segment in segments)
    assert segments[-1].end > 60  # file time, not the speech-only time of a chunk
    assert all(segment.start < segment.end for segment in segments)
    assert word_error_rate(text, "".join(segment.text for segment in segments)) <= WER_BOUND


def test_progress_grows_and_streams_every_segment_once_in_order(manager, long_english_clip):
    calls = []

    outcome = _run(manager, long_english_clip[0], batch_size=1,
                   progress=lambda fraction, segments: calls.append((fraction, list(segments))))

    fractions = [fraction for fraction, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len(calls) >= 3
    streamed = [segment for _, segments in calls for segment in segments]
    assert [(segment.id, segment.text) for segment in streamed] == \
        [(segment.id, segment.text) for segment in outcome.segments]


def test_the_short_clip_is_transcribed_well(manager, english_clip):
    path, text = english_clip

    outcome = _run(manager, path)

    assert word_error_rate(text, "".join(segment.text for segment in outcome.segments)) <= WER_BOUND


def test_cancel_stops_at_the_next_batch(manager, long_english_clip):
    batches = []

    def check_cancel():
        if batches:
            raise TranscriptionCancelled()

    with pytest.raises(TranscriptionCancelled):
        _run(manager, long_english_clip[0], batch_size=1, check_cancel=check_cancel,
             progress=lambda fraction, segments: batches.append(fraction))
    assert len(batches) == 1


def test_words_carry_times_inside_their_segment(manager, english_clip):
    outcome = _run(manager, english_clip[0], word_timestamps=True)

    words = [word for segment in outcome.segments for word in segment.words]
    assert len(words) >= 15
    assert [word.start for word in words] == sorted(word.start for word in words)
    for segment in outcome.segments:
        assert "".join(word.word for word in segment.words).strip() == segment.text.strip()
        for word in segment.words:
            assert segment.start <= word.start <= word.end <= segment.end
            assert 0 <= word.probability <= 1
