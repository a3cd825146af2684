"""While a file is still being read, its chunks wait for companions instead of going into the model
one by one: a decoding step of one chunk costs nearly what a step of four does. Only the last batch
of each padding bucket may be partial, and the words are the ones of a run with batches of one."""
import collections

import pytest

from appliance.engine import TranscriptionOptions
from appliance.engine.files import pooled_scheduler
from appliance.engine.files.dynamic_batching import padded_frames

from .pooled_helpers import running_scheduler

BATCH_SIZE = 3


@pytest.fixture
def batches(monkeypatch):
    """The padded frames of each batch that reaches the model, in order (the real decoding runs)."""
    seen = []
    decode = pooled_scheduler.decode_batch

    def observed(whisper, features, works, decoding, margin_seconds):
        seen.append([padded_frames(work.duration, margin_seconds) for work in works])
        return decode(whisper, features, works, decoding, margin_seconds)

    monkeypatch.setattr(pooled_scheduler, "decode_batch", observed)
    return seen


def _transcribe(manager, path, batch_size):
    with running_scheduler(manager, batch_size=batch_size, inference_workers=1) as scheduler:
        return scheduler.transcribe(path, TranscriptionOptions(model="tiny.en"))


def test_only_the_last_batch_of_each_bucket_is_partial(manager, meeting_recording, batches):
    result = _transcribe(manager, meeting_recording[0], BATCH_SIZE)

    chunks_per_bucket = collections.Counter(frames for batch in batches for frames in batch)
    partial = collections.Counter(batch[0] for batch in batches if len(batch) < BATCH_SIZE)
    assert all(len(set(batch)) == 1 for batch in batches), "a batch mixed padding buckets"
    for frames, count in partial.items():
        assert count == 1, f"{count} partial batches of the {frames / 100:g} s bucket: {batches}"
    assert len(batches) == sum(-(-count // BATCH_SIZE) for count in chunks_per_bucket.values())
    assert result.text.strip()


def test_waiting_for_companions_does_not_change_the_words(manager, meeting_recording, batches):
    pooled = _transcribe(manager, meeting_recording[0], BATCH_SIZE)
    alone = _transcribe(manager, meeting_recording[0], 1)
    assert [(s.start, s.end, s.text) for s in pooled.segments] == [(s.start, s.end, s.text) for s in alone.segments]
