"""A file's transcript does not depend on the other files it happened to share batches with:
padding follows the chunk alone (its length bucket), never the batch."""
import pytest

from appliance.engine import TranscriptionOptions

from .pooled_helpers import running_scheduler


@pytest.fixture(scope="module")
def scheduler(manager):
    with running_scheduler(manager) as running:
        yield running


def _segments(result):
    return [(segment.start, segment.end, segment.text) for segment in result.segments]


def test_the_words_and_times_are_the_same_alone_and_in_company(scheduler, long_english_clip, english_clip):
    options = TranscriptionOptions(model="tiny.en")
    alone = scheduler.submit(long_english_clip[0], options).result(timeout=300)

    # Three copies at once: their chunks fall into the same padding buckets and share batches,
    # each batch now holding chunks of different positions and files.
    pooled = [scheduler.submit(long_english_clip[0], options) for _ in range(3)]
    short = scheduler.submit(english_clip[0], options)

    for future in pooled:
        assert _segments(future.result(timeout=300)) == _segments(alone)
    assert short.result(timeout=300).segments
