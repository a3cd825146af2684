"""The fair queue: earliest virtual deadline first, so no job starves another."""
import numpy as np

from appliance.engine.files.chunking import Chunk
from appliance.engine.files.dynamic_batching import ChunkWork
from appliance.engine.files.fair_queue import FairChunkQueue

SILENT = np.zeros(16000, dtype=np.float32)
KEY = ("tiny.en", "en", "transcribe", 1)


def _works(owner, durations):
    return [ChunkWork(owner, index, Chunk([{"start": 0, "end": 16000}], 0.0, seconds), SILENT)
            for index, seconds in enumerate(durations)]


def _owners(batch):
    return [work.owner for work in batch]


def test_a_20_second_file_is_in_the_next_batch_although_a_2_hour_file_came_first():
    queue = FairChunkQueue(pace=0.05)
    queue.add_job(_works("two hours", [20.0] * 360), ready_at=0.0, key_of=lambda work: KEY)
    for _ in range(10):  # the long file has been running for a while
        queue.next_batch(lambda work: 8)

    queue.add_job(_works("twenty seconds", [12.0, 8.0]), ready_at=60.0, key_of=lambda work: KEY)
    batch = queue.next_batch(lambda work: 8)

    assert _owners(batch).count("twenty seconds") == 2


def test_a_long_file_is_not_starved_by_a_stream_of_short_files():
    queue = FairChunkQueue(pace=0.05)
    queue.add_job(_works("long", [20.0] * 100), ready_at=0.0, key_of=lambda work: KEY)
    served_long = 0
    for second in range(200):
        # Four new short files every second of the clock, and room for one batch of four:
        # the short files alone would fill every batch.
        for arrival in range(4):
            queue.add_job(_works(f"short {second}.{arrival}", [10.0]), ready_at=float(second), key_of=lambda work: KEY)
        served_long += _owners(queue.next_batch(lambda work: 4)).count("long")

    assert served_long == 100


def test_chunks_only_share_a_batch_with_the_same_decoding_key():
    queue = FairChunkQueue()
    queue.add_job(_works("english", [10.0] * 3), ready_at=0.0, key_of=lambda work: KEY)
    queue.add_job(_works("german", [10.0] * 3), ready_at=0.0, key_of=lambda work: ("base", "de", "transcribe", 1))

    first = queue.next_batch(lambda work: 8)
    second = queue.next_batch(lambda work: 8)

    assert {len(set(_owners(first))), len(set(_owners(second)))} == {1}
    assert sorted(_owners(first) + _owners(second)) == ["english"] * 3 + ["german"] * 3


def test_companions_are_the_next_chunks_by_deadline_of_the_same_key():
    queue = FairChunkQueue(pace=0.05)
    queue.add_job(_works("job", [14.0, 4.0, 13.0, 3.0, 12.0]), ready_at=0.0,
                  key_of=lambda work: "long" if work.duration > 10 else "short")

    batch = queue.next_batch(lambda work: 2)

    assert [work.duration for work in batch] == [14.0, 13.0]


def test_removing_a_job_drops_only_its_waiting_chunks():
    queue = FairChunkQueue()
    queue.add_job(_works("cancelled", [5.0] * 4), ready_at=0.0, key_of=lambda work: KEY)
    queue.add_job(_works("kept", [5.0] * 2), ready_at=0.0, key_of=lambda work: KEY)

    assert queue.remove_owner("cancelled") == 4
    assert len(queue) == 2
    assert set(_owners(queue.next_batch(lambda work: 8))) == {"kept"}


def test_a_partial_batch_waits_for_more_but_a_full_one_goes_at_once():
    queue = FairChunkQueue(pace=0.05)
    queue.add_job(_works("early", [14.0]), ready_at=0.0, key_of=lambda work: "bucket 15")
    queue.add_job(_works("later", [4.0, 4.5]), ready_at=1.0, key_of=lambda work: "bucket 5")

    full = queue.next_batch(lambda work: 2, allow_partial=False)
    nothing = queue.next_batch(lambda work: 2, allow_partial=False)
    partial = queue.next_batch(lambda work: 2, allow_partial=True)

    assert _owners(full) == ["later", "later"]
    assert nothing == []
    assert _owners(partial) == ["early"]
