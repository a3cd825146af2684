"""After each batch the freed heap goes back to the system (glibc's malloc_trim)."""
import numpy as np

from appliance.engine.models.memory_release import release_free_memory


def test_free_memory_is_handed_back_on_this_glibc_system():
    scattered = [np.ones(300_000 + 4096 * index, dtype=np.float32) for index in range(20)]
    del scattered[::2]  # freed blocks of odd sizes in the middle of the heap

    assert release_free_memory() is True
