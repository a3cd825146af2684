"""A long file's first segments come while the rest of it is still being decoded, its segments
keep coming in order, and its transcript is the one of the whole-file runner."""
import pytest

from appliance.engine import TranscriptionOptions
from appliance.engine.files import chunk_stream
from appliance.engine.files.audio import load_audio
from appliance.engine.files.dynamic_runner import run_dynamic

from .pooled_helpers import running_scheduler


def _segments(segments):
    return [(segment.start, segment.end, segment.text) for segment in segments]


@pytest.fixture
def read_to_the_end(monkeypatch):
    """A list that gets an entry when a ChunkStream takes the last piece of its file."""
    moments = []
    take = chunk_stream.ChunkStream._take

    def observed(stream, pieces, ended):
        found = take(stream, pieces, ended)
        if ended:
            moments.append("read to the end")
        return found

    monkeypatch.setattr(chunk_stream.ChunkStream, "_take", observed)
    return moments


def test_segments_come_in_order_before_the_file_is_read_and_match_the_whole_file(manager, meeting_recording,
                                                                                read_to_the_end):
    events = []

    def progress(fraction, segments):
        events.append((fraction, list(segments), bool(read_to_the_end)))

    options = TranscriptionOptions(model="tiny.en")
    # A window of 40 s of speech: the file (about 130 s) cannot be read ahead of its batches.
    with running_scheduler(manager, max_queued_speech_seconds=40) as scheduler:
        result = scheduler.transcribe(meeting_recording[0], options, progress=progress)

    with_segments = [event for event in events if event[1]]
    assert not with_segments[0][2], "the first segments came only after the whole file was read"
    assert len(with_segments) >= 3
    fractions = [fraction for fraction, _, _ in events]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    reported = [segment for _, segments, _ in events for segment in segments]
    assert [segment.id for segment in reported] == list(range(len(result.segments)))
    assert _segments(reported) == _segments(result.segments)

    with manager.acquire("tiny.en") as loaded:
        whole = run_dynamic(loaded.whisper, load_audio(meeting_recording[0]), options.validate(), "en",
                            lambda *event: None, lambda: None)
    assert _segments(result.segments) == _segments(whole.segments)
    assert result.duration == pytest.approx(load_audio(meeting_recording[0]).size / 16000, abs=0.01)
