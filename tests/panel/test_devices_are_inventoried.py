"""The devices page lists the CPU and RAM from this machine and NVIDIA GPUs through NVML."""
from types import SimpleNamespace

import psutil
import pynvml

from appliance.panel.devices import NO_NVIDIA_GPU, read_cpu, read_cpu_model, read_inventory, read_nvidia_gpus


def test_it_reads_the_cpu_and_ram_of_this_machine():
    cpu = read_cpu()

    assert cpu.model and cpu.model != "unknown CPU"
    assert 1 <= cpu.usable_cores <= cpu.logical_cores
    assert cpu.ram_total_bytes == psutil.virtual_memory().total
    assert 0 < cpu.ram_limit_bytes <= cpu.ram_total_bytes


def test_it_names_an_arm_cpu_from_its_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nBogoMIPS\t: 108.00\nCPU part\t: 0xd08\n\nModel\t\t: Raspberry Pi 4 Model B\n")

    assert read_cpu_model(cpuinfo) == "Raspberry Pi 4 Model B"


def test_with_the_real_nvml_it_lists_gpus_or_says_plainly_there_are_none():
    # Runs the real pynvml against whatever driver this machine has. CI has no GPU, so there it
    # proves the plain "no GPU" sentence; on a GPU host it proves real names and memory figures.
    inventory = read_nvidia_gpus()

    if inventory.gpus:
        assert inventory.message == "" and inventory.driver_version
        assert all(gpu.name and gpu.memory_total_bytes > 0 for gpu in inventory.gpus)
    else:
        assert inventory.message == NO_NVIDIA_GPU
        assert read_inventory().device_names == ["cpu"]


class StandInNVML:
    """Stands in for pynvml on this GPU-less machine (a GPU cannot be had here): same function
    names and the real NVMLError classes, answering like a two-GPU host whose second card is a
    vGPU without utilisation counters."""

    NVMLError = pynvml.NVMLError
    NVMLError_LibraryNotFound = pynvml.NVMLError_LibraryNotFound
    NVMLError_DriverNotLoaded = pynvml.NVMLError_DriverNotLoaded
    NVML_TEMPERATURE_GPU = pynvml.NVML_TEMPERATURE_GPU

    def __init__(self, init_error=None):
        self.init_error = init_error
        self.shut_down = False

    def nvmlInit(self):
        if self.init_error:
            raise self.init_error

    def nvmlShutdown(self):
        self.shut_down = True

    def nvmlDeviceGetCount(self):
        return 2

    def nvmlDeviceGetHandleByIndex(self, index):
        return index

    def nvmlDeviceGetName(self, handle):
        return ["NVIDIA L4", b"GRID A100-8C"][handle]

    def nvmlDeviceGetUUID(self, handle):
        return f"GPU-{handle}"

    def nvmlDeviceGetMemoryInfo(self, handle):
        return SimpleNamespace(total=(24 << 30) >> handle * 2, used=(1 << 30) * (handle + 1))

    def nvmlDeviceGetUtilizationRates(self, handle):
        if handle == 1:
            raise pynvml.NVMLError_NotSupported()
        return SimpleNamespace(gpu=37, memory=12)

    def nvmlDeviceGetTemperature(self, handle, sensor):
        return 55

    def nvmlSystemGetDriverVersion(self):
        return b"550.54.15"

    def nvmlSystemGetCudaDriverVersion(self):
        return 12040


def test_it_turns_nvml_readings_into_cuda_devices_with_memory_and_load():
    nvml = StandInNVML()

    inventory = read_nvidia_gpus(nvml)

    assert [(gpu.device, gpu.name, gpu.utilization_percent) for gpu in inventory.gpus] == [
        ("cuda:0", "NVIDIA L4", 37), ("cuda:1", "GRID A100-8C", None)]
    assert inventory.gpus[0].memory_total_bytes == 24 << 30
    assert inventory.gpus[1].memory_used_bytes == 2 << 30
    assert (inventory.driver_version, inventory.cuda_driver_version, inventory.message) == ("550.54.15", "12.4", "")
    assert nvml.shut_down


def test_it_explains_a_driver_that_is_not_loaded():
    inventory = read_nvidia_gpus(StandInNVML(init_error=pynvml.NVMLError_DriverNotLoaded()))

    assert inventory.gpus == []
    assert inventory.message.startswith("The NVIDIA driver is not loaded")


def test_budget_limits_come_from_ram_for_cpu_and_vram_for_each_gpu():
    inventory = read_inventory(StandInNVML())

    assert inventory.device_names == ["cpu", "cuda:0", "cuda:1"]
    assert inventory.memory_limit_bytes("cpu") == inventory.cpu.ram_limit_bytes
    assert inventory.memory_limit_bytes("cuda:1") == 6 << 30
    assert inventory.memory_limit_bytes("cuda:7") is None
