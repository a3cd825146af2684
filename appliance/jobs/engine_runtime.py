"""The worker process's engine: one ModelManager per process, built from settings.

Celery calls start_worker_runtime() in every process that runs tasks (the prefork child, or the
worker itself with the threads or solo pool: appliance.worker_signals), so models load there and
never in a forking parent. With the threads pool the jobs of one process share its manager, so
one copy of each model serves all of them (and their batches are pooled).
The panel changes the configuration at run time through apply_engine_config().
"""
import logging
import os
import threading
import time

from django.conf import settings

from appliance.worker_heartbeat import Heartbeat

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_state = {"pid": None, "manager": None, "heartbeat": None}


def engine_config(**changes):
    from appliance.engine import EngineConfig

    values = {
        "data_dir": settings.DATA_DIR,
        "device": settings.ENGINE_DEVICE,
        "compute_type": settings.ENGINE_COMPUTE_TYPE,
        # CTranslate2 threads in all; the engine splits them (EngineConfig.thread_split): one-thread
        # workers side by side for the pooled "dynamic" pipeline, one worker of them all otherwise.
        "cpu_cores": settings.ENGINE_CPU_THREADS,
        "parallel_batches": settings.ENGINE_PIPELINE == "dynamic",
        "preload": tuple(settings.ENGINE_PRELOAD),
        "idle_ttl_seconds": settings.ENGINE_IDLE_TTL_SECONDS,
        "allow_hub_download": settings.ALLOW_HUB_DOWNLOAD,
        "max_duration_seconds": settings.MAX_AUDIO_SECONDS,
    }
    values.update(changes)
    return EngineConfig(**values)


def get_model_manager():
    """This process's ModelManager, created on first use (a forked child builds its own)."""
    with _lock:
        if _state["pid"] != os.getpid() or _state["manager"] is None:
            from appliance.engine import ModelManager

            _state.update(pid=os.getpid(), manager=ModelManager(engine_config()), heartbeat=None)
        return _state["manager"]


def apply_engine_config(config):
    """Hand a new EngineConfig (preload set, budgets, idle TTL) to this process's manager."""
    get_model_manager().apply_config(config)


def loaded_model_names():
    manager = _state["manager"] if _state["pid"] == os.getpid() else None
    return [info.name for info in manager.loaded_models()] if manager else []


def start_worker_runtime():
    """Preload the configured models, start the idle reaper and the heartbeat (idempotent)."""
    manager = get_model_manager()
    with _lock:
        if _state["heartbeat"] is not None:
            return manager
        _state["heartbeat"] = Heartbeat(loaded_model_names)
    try:
        manager.preload()
    except Exception:
        # A missing preload model must not keep the worker from running jobs with other models;
        # /healthz and the panel show what is loaded.
        logger.exception("preloading models failed")
    manager.start_idle_reaper()
    _state["heartbeat"].start()
    return manager


def stop_worker_runtime():
    with _lock:
        heartbeat, _state["heartbeat"] = _state["heartbeat"], None
    if _state["pid"] != os.getpid():
        return
    if heartbeat is not None:
        heartbeat.stop()
    if _state["manager"] is not None:
        from appliance.engine.files.pooled_scheduler import close_shared_scheduler

        # Celery stops here after its running tasks ended (warm shutdown): nothing is pooled now.
        close_shared_scheduler(_state["manager"])


# Listing checks every pack's files (a tenth of a second): uploads reuse a recent answer.
AVAILABLE_MODELS_TTL_SECONDS = 30
_available = {"at": None, "models": None}


def available_models():
    """Models a job may ask for: installed offline, or downloadable when the hub is allowed."""
    from appliance.engine import list_models

    now = time.monotonic()
    if _available["at"] is None or now - _available["at"] > AVAILABLE_MODELS_TTL_SECONDS:
        _available["models"] = [
            status
            for status in list_models(settings.DATA_DIR, allow_hub_download=settings.ALLOW_HUB_DOWNLOAD)
            if status.installed or status.source == "hub"
        ]
        _available["at"] = now
    return _available["models"]


def forget_available_models():
    """Call after a model was imported or deleted, so the next upload sees the change."""
    _available["at"] = None


def available_model_names():
    return [status.name for status in available_models()]
