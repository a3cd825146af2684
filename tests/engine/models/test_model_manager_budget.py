import pytest

from appliance.engine import MemoryBudgetError
from appliance.engine.models.memory import estimate_model_mb
from appliance.engine.models.modelfiles import weights_bytes

from tests.engine.conftest import make_manager


def _estimate(engine_data_dir, name):
    return estimate_model_mb(weights_bytes(engine_data_dir / "models" / name), "int8")


def _memory(manager):
    return {info.name: info.memory_mb for info in manager.loaded_models()}


def test_the_least_recently_used_model_is_evicted_to_make_room(engine_data_dir, tiny_copies):
    manager = make_manager(engine_data_dir)
    manager.ensure_loaded("tiny-a")
    manager.ensure_loaded("tiny-b")
    manager.ensure_loaded("tiny-a")  # a is now used more recently than b
    memory = _memory(manager)
    # Room for both loaded models and the next one, less one megabyte: exactly one must go.
    budget = memory["tiny-a"] + memory["tiny-b"] + _estimate(engine_data_dir, "tiny-c") - 1
    manager.apply_config(manager.config.with_changes(memory_budget_mb={"cpu": budget}))

    manager.ensure_loaded("tiny-c")

    assert set(_memory(manager)) == {"tiny-a", "tiny-c"}
    assert manager.statistics()["evictions"] == 1
    manager.close()


def test_a_model_that_can_never_fit_is_refused_with_a_clear_error(engine_data_dir, tiny_copies):
    manager = make_manager(engine_data_dir, memory_budget_mb={"cpu": 50})

    with pytest.raises(MemoryBudgetError, match=r"needs about \d+ MB but the memory budget of cpu is 50 MB"):
        manager.ensure_loaded("tiny-a")

    assert manager.loaded_models() == []
    assert manager.statistics()["refusals"] == 1
    manager.close()


def test_preloaded_models_are_never_evicted(engine_data_dir, tiny_copies):
    manager = make_manager(engine_data_dir, preload=("tiny-a",))
    manager.preload()
    budget = _memory(manager)["tiny-a"] + _estimate(engine_data_dir, "tiny-b") - 1
    manager.apply_config(manager.config.with_changes(memory_budget_mb={"cpu": budget}))

    with pytest.raises(MemoryBudgetError, match=r"tiny-a \(\d+ MB, preloaded\)"):
        manager.ensure_loaded("tiny-b")

    assert set(_memory(manager)) == {"tiny-a"}
    manager.close()


def test_a_model_in_use_is_not_evicted_until_its_job_ends(engine_data_dir, tiny_copies):
    manager = make_manager(engine_data_dir)
    manager.ensure_loaded("tiny-a")
    budget = _memory(manager)["tiny-a"] + _estimate(engine_data_dir, "tiny-b") - 1
    manager.apply_config(manager.config.with_changes(memory_budget_mb={"cpu": budget}))

    with manager.acquire("tiny-a"):
        with pytest.raises(MemoryBudgetError, match="in use"):
            manager.ensure_loaded("tiny-b")
    manager.ensure_loaded("tiny-b")

    assert set(_memory(manager)) == {"tiny-b"}
    manager.close()


def test_without_a_configured_budget_the_cpu_gets_most_of_the_ram(engine_data_dir):
    import psutil

    manager = make_manager(engine_data_dir)

    assert manager.budget_mb("cpu") == int(psutil.virtual_memory().total / 2**20 * 0.75)
