"""ModelManager: which Whisper models are in memory, for whom, and within what budget.

One manager per process (the Celery worker, the live engine). Threads share loaded models;
a cold model asked for by several threads at once is loaded by the first and awaited by the
others. Loads are serialised so that the memory a load adds can be measured.
"""
import contextlib
import logging
import threading
import time
from dataclasses import asdict, dataclass

from faster_whisper import WhisperModel

from appliance.engine.models.catalog import check_model_name
from appliance.engine.config import device_key, resolve_compute_type, resolve_device
from appliance.engine.errors import EngineError, MemoryBudgetError
from appliance.engine.models.idle_reaper import IdleReaper
from appliance.engine.models.memory import MemoryProbe, default_budget_mb, estimate_model_mb, settle_memory_mb
from appliance.engine.models.sources import resolve_model

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedModelInfo:
    name: str
    device: str  # "cpu" or "cuda:<index>"
    compute_type: str
    memory_mb: int
    memory_measured: bool  # False: the estimate from the weights (the measurement was not usable)
    load_seconds: float
    loaded_at: float  # epoch seconds
    last_used_at: float  # epoch seconds
    in_use: int  # transcriptions running on it now
    preloaded: bool
    source: str  # "directory", "pack" or "hub"
    path: str
    multilingual: bool

    def to_dict(self):
        return asdict(self)


class LoadedModel:
    """A model in memory. `whisper` is the faster-whisper WhisperModel to run."""

    def __init__(self, name, whisper, resolved, device, device_index, compute_type,
                 memory_mb, memory_measured, load_seconds):
        self.name = name
        self.whisper = whisper
        self.path = resolved.path
        self.source = resolved.source
        self.device = device
        self.device_index = device_index
        self.compute_type = compute_type
        self.memory_mb = memory_mb
        self.memory_measured = memory_measured
        self.load_seconds = load_seconds
        self.loaded_at = time.time()
        self.in_use = 0
        self.touch()

    @property
    def device_key(self):
        return device_key(self.device, self.device_index)

    @property
    def multilingual(self):
        return self.whisper.model.is_multilingual

    def touch(self):
        self.last_used = time.monotonic()
        self.last_used_at = time.time()

    def info(self, preloaded):
        return LoadedModelInfo(
            name=self.name, device=self.device_key, compute_type=self.compute_type,
            memory_mb=self.memory_mb, memory_measured=self.memory_measured,
            load_seconds=round(self.load_seconds, 3), loaded_at=self.loaded_at,
            last_used_at=self.last_used_at, in_use=self.in_use, preloaded=preloaded,
            source=self.source, path=str(self.path), multilingual=self.multilingual,
        )


class _PendingLoad:
    def __init__(self):
        self.done = threading.Event()
        self.model = None
        self.error = None


class ModelManager:
    def __init__(self, config):
        self._config = config
        self._lock = threading.RLock()  # guards the dictionaries and counters below
        self._load_lock = threading.Lock()  # one load at a time, so RSS deltas belong to it
        self._models = {}
        self._pending = {}
        self._reserved = {}  # name -> (device key, MB) while a load is under way
        self._statistics = {"loads": 0, "evictions": 0, "idle_unloads": 0, "refusals": 0}
        self._reaper = IdleReaper(self.unload_idle, "model-idle-reaper")

    @property
    def config(self):
        return self._config

    # --- loading -----------------------------------------------------------------------------

    def preload(self):
        """Load every model of the preload set; report all failures together at the end."""
        failures = []
        for name in self._config.preload:
            try:
                self.ensure_loaded(name)
            except EngineError as error:
                logger.error("could not preload %s: %s", name, error)
                failures.append(f"{name}: {error}")
        if failures:
            raise EngineError("Some models could not be preloaded. " + " ".join(failures))
        return self.loaded_models()

    def ensure_loaded(self, name):
        check_model_name(name)
        with self._lock:
            loaded = self._models.get(name)
            if loaded is not None:
                loaded.touch()
                return loaded
            pending = self._pending.get(name)
            owner = pending is None
            if owner:
                pending = self._pending[name] = _PendingLoad()
        if not owner:
            pending.done.wait()
            if pending.error is not None:
                raise pending.error
            return pending.model
        try:
            pending.model = self._load(name)
            return pending.model
        except BaseException as error:
            pending.error = error
            raise
        finally:
            with self._lock:
                self._pending.pop(name, None)
            pending.done.set()

    @contextlib.contextmanager
    def acquire(self, name):
        """Use a model for one job: while held it is never evicted or unloaded for idleness."""
        with self._lock:
            loaded = self._models.get(name)
            if loaded is not None:
                loaded.in_use += 1
        if loaded is None:
            while True:
                candidate = self.ensure_loaded(name)
                with self._lock:
                    # Another thread may have evicted it between the load and this lock.
                    if self._models.get(name) is candidate:
                        loaded = candidate
                        loaded.in_use += 1
                        break
        try:
            yield loaded
        finally:
            with self._lock:
                loaded.in_use -= 1
                loaded.touch()

    def _load(self, name):
        config = self._config
        resolved = resolve_model(name, config.data_dir, config.allow_hub_download)
        device = resolve_device(config.device)
        compute_type = resolve_compute_type(config.compute_type, device)
        key = device_key(device, config.device_index)
        estimate_mb = estimate_model_mb(resolved.weights_bytes, compute_type)
        with self._load_lock:
            with self._lock:
                self._make_room(name, key, estimate_mb)
                self._reserved[name] = (key, estimate_mb)
            try:
                probe = MemoryProbe(device, config.device_index)
                started = time.perf_counter()
                cpu_threads, num_workers = config.thread_split(device)
                whisper = WhisperModel(
                    str(resolved.path), device=device, device_index=config.device_index,
                    compute_type=compute_type, cpu_threads=cpu_threads, num_workers=num_workers,
                )
                load_seconds = time.perf_counter() - started
                memory_mb, measured = settle_memory_mb(estimate_mb, probe.delta_mb())
            finally:
                with self._lock:
                    self._reserved.pop(name, None)
            loaded = LoadedModel(name, whisper, resolved, device, config.device_index, compute_type,
                                 memory_mb, measured, load_seconds)
            with self._lock:
                self._models[name] = loaded
                self._statistics["loads"] += 1
        logger.info("loaded %s on %s (%s, %d MB) in %.2f s", name, key, compute_type, memory_mb, load_seconds)
        return loaded

    # --- memory budget -------------------------------------------------------------------------

    def budget_mb(self, key):
        """The budget of a device key; None means no limit is known (a GPU without NVML)."""
        configured = self._config.memory_budget_mb.get(key)
        return configured if configured is not None else default_budget_mb(key)

    def _make_room(self, name, key, estimate_mb):
        budget = self.budget_mb(key)
        if budget is None:
            return
        if estimate_mb > budget:
            self._statistics["refusals"] += 1
            raise MemoryBudgetError(
                f"Model {name!r} needs about {estimate_mb} MB but the memory budget of {key} is "
                f"{budget} MB: raise the budget, pick a smaller model or an int8 compute type."
            )
        used = self._used_mb(key)
        evictable = sorted(
            (model for model in self._models.values()
             if model.device_key == key and model.in_use == 0 and not self._is_preloaded(model.name)),
            key=lambda model: model.last_used,
        )
        while used + estimate_mb > budget and evictable:
            victim = evictable.pop(0)
            logger.info("evicting %s (%d MB) to make room for %s", victim.name, victim.memory_mb, name)
            del self._models[victim.name]
            self._statistics["evictions"] += 1
            used -= victim.memory_mb
        if used + estimate_mb > budget:
            self._statistics["refusals"] += 1
            holders = ", ".join(
                f"{model.name} ({model.memory_mb} MB, {'preloaded' if self._is_preloaded(model.name) else 'in use'})"
                for model in self._models.values() if model.device_key == key
            ) or "models being loaded"
            raise MemoryBudgetError(
                f"Model {name!r} needs about {estimate_mb} MB but only {max(0, budget - used)} MB of the "
                f"{budget} MB budget of {key} are free; the rest is held by {holders}. Try again when "
                "running jobs finish, or raise the budget."
            )

    def _used_mb(self, key):
        loaded = sum(model.memory_mb for model in self._models.values() if model.device_key == key)
        return loaded + sum(mb for reserved_key, mb in self._reserved.values() if reserved_key == key)

    def _is_preloaded(self, name):
        return name in self._config.preload

    # --- unloading -----------------------------------------------------------------------------

    def unload(self, name):
        """Forget a model; a job still running on it keeps it alive until that job ends."""
        with self._lock:
            return self._models.pop(name, None) is not None

    def unload_idle(self, now=None):
        """Unload models unused for idle_ttl_seconds (never preloaded or busy ones)."""
        ttl = self._config.idle_ttl_seconds
        if not ttl or ttl <= 0:
            return []
        now = time.monotonic() if now is None else now
        with self._lock:
            idle = [
                model.name for model in self._models.values()
                if model.in_use == 0 and not self._is_preloaded(model.name) and now - model.last_used >= ttl
            ]
            for name in idle:
                del self._models[name]
            self._statistics["idle_unloads"] += len(idle)
        for name in idle:
            logger.info("unloaded %s after %s s idle", name, ttl)
        return idle

    def start_idle_reaper(self, interval_seconds=60):
        """Run unload_idle() in a daemon thread (processes without Celery beat: the live engine)."""
        self._reaper.start(interval_seconds)

    def close(self):
        self._reaper.stop()
        with self._lock:
            self._models.clear()

    # --- state and settings --------------------------------------------------------------------

    def loaded_models(self):
        with self._lock:
            return [model.info(self._is_preloaded(model.name)) for model in self._models.values()]

    def is_loaded(self, name):
        with self._lock:
            return name in self._models

    def statistics(self):
        """Counters since start: loads, evictions, idle_unloads, refusals (for metrics)."""
        with self._lock:
            return dict(self._statistics)

    def apply_config(self, new_config, load_preloaded=True):
        """Take new settings at run time; models built with other load settings are dropped."""
        with self._lock:
            old = self._config
            self._config = new_config
            if new_config.load_settings() != old.load_settings():
                self._models.clear()
        if load_preloaded:
            return self.preload()
        return self.loaded_models()
