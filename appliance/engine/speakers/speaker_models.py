"""The speaker model in memory, managed like the Whisper models: loaded on first use, counted
against the CPU memory budget of the process's ModelManager, unloaded after the same idle time.

One holder per process, beside its ModelManager. While a diarization holds the model it is
never unloaded; a load that the budget cannot take fails with MemoryBudgetError, which the
caller turns into a warning (the transcript is kept).
"""
import contextlib
import logging
import threading
import time
from dataclasses import asdict, dataclass

from appliance.engine.errors import MemoryBudgetError, ModelNotAvailableError
from appliance.engine.models.idle_reaper import IdleReaper
from appliance.engine.models.memory import MemoryProbe, settle_memory_mb
from appliance.engine.speakers.model_files import SPEAKER_MODEL_NAME, resolve_speaker_model
from appliance.engine.speakers.voice_embeddings import VoiceEmbedder

logger = logging.getLogger(__name__)

# ONNX Runtime holds the float32 weights (twice the float16 file) plus its arena.
MEMORY_PER_FILE_BYTE = 2.5
MEMORY_OVERHEAD_MB = 40
# Two intra-op threads (not spinning): beside transcription a single thread got a third of the
# CPU and finished long after the transcript (docs/benchmarks.md, "Speaker diarization").
EMBEDDING_THREADS = 2


@dataclass(frozen=True)
class LoadedSpeakerModelInfo:
    name: str
    device: str
    memory_mb: int
    memory_measured: bool
    load_seconds: float
    loaded_at: float
    last_used_at: float
    in_use: int
    source: str
    path: str

    def to_dict(self):
        return asdict(self)


class SpeakerModels:
    def __init__(self, manager, model_name=SPEAKER_MODEL_NAME):
        """manager: the process's ModelManager (its config, budget and loaded Whisper models)."""
        self._manager = manager
        self.model_name = model_name
        self._lock = threading.Lock()
        self._loaded = None  # dict: embedder, file, memory_mb, measured, load_seconds, loaded_at, last_used, in_use
        self._reaper = IdleReaper(self.unload_idle, "speaker-model-idle-reaper")

    @contextlib.contextmanager
    def acquire(self):
        """The VoiceEmbedder, held (not unloaded) until the block ends."""
        name = self.model_name
        with self._lock:
            if self._loaded is None or self._loaded["file"].name != name:
                self._loaded = self._load(name)
            loaded = self._loaded
            loaded["in_use"] += 1
        try:
            yield loaded["embedder"]
        finally:
            with self._lock:
                loaded["in_use"] -= 1
                loaded["last_used"] = time.monotonic()
                loaded["last_used_at"] = time.time()

    def _load(self, name):
        model_file = resolve_speaker_model(self._manager.config.data_dir, name)
        estimate_mb = int(model_file.size_bytes * MEMORY_PER_FILE_BYTE / 2**20) + MEMORY_OVERHEAD_MB
        budget = self._manager.budget_mb("cpu")
        used = sum(info.memory_mb for info in self._manager.loaded_models() if info.device == "cpu")
        if budget is not None and used + estimate_mb > budget:
            raise MemoryBudgetError(
                f"The speaker model needs about {estimate_mb} MB but only {max(0, budget - used)} MB of the "
                f"{budget} MB CPU memory budget are free: raise the budget or unload a model."
            )
        probe = MemoryProbe("cpu", 0)
        started = time.perf_counter()
        try:
            embedder = VoiceEmbedder(model_file.path, threads=EMBEDDING_THREADS, name=model_file.name)
        except Exception as error:  # onnxruntime says only "failed to load" in its own words
            raise ModelNotAvailableError(
                f"The speaker model file {model_file.path} is damaged and cannot be loaded ({type(error).__name__}): "
                "remove it, then run `python -m appliance.engine.speakers.speaker_weights install "
                f"{self._manager.config.data_dir}` to put the appliance's own model there."
            ) from None
        load_seconds = time.perf_counter() - started
        memory_mb, measured = settle_memory_mb(estimate_mb, probe.delta_mb())
        logger.info("loaded speaker model %s (%d MB) in %.2f s", name, memory_mb, load_seconds)
        return {
            "embedder": embedder, "file": model_file, "memory_mb": memory_mb, "measured": measured,
            "load_seconds": load_seconds, "loaded_at": time.time(), "last_used": time.monotonic(),
            "last_used_at": time.time(), "in_use": 0,
        }

    def is_loaded(self):
        with self._lock:
            return self._loaded is not None

    def loaded_models(self):
        with self._lock:
            loaded = self._loaded
            if loaded is None:
                return []
            return [LoadedSpeakerModelInfo(
                name=loaded["file"].name, device="cpu", memory_mb=loaded["memory_mb"],
                memory_measured=loaded["measured"], load_seconds=round(loaded["load_seconds"], 3),
                loaded_at=loaded["loaded_at"], last_used_at=loaded["last_used_at"], in_use=loaded["in_use"],
                source=loaded["file"].source, path=str(loaded["file"].path),
            )]

    def unload(self):
        with self._lock:
            unloaded, self._loaded = self._loaded is not None, None
        return unloaded

    def unload_idle(self, now=None):
        """Unload the model after the manager's idle_ttl_seconds unused; returns the names unloaded."""
        ttl = self._manager.config.idle_ttl_seconds
        if not ttl or ttl <= 0:
            return []
        now = time.monotonic() if now is None else now
        with self._lock:
            loaded = self._loaded
            if loaded is None or loaded["in_use"] or now - loaded["last_used"] < ttl:
                return []
            self._loaded = None
        logger.info("unloaded speaker model %s after %s s idle", loaded["file"].name, ttl)
        return [loaded["file"].name]

    def start_idle_reaper(self, interval_seconds=60):
        self._reaper.start(interval_seconds)

    def close(self):
        self._reaper.stop()
        self.unload()
