"""How a model's CTranslate2 threads are split (EngineConfig.thread_split): one-thread workers
side by side for a caller that runs batches side by side, one worker of every thread otherwise;
explicit settings win."""
import pytest

from appliance.engine import EngineConfig, InvalidOptionsError


@pytest.mark.parametrize("settings, device, split", [
    ({"cpu_cores": 2, "parallel_batches": True}, "cpu", (1, 2)),
    ({"cpu_cores": 2}, "cpu", (2, 1)),  # the plain pipeline runs one batch at a time
    ({"cpu_cores": 8, "parallel_batches": True}, "cpu", (2, 4)),
    ({"cpu_cores": 8, "parallel_batches": True}, "cuda", (4, 1)),
    ({"cpu_cores": 4, "cpu_threads": 2, "parallel_batches": True}, "cpu", (2, 2)),
    ({"cpu_cores": 4, "cpu_threads": 2}, "cpu", (2, 1)),
    ({"cpu_cores": 4, "num_workers": 4}, "cpu", (1, 4)),
    ({"cpu_cores": 4, "cpu_threads": 3, "num_workers": 2, "parallel_batches": True}, "cpu", (3, 2)),
])
def test_the_split_follows_the_cores_and_the_callers_batches(settings, device, split):
    assert EngineConfig(**settings).thread_split(device) == split


def test_without_cores_given_it_takes_the_cores_this_process_may_use():
    from appliance.engine.files.pipelined_decoding import available_cores

    threads, workers = EngineConfig(parallel_batches=True).thread_split("cpu")
    assert threads * workers == available_cores()


def test_a_negative_count_is_refused():
    with pytest.raises(InvalidOptionsError, match="must be >= 0"):
        EngineConfig(cpu_cores=-1)


def test_a_model_is_loaded_with_the_split(engine_data_dir):
    from appliance.engine import ModelManager

    manager = ModelManager(EngineConfig(data_dir=engine_data_dir, cpu_cores=2, parallel_batches=True, device="cpu"))
    try:
        with manager.acquire("tiny.en") as loaded:
            assert loaded.whisper.model.num_workers == 2
    finally:
        manager.close()
