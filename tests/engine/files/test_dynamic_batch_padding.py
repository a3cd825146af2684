"""Each chunk is padded to its own length bucket plus a margin, never to a fixed 30 s window,
and only chunks of one bucket share a batch."""
import numpy as np
import pytest
from faster_whisper.feature_extractor import FeatureExtractor

from appliance.engine.files.chunking import Chunk
from appliance.engine.files.dynamic_batching import (
    MAX_FRAMES,
    ChunkWork,
    bucket_batches,
    chunks_per_batch,
    dynamic_batch_features,
    padded_frames,
)

SAMPLE_RATE = 16000


def _work(index, seconds, samples=None):
    length = int(seconds * SAMPLE_RATE)
    return ChunkWork(owner=None, index=index, chunk=Chunk([{"start": 0, "end": length}], 0.0, seconds),
                     samples=samples if samples is not None else np.zeros(length, dtype=np.float32))


def test_a_chunk_is_padded_to_its_bucket_plus_the_margin():
    assert padded_frames(11.3, margin_seconds=1.0) == 1350  # 12.5 s bucket + 1 s, 100 frames a second
    assert padded_frames(12.5, margin_seconds=2.0) == 1450


def test_the_padding_depends_on_the_chunk_alone():
    assert padded_frames(10.1) == padded_frames(12.4)
    assert padded_frames(12.6) > padded_frames(12.4)


def test_the_padding_never_exceeds_whispers_30_second_window():
    assert padded_frames(29.7, margin_seconds=2.0) == MAX_FRAMES


def test_the_window_covers_the_whole_seconds_forward_counts_and_is_even():
    frames = padded_frames(12.6, margin_seconds=0.015)
    assert frames >= 13 * 100 and frames % 2 == 0


def test_features_of_short_chunks_are_far_shorter_than_a_30_second_window():
    rng = np.random.default_rng(7)
    samples = (rng.standard_normal(SAMPLE_RATE * 12) * 0.1).astype(np.float32)
    works = [_work(0, 11.0, samples[:SAMPLE_RATE * 11]), _work(1, 12.0, samples)]

    features = dynamic_batch_features(FeatureExtractor(), works, margin_seconds=1.0)

    assert features.shape == (2, 80, 1350)
    assert features.dtype == np.float32


def test_batches_hold_chunks_of_one_bucket_longest_first():
    durations = [2.0, 14.0, 4.0, 13.5, 4.5, 14.8]
    works = [_work(index, seconds) for index, seconds in enumerate(durations)]

    batches = bucket_batches(works, batch_size=3)

    assert [sorted(work.duration for work in batch) for batch in batches] == [[13.5, 14.0, 14.8], [4.0, 4.5], [2.0]]


def test_buckets_are_formed_within_windows_so_the_start_of_a_long_file_comes_first():
    durations = [14.0] * 4 + [4.0] * 4
    works = [_work(index, seconds) for index, seconds in enumerate(durations)]

    batches = bucket_batches(works, batch_size=2, window_batches=1)

    assert [[work.index for work in batch] for batch in batches] == [[0, 1], [2, 3], [4, 5], [6, 7]]


@pytest.mark.parametrize("batch_size, workers, seconds, chunks", [
    (8, 2, 30.0, 4),   # full windows: each worker its share, as before
    (8, 2, 19.5, 6),   # the 32-minute reading's 17.5 s bucket: 12 chunks of 19.5 s in all
    (8, 2, 22.0, 5),
    (8, 2, 4.5, 8),    # short chunks: never more than the batch size
    (8, 1, 19.5, 8),   # one worker holds the whole batch size already
    (1, 2, 5.0, 1),
    (5, 2, 30.0, 3),   # the share rounds up, as batch_size_per_worker does
])
def test_chunks_per_batch_keeps_the_frames_of_batch_size_full_windows(batch_size, workers, seconds, chunks):
    frames = round(seconds * 100)
    assert chunks_per_batch(batch_size, workers, frames) == chunks
    if chunks > -(-batch_size // workers):
        assert workers * chunks * frames <= batch_size * MAX_FRAMES


def test_bucket_batches_size_each_bucket_for_the_workers():
    durations = [17.0] * 7 + [3.0] * 9
    works = [_work(index, seconds) for index, seconds in enumerate(durations)]

    batches = bucket_batches(works, batch_size=8, workers=2, window_batches=4)

    assert [len(batch) for batch in batches] == [6, 1, 8, 1]
