import pytest

from appliance.engine import EngineError

from tests.engine.conftest import make_manager


def test_preload_loads_the_preload_set_and_reports_each_model(engine_data_dir):
    manager = make_manager(engine_data_dir, preload=("tiny.en", "base"))

    infos = {info.name: info for info in manager.preload()}

    assert set(infos) == {"tiny.en", "base"}
    for info in infos.values():
        assert info.preloaded
        assert (info.device, info.compute_type, info.source) == ("cpu", "int8", "pack")
        assert info.memory_mb > 0 and info.load_seconds > 0
        assert info.in_use == 0
    assert infos["base"].multilingual and not infos["tiny.en"].multilingual
    assert infos["base"].path == str(engine_data_dir / "models" / "base")
    manager.close()


def test_a_model_that_cannot_be_preloaded_does_not_stop_the_others(engine_data_dir):
    manager = make_manager(engine_data_dir, preload=("no-such-model", "tiny.en"))

    with pytest.raises(EngineError, match="no-such-model"):
        manager.preload()

    assert [info.name for info in manager.loaded_models()] == ["tiny.en"]
    manager.close()


def test_other_models_load_on_demand_and_are_shared(engine_data_dir, tiny_copies):
    manager = make_manager(engine_data_dir)

    first = manager.ensure_loaded("tiny-a")
    with manager.acquire("tiny-a") as acquired:
        assert acquired is first
        assert manager.loaded_models()[0].in_use == 1
    assert manager.loaded_models()[0].in_use == 0
    assert manager.statistics()["loads"] == 1
    assert not manager.loaded_models()[0].preloaded
    manager.close()


def test_new_settings_apply_at_run_time(engine_data_dir):
    manager = make_manager(engine_data_dir)
    assert manager.loaded_models() == []

    manager.apply_config(manager.config.with_changes(preload=("tiny.en",)))
    assert [(info.name, info.compute_type) for info in manager.loaded_models()] == [("tiny.en", "int8")]

    manager.apply_config(manager.config.with_changes(compute_type="float32"))
    assert [(info.name, info.compute_type) for info in manager.loaded_models()] == [("tiny.en", "float32")]

    manager.apply_config(manager.config.with_changes(preload=(), idle_ttl_seconds=5))
    assert not manager.loaded_models()[0].preloaded  # still loaded, now unloadable when idle
    manager.close()
