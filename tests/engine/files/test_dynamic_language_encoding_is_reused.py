"""Language detection encodes a file's first chunk; its batch takes that encoding instead of
encoding the chunk again, and decodes the same words. base (multilingual) on German speech."""
import numpy as np

from appliance.engine import TranscriptionOptions
from appliance.engine.files.audio import load_audio
from appliance.engine.files.dynamic_batching import (
    ChunkWork,
    SlicedEncoder,
    decode_batch,
    dynamic_batch_features,
    plan_dynamic_chunks,
    prepare_decoding,
)


class CountingEncoder:
    """The model, counting the chunks its encoder is given."""

    def __init__(self, whisper):
        self.whisper, self.encoded_chunks = whisper, 0

    def __getattr__(self, name):
        return getattr(self.whisper, name)

    def encode(self, features):
        self.encoded_chunks += len(features)
        return self.whisper.encode(features)


def _works(samples):
    plan = plan_dynamic_chunks(samples)
    return plan, [ChunkWork(None, index, chunk, samples) for index, chunk in enumerate(plan.chunks)]


def test_the_first_chunk_is_encoded_once_and_decodes_the_same_words(manager, foreign_clips):
    samples = load_audio(foreign_clips["de"][0])
    options = TranscriptionOptions(model="base").validate()
    with manager.acquire("base") as loaded:
        counting = CountingEncoder(loaded.whisper)
        plan, works = _works(samples)
        decoding = prepare_decoding(counting, works, plan, options, language=None)
        assert decoding.language == "de"
        assert works[0].encoding is not None and counting.encoded_chunks == 1

        features = dynamic_batch_features(loaded.whisper.feature_extractor, works[:1])
        reused = decode_batch(counting, features, works[:1], decoding)
        assert counting.encoded_chunks == 1  # the batch took the kept encoding
        assert works[0].encoding is None  # and let it go

        _, fresh_works = _works(samples)
        fresh = decode_batch(loaded.whisper, features, fresh_works[:1], decoding)

    assert [segment.text for segment in reused[0]] == [segment.text for segment in fresh[0]]


def test_an_encoding_of_another_length_is_not_taken(manager, english_clip):
    samples = load_audio(english_clip[0])
    with manager.acquire("tiny.en") as loaded:
        _, works = _works(samples)
        features = dynamic_batch_features(loaded.whisper.feature_extractor, works[:1])
        wrong = np.zeros((features.shape[-1] // 2 + 50, 384), dtype=np.float32)

        encoded = SlicedEncoder(loaded.whisper, [wrong]).encode(features)

        assert np.asarray(encoded).shape[1] == features.shape[-1] // 2
        assert np.abs(np.asarray(encoded)).sum() > 0
