"""The speaker model loads on first use, is never unloaded while held, and leaves when idle."""
import time

from appliance.engine.speakers import SpeakerModels

from ..conftest import make_manager


def test_the_speaker_model_loads_on_demand_and_unloads_when_idle(tmp_path):
    holder = SpeakerModels(make_manager(tmp_path, idle_ttl_seconds=5))
    assert not holder.is_loaded()

    with holder.acquire() as embedder:
        assert embedder.name == "campplus-cn-en-16k"
        info = holder.loaded_models()[0]
        assert info.in_use == 1 and info.source == "cache" and info.memory_mb > 0
        assert holder.unload_idle(now=time.monotonic() + 60) == []  # held: stays

    assert holder.unload_idle(now=time.monotonic() + 1) == []
    assert holder.unload_idle(now=time.monotonic() + 60) == ["campplus-cn-en-16k"]
    assert not holder.is_loaded()


def test_the_model_in_the_data_dir_wins_over_the_cached_one(tmp_path):
    from appliance.engine.speakers.model_files import installed_dir
    from appliance.engine.speakers.speaker_weights import install

    assert install(installed_dir(tmp_path))  # from the cache's verified copy
    holder = SpeakerModels(make_manager(tmp_path))

    with holder.acquire():
        assert holder.loaded_models()[0].source == "directory"
