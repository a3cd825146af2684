"""Memory sizes of models: estimated before loading, measured after (RSS on CPU, NVML on GPU)."""
import threading

import psutil

MB = 2**20
# Bytes in memory per byte of the float16 weights file, by compute type.
WEIGHT_FACTORS = {
    "float32": 2.0,
    "float16": 1.0,
    "bfloat16": 1.0,
    "int8": 0.5,
    "int8_float16": 0.5,
    "int8_float32": 0.5,
    "int8_bfloat16": 0.5,
}
# Runtime buffers, tokenizer and feature extractor around the weights (measured: tiny.en int8
# grows RSS by ~70 MB for 36 MB of int8 weights).
OVERHEAD_MB = 40
DEFAULT_CPU_BUDGET_FRACTION = 0.75
DEFAULT_GPU_BUDGET_FRACTION = 0.90
# RSS can hide a load that reuses memory freed by an earlier unload; below this share of the
# estimate a measurement is not trusted.
MIN_TRUSTED_MEASUREMENT = 0.5

_nvml_lock = threading.Lock()
_nvml_state = {"initialised": False, "available": False}


def estimate_model_mb(weights_bytes, compute_type):
    return round(weights_bytes / MB * WEIGHT_FACTORS.get(compute_type, 1.0) + OVERHEAD_MB)


def default_budget_mb(key):
    if key == "cpu":
        return int(psutil.virtual_memory().total / MB * DEFAULT_CPU_BUDGET_FRACTION)
    memory = gpu_memory(int(key.split(":", 1)[1]))
    if memory is None:
        return None
    return int(memory[0] / MB * DEFAULT_GPU_BUDGET_FRACTION)


def _nvml():
    """pynvml once initialised, or None when there is no NVIDIA driver (every CPU machine)."""
    with _nvml_lock:
        if not _nvml_state["initialised"]:
            _nvml_state["initialised"] = True
            try:
                import pynvml

                pynvml.nvmlInit()
                _nvml_state["available"] = True
            except Exception:  # ImportError, NVMLError_LibraryNotFound, NVMLError_DriverNotLoaded...
                _nvml_state["available"] = False
        if not _nvml_state["available"]:
            return None
        import pynvml

        return pynvml


def gpu_memory(index):
    """(total bytes, used bytes) of one GPU, or None without NVML."""
    nvml = _nvml()
    if nvml is None:
        return None
    try:
        info = nvml.nvmlDeviceGetMemoryInfo(nvml.nvmlDeviceGetHandleByIndex(index))
    except nvml.NVMLError:
        return None
    return info.total, info.used


class MemoryProbe:
    """Measures how much memory a load took on its device."""

    def __init__(self, device, device_index):
        self.device = device
        self.device_index = device_index
        self.before = self._read()

    def _read(self):
        if self.device == "cpu":
            return psutil.Process().memory_info().rss
        memory = gpu_memory(self.device_index)
        return None if memory is None else memory[1]

    def delta_mb(self):
        after = self._read()
        if after is None or self.before is None:
            return None
        return max(0, round((after - self.before) / MB))


def settle_memory_mb(estimate_mb, measured_mb):
    """The size to account for a loaded model, and whether it is a measurement."""
    if measured_mb is not None and measured_mb >= estimate_mb * MIN_TRUSTED_MEASUREMENT:
        return measured_mb, True
    return estimate_mb, False
