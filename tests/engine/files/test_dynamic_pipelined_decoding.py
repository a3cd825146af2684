"""Pipelining: preparation runs ahead in a thread, results come out as batches finish, errors surface."""
import threading

import pytest

from appliance.engine.files.pipelined_decoding import (
    Prefetcher,
    batch_size_per_worker,
    choose_threads,
    run_pipelined,
    sequential_threads,
)


def test_prepared_items_come_back_in_order_from_a_background_thread():
    threads = set()

    def prepare(item):
        threads.add(threading.current_thread().name)
        return item * 10

    with Prefetcher(range(5), prepare, depth=2) as prefetched:
        assert list(prefetched) == [(0, 0), (1, 10), (2, 20), (3, 30), (4, 40)]
    assert threads == {"batch-prefetch"}


def test_the_next_item_is_prepared_while_the_current_one_is_used():
    second_prepared = threading.Event()

    def prepare(item):
        if item == 1:
            second_prepared.set()
        return item

    with Prefetcher(range(3), prepare, depth=1) as prefetched:
        next(prefetched)
        # Nothing else happens in this thread: only the prefetch thread can prepare item 1.
        assert second_prepared.wait(timeout=30)


def test_an_error_while_preparing_reaches_the_consumer_at_that_item():
    def prepare(item):
        if item == 2:
            raise ValueError("item 2 is broken")
        return item

    seen = []
    with pytest.raises(ValueError, match="item 2 is broken"), Prefetcher(range(5), prepare) as prefetched:
        for item, _ in prefetched:
            seen.append(item)
    assert seen == [0, 1]


def test_closing_early_stops_the_background_thread():
    prefetcher = Prefetcher(iter(range(10_000)), lambda item: item, depth=1)
    next(prefetcher)

    prefetcher.close()

    assert not prefetcher._thread.is_alive()


@pytest.mark.parametrize("workers", [1, 2])
def test_every_batch_comes_back_once_with_one_or_several_inference_workers(workers):
    inference_threads = set()

    def infer(batch, prepared):
        inference_threads.add(threading.current_thread().name)
        return prepared + 1

    results = list(run_pipelined(range(6), lambda batch: batch * 2, infer, workers=workers))

    assert sorted(results) == [(batch, batch * 2 + 1) for batch in range(6)]
    if workers == 1:
        assert results == sorted(results)
    else:  # inference left the calling thread for the pool of workers
        assert all(name.startswith("batch-infer") for name in inference_threads)


def test_a_short_batch_is_not_held_back_behind_a_long_one():
    long_batch_may_end = threading.Event()

    def infer(batch, prepared):
        if batch == "long":
            long_batch_may_end.wait(timeout=60)
        return batch

    results = run_pipelined(iter(["long", "short"]), lambda batch: batch, infer, workers=2)
    try:
        # The short batch comes out while the long one is still in the model.
        assert next(results) == ("short", "short")
        long_batch_may_end.set()
        assert next(results) == ("long", "long")
    finally:
        long_batch_may_end.set()
        results.close()


@pytest.mark.parametrize("batch_size, workers, per_worker", [(8, 1, 8), (8, 2, 4), (8, 3, 3), (1, 2, 1), (5, 2, 3)])
def test_workers_share_the_batch_size_between_them(batch_size, workers, per_worker):
    assert batch_size_per_worker(batch_size, workers) == per_worker


def test_thread_counts_use_every_core_and_split_them_between_workers():
    assert choose_threads(cores=1) == (1, 1)
    # Below 4 cores: one-thread workers side by side (docs/benchmarks.md, "Faster engine").
    assert choose_threads(cores=2) == (1, 2)
    assert choose_threads(cores=3) == (1, 3)
    assert choose_threads(cores=4) == (2, 2)
    assert choose_threads(cores=16) == (4, 4)
    for cores in (2, 3, 4, 6, 8, 12, 16):
        intra, inter = choose_threads(cores=cores)
        assert intra * inter <= cores and intra >= 1 and inter >= 1
    assert choose_threads(cores=8, device="cuda") == (4, 1)
    assert sequential_threads(cores=2) == (2, 1)


def test_finished_results_come_out_while_the_batch_source_waits_for_more():
    more_batches = threading.Event()
    last_result_seen = threading.Event()

    def batches():
        yield from range(3)
        more_batches.wait(timeout=120)  # a scheduler with an empty queue

    results = []

    def consume():
        for batch, output in run_pipelined(batches(), lambda batch: batch, lambda batch, features: features, workers=2):
            results.append(output)
            if len(results) == 3:
                last_result_seen.set()

    consumer = threading.Thread(target=consume)
    consumer.start()
    try:
        assert last_result_seen.wait(timeout=60)
    finally:
        more_batches.set()
        consumer.join()
    assert sorted(results) == [0, 1, 2]
