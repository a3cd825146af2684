"""What this machine can run models on: the CPU and its RAM, and NVIDIA GPUs through NVML.

Pure Python (psutil, /proc, pynvml). Every reading that can fail on some host (no GPU, no
driver, a container hiding /proc files) degrades to a plain sentence instead of an exception,
because the devices page must always render.
"""
import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

MIB = 1024 * 1024
NO_NVIDIA_GPU = "No NVIDIA GPU is available on this machine: models run on the CPU."


@dataclass(frozen=True)
class CpuInfo:
    model: str
    physical_cores: int
    logical_cores: int
    usable_cores: int  # what the scheduler lets this process use (cgroup cpuset / affinity)
    ram_total_bytes: int
    ram_available_bytes: int
    container_memory_limit_bytes: int | None  # cgroup limit when lower than the RAM we see

    @property
    def ram_limit_bytes(self):
        """The RAM a memory budget must fit into: the container limit if there is one."""
        if self.container_memory_limit_bytes:
            return min(self.ram_total_bytes, self.container_memory_limit_bytes)
        return self.ram_total_bytes


@dataclass(frozen=True)
class GpuInfo:
    index: int
    device: str  # "cuda:N", the name the engine and the memory budget use
    name: str
    uuid: str
    memory_total_bytes: int
    memory_used_bytes: int
    utilization_percent: int | None  # None when the driver does not report it (e.g. some vGPUs)
    temperature_celsius: int | None


@dataclass(frozen=True)
class GpuInventory:
    gpus: list = field(default_factory=list)
    driver_version: str = ""
    cuda_driver_version: str = ""
    message: str = NO_NVIDIA_GPU  # shown instead of a table when there are no GPUs


@dataclass(frozen=True)
class DeviceInventory:
    cpu: CpuInfo
    gpu: GpuInventory

    @property
    def device_names(self):
        return ["cpu"] + [gpu.device for gpu in self.gpu.gpus]

    def memory_limit_bytes(self, device):
        """RAM for "cpu", total VRAM for "cuda:N", None for a device this machine lacks."""
        if device == "cpu":
            return self.cpu.ram_limit_bytes
        for gpu in self.gpu.gpus:
            if gpu.device == device:
                return gpu.memory_total_bytes
        return None

    def to_dict(self):
        return {"cpu": asdict(self.cpu), "gpu": asdict(self.gpu), "device_names": self.device_names}


def read_cpu_model(cpuinfo_path="/proc/cpuinfo"):
    try:
        text = Path(cpuinfo_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    # x86 names the model "model name"; ARM kernels use "Hardware", "Model" or only "CPU part".
    for key in ("model name", "Hardware", "Model", "cpu model", "Processor"):
        for line in text.splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key and value.strip():
                return value.strip()
    return platform.processor() or platform.machine() or "unknown CPU"


def read_container_memory_limit(cgroup_root="/sys/fs/cgroup"):
    """The cgroup v2 (or v1) memory limit, or None when unlimited or unreadable."""
    for relative in ("memory.max", "memory/memory.limit_in_bytes"):
        try:
            value = (Path(cgroup_root) / relative).read_text().strip()
        except OSError:
            continue
        if value.isdigit() and int(value) < (1 << 60):  # cgroup v1 says "no limit" with ~2^63
            return int(value)
    return None


def read_cpu():
    memory = psutil.virtual_memory()
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = psutil.cpu_count(logical=True) or 1
    limit = read_container_memory_limit()
    return CpuInfo(
        model=read_cpu_model(),
        physical_cores=psutil.cpu_count(logical=False) or psutil.cpu_count(logical=True) or 1,
        logical_cores=psutil.cpu_count(logical=True) or 1,
        usable_cores=usable,
        ram_total_bytes=memory.total,
        ram_available_bytes=memory.available,
        container_memory_limit_bytes=limit if limit and limit < memory.total else None,
    )


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _optional(call, *args):
    # Some readings are unsupported on vGPUs and MIG slices; one missing number must not hide the GPU.
    try:
        return call(*args)
    except Exception:  # noqa: BLE001 - pynvml raises per-feature NVMLError subclasses
        return None


def read_nvidia_gpus(nvml=None):
    """GPUs seen by the NVIDIA driver. `nvml` is the pynvml module (a parameter so a test on a
    machine without a GPU can hand in a stand-in; production always uses the real pynvml)."""
    if nvml is None:
        try:
            import pynvml as nvml
        except ImportError:
            return GpuInventory(message="The NVIDIA management library (nvidia-ml-py) is not installed: "
                                        "GPUs cannot be listed; models run on the CPU.")
    try:
        nvml.nvmlInit()
    except nvml.NVMLError as error:
        return GpuInventory(message=_explain_nvml_failure(nvml, error))
    try:
        gpus = []
        for index in range(nvml.nvmlDeviceGetCount()):
            handle = nvml.nvmlDeviceGetHandleByIndex(index)
            memory = nvml.nvmlDeviceGetMemoryInfo(handle)
            utilization = _optional(nvml.nvmlDeviceGetUtilizationRates, handle)
            gpus.append(GpuInfo(
                index=index,
                device=f"cuda:{index}",
                name=_text(nvml.nvmlDeviceGetName(handle)),
                uuid=_text(_optional(nvml.nvmlDeviceGetUUID, handle) or ""),
                memory_total_bytes=int(memory.total),
                memory_used_bytes=int(memory.used),
                utilization_percent=None if utilization is None else int(utilization.gpu),
                temperature_celsius=_optional(nvml.nvmlDeviceGetTemperature, handle, nvml.NVML_TEMPERATURE_GPU),
            ))
        cuda_version = _optional(nvml.nvmlSystemGetCudaDriverVersion)
        return GpuInventory(
            gpus=gpus,
            driver_version=_text(nvml.nvmlSystemGetDriverVersion()),
            cuda_driver_version=f"{cuda_version // 1000}.{cuda_version % 1000 // 10}" if cuda_version else "",
            message="" if gpus else "The NVIDIA driver is loaded but reports no GPU: models run on the CPU.",
        )
    except nvml.NVMLError as error:
        return GpuInventory(message=f"The NVIDIA driver could not be queried ({error}): models run on the CPU.")
    finally:
        _optional(nvml.nvmlShutdown)


def _explain_nvml_failure(nvml, error):
    if isinstance(error, getattr(nvml, "NVMLError_LibraryNotFound", ())):
        return NO_NVIDIA_GPU
    if isinstance(error, getattr(nvml, "NVMLError_DriverNotLoaded", ())):
        return "The NVIDIA driver is not loaded (no GPU passed into this container?): models run on the CPU."
    if isinstance(error, getattr(nvml, "NVMLError_NoPermission", ())):
        return ("The NVIDIA driver refused access to the GPU (device permissions in the container?): "
                "models run on the CPU.")
    return f"The NVIDIA driver could not be queried ({error}): models run on the CPU."


def read_inventory(nvml=None):
    return DeviceInventory(cpu=read_cpu(), gpu=read_nvidia_gpus(nvml))
