"""Batches are padded to their longest chunk plus a margin, never to a fixed 30 s window."""
import numpy as np
from faster_whisper.feature_extractor import FeatureExtractor

from appliance.engine.chunking import Chunk
from appliance.engine.dynamic_batching import (
    MAX_FRAMES,
    ChunkWork,
    dynamic_batch_features,
    padded_frames,
    similar_length_batches,
)

SAMPLE_RATE = 16000


def _work(index, seconds, samples=None):
    length = int(seconds * SAMPLE_RATE)
    return ChunkWork(owner=None, index=index, chunk=Chunk([{"start": 0, "end": length}], 0.0, seconds),
                     samples=samples if samples is not None else np.zeros(length, dtype=np.float32))


def test_a_batch_is_padded_to_its_longest_chunk_rounded_up_plus_the_margin():
    assert padded_frames([4.2, 11.3, 7.0], margin_seconds=1.0) == 1300  # ceil(11.3) s + 1 s, 100 frames/s


def test_the_padding_never_exceeds_whispers_30_second_window():
    assert padded_frames([29.7], margin_seconds=2.0) == MAX_FRAMES


def test_the_frame_count_is_even_because_the_encoder_halves_it():
    assert padded_frames([3.0], margin_seconds=0.015) % 2 == 0


def test_features_of_short_chunks_are_far_shorter_than_a_30_second_window():
    rng = np.random.default_rng(7)
    samples = (rng.standard_normal(SAMPLE_RATE * 12) * 0.1).astype(np.float32)
    works = [_work(0, 12.0, samples), _work(1, 6.0, samples[:SAMPLE_RATE * 6])]

    features = dynamic_batch_features(FeatureExtractor(), works, margin_seconds=1.0)

    assert features.shape == (2, 80, 1300)
    assert features.dtype == np.float32


def test_chunks_of_similar_length_end_up_in_the_same_batch():
    durations = [3.0, 19.0, 4.0, 18.0, 5.0, 20.0]
    works = [_work(index, seconds) for index, seconds in enumerate(durations)]

    batches = similar_length_batches(works, batch_size=3)

    assert [sorted(work.duration for work in batch) for batch in batches] == [[18.0, 19.0, 20.0], [3.0, 4.0, 5.0]]


def test_lengths_are_sorted_within_windows_so_the_start_of_a_long_file_comes_first():
    durations = [20.0] * 4 + [5.0] * 4
    works = [_work(index, seconds) for index, seconds in enumerate(durations)]

    batches = similar_length_batches(works, batch_size=2, window_batches=1)

    assert [[work.index for work in batch] for batch in batches] == [[0, 1], [2, 3], [4, 5], [6, 7]]
