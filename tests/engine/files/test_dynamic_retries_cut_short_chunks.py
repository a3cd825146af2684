"""A chunk whose last timestamp ends well before its speech does was closed early by Whisper
(its last words dropped). The real case: tiny.en with a 1 s margin closed a 11.1 s chunk of a
queue file at 9.2 s ("...The weather today is"), where every other chunk ended within 0.25 s.

Only the speech after that timestamp is decoded again, as a chunk of its own with the text so
far as its prompt; the whole chunk gets a 30 s window only when the tail cannot be read alone.
On a real LibriVox reading (the long suite's 32-minute file) tiny.en closed a 16.2 s chunk 3.4 s
early; its tail, prompted, gave the words of the 30 s window in 0.18 s of a worker instead of 0.8 s.
The model and the reading are real; where a test needs Whisper to close a chunk early, it drops
the chunk's last segment itself, since when tiny.en does so varies with the CPU's int8 kernels."""
import numpy as np
import pytest

from appliance.engine import TranscriptionOptions
from appliance.engine.accuracy import word_error_rate
from appliance.engine.files import dynamic_batching
from appliance.engine.files.audio import load_audio
from appliance.engine.files.chunking import Chunk
from appliance.engine.files.dynamic_batching import (
    CUT_SHORT_SECONDS,
    MAX_FRAMES,
    ChunkWork,
    _better,
    _cut_short,
    _repeats,
    _text,
    complete_tails,
    decode_batch,
    dynamic_batch_features,
    plan_dynamic_chunks,
    prepare_decoding,
    tail_work,
)
from benchmarks.recorded_speech import recorded_reading


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


def _said(text):
    return [{"text": text}]


@pytest.mark.parametrize("before, tail, repeats", [
    (" Unless to be rather cold-hearted", " and rather selfish is to be ill-disposed.", False),
    (" He was not an ill-disposed young man. Unless to be rather cold-hearted",
     " Unless to be rather cold-hearted and rather selfish.", True),  # the prompt said again
    (" He was not an ill-disposed young man.", " Young man, he was not.", False),  # two words alone are no echo
    (" He was not an ill-disposed young man.", "", False),
])
def test_a_tail_that_says_its_prompt_again_is_an_echo(before, tail, repeats):
    assert _repeats(_said(tail), _said(before)) is repeats


@pytest.fixture(scope="module")
def first_chunk(manager, tmp_path_factory):
    """The LibriVox reading's first chunk (about 16 s, three sentences), ready to decode."""
    path, _ = recorded_reading(tmp_path_factory.mktemp("reading"))
    samples = load_audio(path)
    plan = plan_dynamic_chunks(samples)
    work = ChunkWork(None, 0, plan.chunks[0], samples)
    with manager.acquire("tiny.en") as loaded:
        decoding = prepare_decoding(loaded.whisper, [work], plan, TranscriptionOptions().validate(), "en")
    return work, decoding


def test_a_cut_short_chunk_gets_its_last_words_from_its_tail_alone(manager, first_chunk):
    work, decoding = first_chunk
    with manager.acquire("tiny.en") as loaded:
        whisper = loaded.whisper
        features = dynamic_batch_features(whisper.feature_extractor, [work])
        whole = dynamic_batching._forward(whisper, features, [work], decoding)[0]
        assert len(whole) >= 2 and not _cut_short(whole, work), whole
        outputs = [whole[:-1]]  # Whisper closed the chunk before its last sentence

        unreadable = complete_tails(whisper, outputs, [work], [0], decoding)

    mended = outputs[0]
    assert unreadable == []
    assert not _cut_short(mended, work)
    assert word_error_rate(_text(whole), _text(mended)) <= 0.05, (_text(whole), _text(mended))
    starts = [segment["start"] for segment in mended]
    assert starts == sorted(starts) and mended[-1]["end"] <= work.chunk.offset + work.chunk.duration + 0.5


def _decode_with(manager, work, decoding, monkeypatch, alter):
    """decode_batch() on one chunk, where alter(call, outputs) changes what the real model's
    call number `call` (1: the batch) answered. Returns (segments, the frames of every call)."""
    real_forward = dynamic_batching._forward
    windows = []

    def altered_forward(whisper, features, works, decoding):
        outputs = real_forward(whisper, features, works, decoding)
        windows.append(features.shape[-1])
        return alter(len(windows), outputs)

    monkeypatch.setattr(dynamic_batching, "_forward", altered_forward)
    with manager.acquire("tiny.en") as loaded:
        features = dynamic_batch_features(loaded.whisper.feature_extractor, [work])
        segments = decode_batch(loaded.whisper, features, [work], decoding)[0]
    monkeypatch.setattr(dynamic_batching, "_forward", real_forward)
    return segments, windows


def _closed_early(call, outputs):
    """Whisper closed the batch's chunk before its last sentence."""
    return [output[:-1] for output in outputs] if call == 1 else outputs


def test_decoding_a_batch_mends_a_cut_short_chunk_without_a_30_s_window(manager, first_chunk, monkeypatch):
    work, decoding = first_chunk
    whole, _ = _decode_with(manager, work, decoding, monkeypatch, lambda call, outputs: outputs)

    segments, windows = _decode_with(manager, work, decoding, monkeypatch, _closed_early)

    assert len(windows) == 2 and MAX_FRAMES not in windows, windows  # the batch, then the tail alone
    assert windows[1] < windows[0]
    assert word_error_rate(" ".join(s.text for s in whole), " ".join(s.text for s in segments)) <= 0.05


def test_a_tail_that_cannot_be_read_alone_falls_back_to_the_30_s_window(manager, first_chunk, monkeypatch):
    work, decoding = first_chunk

    def tail_in_a_loop(call, outputs):
        if call == 2:  # the tail: a repetition loop, as Whisper sometimes falls into
            return [[dict(output[0], text=" and and and" * 30, compression_ratio=9.0)] for output in outputs]
        return _closed_early(call, outputs)

    segments, windows = _decode_with(manager, work, decoding, monkeypatch, tail_in_a_loop)

    assert len(windows) == 3 and windows[2] == MAX_FRAMES
    text = " ".join(segment.text for segment in segments)
    assert "and and and" not in text and not np.isnan(segments[-1].end)


def test_a_tail_starts_within_its_chunk_and_keeps_the_chunks_timeline():
    samples = np.arange(16000 * 10, dtype=np.float32)
    work = ChunkWork(None, 3, Chunk([{"start": 0, "end": samples.size}], 40.0, 10.0), samples)

    tail = tail_work(work, 47.5)
    assert (tail.chunk.offset, tail.chunk.duration, tail.index) == (47.5, 2.5, 3)
    assert tail.audio()[0] == 16000 * 7.5

    before = tail_work(work, 12.0)  # a timestamp before the chunk: the whole chunk, on its own times
    assert (before.chunk.offset, before.chunk.duration) == (40.0, 10.0)
