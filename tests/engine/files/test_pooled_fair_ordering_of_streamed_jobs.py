"""A streamed job hands its chunks to the fair queue in several steps: they get the deadlines
they would have had all at once, so a long file read bit by bit is not served as if it were
many short files (nor pushed behind them)."""
from appliance.engine.files.fair_queue import MAX_PASSED_OVER, FairChunkQueue

from .test_pooled_fair_ordering import KEY, _owners, _works


def _order(queue):
    taken = []
    while batch := queue.next_batch(lambda work: 2):
        taken += [(work.owner, work.index) for work in batch]
    return taken


def test_chunks_queued_in_steps_come_out_as_if_queued_at_once():
    at_once, in_steps = FairChunkQueue(pace=0.05), FairChunkQueue(pace=0.05)
    long_works = _works("long", [20.0] * 12)
    at_once.add_job(long_works, ready_at=0.0, key_of=lambda work: KEY)
    at_once.add_job(_works("short", [10.0, 10.0]), ready_at=5.0, key_of=lambda work: KEY)
    for first in range(0, 12, 4):
        in_steps.add_job(_works("long", [20.0] * 12)[first:first + 4], ready_at=0.0, key_of=lambda work: KEY)
    in_steps.add_job(_works("short", [10.0, 10.0]), ready_at=5.0, key_of=lambda work: KEY)

    assert _order(in_steps) == _order(at_once)


def test_a_job_queued_again_after_removal_starts_from_its_first_deadline():
    queue = FairChunkQueue(pace=0.05)
    queue.add_job(_works("job", [20.0] * 4), ready_at=0.0, key_of=lambda work: KEY)
    queue.remove_owner("job")
    queue.add_job(_works("other", [20.0] * 4), ready_at=0.5, key_of=lambda work: KEY)
    queue.add_job(_works("job", [20.0]), ready_at=0.0, key_of=lambda work: KEY)

    assert _owners(queue.next_batch(lambda work: 1)) == ["job"]


def test_a_lone_chunk_of_a_rare_bucket_goes_after_a_few_full_batches_while_more_are_coming():
    queue = FairChunkQueue(pace=0.05)
    queue.add_job(_works("job", [8.0]), ready_at=0.0, key_of=lambda work: "bucket 10")
    queue.add_job(_works("job", [18.0] * 40)[1:], ready_at=0.0, key_of=lambda work: "bucket 20")

    batches = []
    while not any(work.index == 0 for batch in batches for work in batch):
        batches.append(queue.next_batch(lambda work: 4, allow_partial=False))

    assert len(batches) == MAX_PASSED_OVER + 1
    assert [work.index for work in batches[-1]] == [0]


def test_the_earliest_chunk_waits_for_companions_only_so_long_while_more_are_coming():
    queue = FairChunkQueue(pace=0.05)
    queue.add_job(_works("short", [6.0]), ready_at=0.0, key_of=lambda work: "bucket 7.5", now=100.0)
    queue.add_job(_works("long", [18.0] * 8), ready_at=0.5, key_of=lambda work: "bucket 20", now=100.0)

    first = queue.next_batch(lambda work: 4, allow_partial=False, partial_after=1.0, now=100.5)
    later = queue.next_batch(lambda work: 4, allow_partial=False, partial_after=1.0, now=101.0)

    assert _owners(first) == ["long"] * 4
    assert _owners(later) == ["short"]
