"""EngineConfig: everything a ModelManager needs, and how device/compute type are resolved."""
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from appliance.engine.errors import InvalidOptionsError

DEVICES = ("auto", "cpu", "cuda")
COMPUTE_TYPES = (
    "auto", "int8", "int8_float16", "int8_float32", "int8_bfloat16", "float16", "bfloat16", "float32",
)
DEFAULT_MAX_DURATION_SECONDS = 4 * 3600


@dataclass(frozen=True)
class EngineConfig:
    """How models are found, loaded and kept.

    memory_budget_mb maps a device key ("cpu", "cuda:0", "cuda:1", ...) to megabytes; a device
    without an entry gets an automatic budget (75 % of RAM, 90 % of the GPU's memory).
    idle_ttl_seconds <= 0 keeps idle models loaded forever.

    cpu_threads and num_workers are CTranslate2's intra and inter threads of every model
    (0: derived, see thread_split); cpu_cores is what a derived split spreads over (0: every
    core this process may use). parallel_batches says the caller runs several batches at once
    (the pooled scheduler of a jobs worker): a derived split then prefers workers to threads.
    """

    data_dir: Path = Path("data")
    device: str = "auto"
    device_index: int = 0
    compute_type: str = "auto"
    cpu_threads: int = 0
    num_workers: int = 0
    cpu_cores: int = 0
    parallel_batches: bool = False
    preload: tuple = ()
    idle_ttl_seconds: float = 900
    memory_budget_mb: dict = field(default_factory=dict)
    allow_hub_download: bool = False
    max_duration_seconds: float = DEFAULT_MAX_DURATION_SECONDS

    def __post_init__(self):
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        object.__setattr__(self, "preload", tuple(self.preload))
        object.__setattr__(self, "memory_budget_mb", dict(self.memory_budget_mb or {}))
        if self.device not in DEVICES:
            raise InvalidOptionsError(f"Unknown device {self.device!r}: choose one of {', '.join(DEVICES)}.")
        if self.compute_type not in COMPUTE_TYPES:
            raise InvalidOptionsError(
                f"Unknown compute type {self.compute_type!r}: choose one of {', '.join(COMPUTE_TYPES)}."
            )
        if min(self.cpu_threads, self.num_workers, self.cpu_cores, self.device_index) < 0:
            raise InvalidOptionsError("cpu_threads, num_workers, cpu_cores and device_index must be >= 0.")

    @classmethod
    def from_env(cls, environ=None, **overrides):
        """The settings the environment decides (docs/architecture.md); the rest from overrides."""
        from appliance.plumbing.env import env_bool, env_int, env_path

        environ = os.environ if environ is None else environ
        values = {
            "data_dir": env_path("APPLIANCE_DATA_DIR", "./data", environ=environ),
            "allow_hub_download": env_bool("APPLIANCE_ALLOW_HUB_DOWNLOAD", False, environ=environ),
            "max_duration_seconds": env_int(
                "APPLIANCE_MAX_AUDIO_SECONDS", DEFAULT_MAX_DURATION_SECONDS, minimum=1, environ=environ
            ),
        }
        values.update(overrides)
        return cls(**values)

    def with_changes(self, **changes):
        return replace(self, **changes)

    def thread_split(self, device=None):
        """(cpu_threads, num_workers) a model gets on `device` (default: this config's, resolved)."""
        from appliance.engine.files.pipelined_decoding import available_cores, choose_threads, sequential_threads

        device = resolve_device(self.device) if device is None else device
        cores = self.cpu_cores or available_cores()
        if self.cpu_threads and self.num_workers:
            return self.cpu_threads, self.num_workers
        if self.cpu_threads:  # as many workers of that size as the cores hold, where batches run side by side
            side_by_side = self.parallel_batches and device == "cpu"
            return self.cpu_threads, max(1, cores // self.cpu_threads) if side_by_side else 1
        if self.num_workers:
            return max(1, cores // self.num_workers), self.num_workers
        return (choose_threads if self.parallel_batches else sequential_threads)(cores, device)

    def load_settings(self):
        """The settings a loaded model was built with; changing any of them needs a reload."""
        return (self.data_dir, self.device, self.device_index, self.compute_type, self.cpu_threads, self.num_workers,
                self.cpu_cores, self.parallel_batches)


def cuda_device_count():
    import ctranslate2

    try:
        return ctranslate2.get_cuda_device_count()
    except RuntimeError:
        # A CUDA driver that is present but broken must not stop CPU transcription.
        return 0


def resolve_device(device):
    if device == "auto":
        return "cuda" if cuda_device_count() > 0 else "cpu"
    if device == "cuda" and cuda_device_count() == 0:
        raise InvalidOptionsError("The device is set to CUDA but no NVIDIA GPU is visible: choose cpu or auto.")
    return device


def resolve_compute_type(compute_type, device):
    if compute_type == "auto":
        return "float16" if device == "cuda" else "int8"
    return compute_type


def device_key(device, device_index):
    """The key of a device in memory budgets: "cpu" or "cuda:<index>"."""
    return "cpu" if device == "cpu" else f"cuda:{device_index}"
