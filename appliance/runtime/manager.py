"""The process's ModelManager and the one place Django settings become an EngineConfig.

One manager per process (a forked child builds its own): with the threads pool the jobs of a
worker share it, so one copy of each model serves all of them (and their batches are pooled).
"""
import os
import threading

from django.conf import settings

_lock = threading.Lock()
_state = {"pid": None, "manager": None}


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


def get_model_manager(**config_changes):
    """This process's ModelManager, created on first use with engine_config(**config_changes)."""
    with _lock:
        if _state["pid"] != os.getpid() or _state["manager"] is None:
            from appliance.engine import ModelManager

            _state.update(pid=os.getpid(), manager=ModelManager(engine_config(**config_changes)))
        return _state["manager"]


def current_model_manager():
    """The manager this process already has, or None (never creates one)."""
    return _state["manager"] if _state["pid"] == os.getpid() else None


def get_speaker_models():
    """This process's speaker-model holder (beside its ModelManager, same budget and idle time);
    its idle reaper starts with it."""
    manager = get_model_manager()
    with _lock:
        holder = _state.get("speaker_models")
        if holder is None or _state.get("speaker_models_pid") != os.getpid():
            from appliance.engine.speakers import SpeakerModels

            holder = SpeakerModels(manager)
            holder.start_idle_reaper()
            _state.update(speaker_models=holder, speaker_models_pid=os.getpid())
        return holder


def current_speaker_models():
    """The speaker-model holder this process already has, or None (never creates one)."""
    return _state.get("speaker_models") if _state.get("speaker_models_pid") == os.getpid() else None


def loaded_speaker_model_rows():
    """The loaded speaker model in the shape of the Whisper models' rows (panel, /metrics, health)."""
    holder = current_speaker_models()
    if holder is None:
        return []
    return [{**info.to_dict(), "compute_type": "float32 (ONNX)", "preloaded": False, "multilingual": True,
             "kind": "speakers"} for info in holder.loaded_models()]


def unload_speaker_model(name):
    """Unload the speaker model if `name` is it (the panel's "Unload now"); True when it was loaded."""
    holder = current_speaker_models()
    return bool(holder is not None and holder.model_name == name and holder.unload())
