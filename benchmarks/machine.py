"""Describe the machine a benchmark ran on, so figures are never read without it."""
import os
import platform
from importlib import metadata

import psutil

PACKAGES = ("faster-whisper", "ctranslate2", "av", "numpy", "onnxruntime", "tokenizers")


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _gpus():
    try:
        import pynvml

        pynvml.nvmlInit()
    except Exception:  # no NVIDIA driver: the usual case on CPU machines
        return []
    gpus = []
    for index in range(pynvml.nvmlDeviceGetCount()):
        handle = pynvml.nvmlDeviceGetHandleByIndex(index)
        name = pynvml.nvmlDeviceGetName(handle)
        memory = pynvml.nvmlDeviceGetMemoryInfo(handle).total
        gpus.append({"name": name if isinstance(name, str) else name.decode(), "memory_gib": round(memory / 2**30, 1)})
    return gpus


def _version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def usable_cores():
    """CPU cores this process may run on (a container's cpuset, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def describe_machine():
    return {
        "cpu": _cpu_model(),
        "cores_logical": psutil.cpu_count(logical=True),
        "cores_physical": psutil.cpu_count(logical=False),
        "cores_usable": usable_cores(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "gpus": _gpus(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {package: _version(package) for package in PACKAGES},
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }
