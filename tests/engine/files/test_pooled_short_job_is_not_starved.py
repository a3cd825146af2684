"""In the running pool, a short job that arrives during a long one finishes first."""
import threading

import pytest

from appliance.engine import TranscriptionOptions
from appliance.engine.files.fair_queue import FairChunkQueue

from .pooled_helpers import running_scheduler


@pytest.fixture
def scheduler(manager):
    # A slow pace makes arrival order count for little against progress made, so the result
    # does not depend on how fast this (shared, busy) machine prepares the short job; 10 s
    # chunks give the long job enough batches left for the short one to be queued meanwhile.
    with running_scheduler(manager, fair_queue=FairChunkQueue(pace=10.0), max_chunk_seconds=10) as running:
        yield running


def test_a_short_job_overtakes_the_rest_of_a_long_one(scheduler, english_clip, long_english_clip):
    finished = []
    short_queued = threading.Event()
    futures = {}

    def long_progress(fraction, segments):
        if fraction > 0 and "short" not in futures:
            # The long job's first batch is done: the short job arrives now. Its first progress
            # call (from the preparation thread) says its audio is decoded.
            futures["short"] = scheduler.submit(
                english_clip[0], TranscriptionOptions(model="tiny.en", batch_size=1),
                progress=lambda fraction, segments: short_queued.set(),
            )
            futures["short"].add_done_callback(lambda _: finished.append("short"))
            assert short_queued.wait(timeout=120)

    futures["long"] = scheduler.submit(long_english_clip[0], TranscriptionOptions(model="tiny.en", batch_size=1),
                                       progress=long_progress)
    futures["long"].add_done_callback(lambda _: finished.append("long"))

    futures["long"].result(timeout=300)
    futures["short"].result(timeout=300)
    assert finished == ["short", "long"]
