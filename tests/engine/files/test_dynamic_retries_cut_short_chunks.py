"""A chunk whose last timestamp ends well before its speech does was closed early by Whisper
(its last words dropped): it is decoded again in a full 30 s window, and the retry is kept
when it reaches the end. The real case: tiny.en with a 1 s margin closed a 11.1 s chunk of a
queue file at 9.2 s ("...The weather today is"), where every other chunk ended within 0.25 s."""
import pytest

from appliance.engine.files.chunking import Chunk
from appliance.engine.files.dynamic_batching import CUT_SHORT_SECONDS, ChunkWork, _better, _cut_short


def _work(offset, duration):
    return ChunkWork(owner=None, index=0, chunk=Chunk([{"start": 0, "end": 1}], offset, duration), samples=None)


def _output(end, logprob=-0.4):
    return [{"start": 0.0, "end": end / 2, "avg_logprob": logprob}, {"start": end / 2, "end": end, "avg_logprob": logprob}]


@pytest.mark.parametrize("offset, duration, last_end, cut_short", [
    (0.0, 11.08, 9.16, True),  # the real case: 1.92 s of speech after the last timestamp
    (0.0, 11.08, 10.90, False),
    (30.0, 12.0, 42.3, False),  # segment times are on the file's speech timeline, like the chunk's offset
    (30.0, 12.0, 40.5, True),
    (0.0, 5.0, 5.0 - CUT_SHORT_SECONDS + 0.01, False),
])
def test_a_chunk_counts_as_cut_short_when_speech_is_left_after_its_last_timestamp(offset, duration, last_end, cut_short):
    assert _cut_short(_output(last_end), _work(offset, duration)) is cut_short


def test_a_chunk_without_text_is_not_cut_short():
    assert _cut_short([], _work(0.0, 10.0)) is False


def test_a_retry_that_reaches_the_end_wins_even_when_less_likely():
    work = _work(0.0, 11.08)
    assert _better(_output(11.0, logprob=-0.6), _output(9.16, logprob=-0.4), work)


def test_a_retry_that_stops_short_loses_to_a_first_decoding_that_reached_the_end():
    work = _work(0.0, 11.08)
    assert not _better(_output(9.0, logprob=-0.2), _output(11.0, logprob=-0.9), work)


def test_between_two_complete_decodings_the_likelier_wins():
    work = _work(0.0, 11.08)
    assert _better(_output(11.0, logprob=-0.3), _output(11.0, logprob=-1.2), work)
    assert not _better(_output(11.0, logprob=-1.2), _output(11.0, logprob=-0.3), work)
    assert not _better([], _output(11.0, logprob=-1.2), work)
