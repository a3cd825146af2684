import time

from tests.engine.conftest import make_manager


def test_idle_models_are_unloaded_after_the_ttl_but_preloaded_ones_stay(engine_data_dir, tiny_copies):
    manager = make_manager(engine_data_dir, preload=("tiny.en",), idle_ttl_seconds=60)
    manager.preload()
    manager.ensure_loaded("tiny-a")
    now = time.monotonic()

    assert manager.unload_idle(now=now + 30) == []
    assert manager.unload_idle(now=now + 61) == ["tiny-a"]

    assert [info.name for info in manager.loaded_models()] == ["tiny.en"]
    assert manager.statistics()["idle_unloads"] == 1
    manager.close()


def test_a_model_in_use_is_never_unloaded_for_idleness(engine_data_dir, tiny_copies):
    manager = make_manager(engine_data_dir, idle_ttl_seconds=60)

    with manager.acquire("tiny-a"):
        assert manager.unload_idle(now=time.monotonic() + 3600) == []
    # Release counts as use: the clock starts again.
    assert manager.unload_idle(now=time.monotonic() + 30) == []
    assert manager.unload_idle(now=time.monotonic() + 61) == ["tiny-a"]
    manager.close()


def test_a_ttl_of_zero_keeps_models_loaded(engine_data_dir, tiny_copies):
    manager = make_manager(engine_data_dir, idle_ttl_seconds=0)
    manager.ensure_loaded("tiny-a")

    assert manager.unload_idle(now=time.monotonic() + 10**6) == []
    manager.close()


def test_the_idle_reaper_thread_unloads_on_its_own(engine_data_dir, tiny_copies):
    manager = make_manager(engine_data_dir, idle_ttl_seconds=0.2)
    manager.ensure_loaded("tiny-a")

    manager.start_idle_reaper(interval_seconds=0.05)
    deadline = time.monotonic() + 30
    while manager.is_loaded("tiny-a") and time.monotonic() < deadline:
        time.sleep(0.05)

    assert not manager.is_loaded("tiny-a")
    manager.close()
