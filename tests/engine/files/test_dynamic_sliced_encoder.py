"""On a CPU the encoder runs a batch in slices (less memory); the encoding is unchanged."""
import numpy as np

from appliance.engine.files.dynamic_batching import CPU_ENCODER_BUDGET, SlicedEncoder


def test_a_sliced_encoding_equals_the_whole_batch_at_once(manager):
    frames = 1600
    assert CPU_ENCODER_BUDGET // frames**2 < 4  # so four chunks really are cut into slices
    features = (np.random.default_rng(3).standard_normal((4, 80, frames)) * 0.3).astype(np.float32)

    with manager.acquire("tiny.en") as loaded:
        whole = np.asarray(loaded.whisper.encode(features))
        sliced = np.asarray(SlicedEncoder(loaded.whisper).encode(features))

    assert sliced.shape == whole.shape == (4, frames // 2, 384)
    np.testing.assert_array_equal(sliced, whole)


def test_everything_else_is_the_model_itself(manager):
    with manager.acquire("tiny.en") as loaded:
        sliced = SlicedEncoder(loaded.whisper)

        assert sliced.model is loaded.whisper.model
        assert sliced.frames_per_second == loaded.whisper.frames_per_second
