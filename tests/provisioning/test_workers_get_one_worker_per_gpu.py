def test_a_cpu_host_runs_one_worker_with_every_core_as_threads(rendered, read_unit):
    worker = read_unit(rendered / "whisper-appliance-worker@.service")
    assert "APPLIANCE_CPU_THREADS=4" in worker["Environment"]
    assert not any(value.startswith("CUDA_VISIBLE_DEVICES") for value in worker["Environment"])
    assert worker["PrivateDevices"] == ["yes"]


def test_a_host_with_two_gpus_runs_one_worker_pinned_to_each(rendered_gpu, read_unit):
    wanted = read_unit(rendered_gpu / "whisper-appliance.target")["Wants"][0].split()
    assert {"whisper-appliance-worker@0.service", "whisper-appliance-worker@1.service"} <= set(wanted)
    worker = read_unit(rendered_gpu / "whisper-appliance-worker@.service")
    assert "CUDA_VISIBLE_DEVICES=%i" in worker["Environment"]
    assert any(value.startswith("LD_LIBRARY_PATH=") and "nvidia/cublas/lib" in value for value in worker["Environment"])
    # The GPU nodes must stay visible to the process.
    assert "PrivateDevices" not in worker
