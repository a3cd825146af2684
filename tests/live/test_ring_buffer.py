"""The preallocated ring buffer of a live stream: absolute sample addressing across wrap-around."""
import numpy as np
import pytest

from appliance.engine.live.ring_buffer import AudioRingBuffer, RingBufferOverflow


def test_it_returns_appended_audio_in_order_across_the_wrap_around():
    ring = AudioRingBuffer(10)
    ring.append(np.arange(0, 8, dtype=np.float32))
    ring.trim_before(6)
    ring.append(np.arange(8, 14, dtype=np.float32))  # wraps past the end of the array
    assert (ring.start, ring.end, len(ring)) == (6, 14, 8)
    assert ring.window().tolist() == list(range(6, 14))
    assert ring.window(9, 12).tolist() == [9, 10, 11]


def test_it_keeps_one_preallocated_array_however_much_audio_passes():
    ring = AudioRingBuffer(16000)
    storage = ring._data
    for block in range(200):
        ring.append(np.full(4000, block, dtype=np.float32))
        ring.trim_before(ring.end - 12000)
    assert ring._data is storage and len(ring) == 12000
    assert ring.window()[-1] == 199


def test_it_refuses_audio_that_does_not_fit_instead_of_overwriting_it():
    ring = AudioRingBuffer(5)
    ring.append(np.zeros(4, dtype=np.float32))
    with pytest.raises(RingBufferOverflow):
        ring.append(np.zeros(2, dtype=np.float32))
    assert len(ring) == 4 and ring.free == 1


def test_windows_and_trims_outside_the_held_audio_are_clamped():
    ring = AudioRingBuffer(8)
    ring.append(np.arange(5, dtype=np.float32))
    ring.trim_before(2)
    assert ring.window(0, 100).tolist() == [2, 3, 4]
    assert ring.window(4, 3).size == 0
    ring.trim_before(50)
    assert len(ring) == 0 and ring.start == ring.end == 5
