"""The transcription engine: plain Python on faster-whisper, no Django.

The public API is listed in docs/architecture.md ("Engine API"). Names are imported on first
use, so a process that only formats exports or catches errors (daphne) does not pay for
loading faster-whisper, CTranslate2 and FFmpeg.
"""
import importlib

from appliance.engine.errors import (
    AudioError,
    AudioTooLongError,
    CorruptAudioError,
    EmptyAudioError,
    EngineError,
    InvalidOptionsError,
    MemoryBudgetError,
    ModelImportError,
    ModelNotAvailableError,
    TranscriptionCancelled,
    UnsupportedAudioError,
)

_LAZY = {
    "EngineConfig": "config",
    "ModelManager": "models.manager",
    "LoadedModel": "models.manager",
    "LoadedModelInfo": "models.manager",
    "TranscriptionOptions": "transcription_options",
    "transcribe": "files.pipeline",
    "transcribe_pooled": "files.pooled_scheduler",
    "probe_audio": "files.audio",
    "load_audio": "files.audio",
    "AudioInfo": "files.audio",
    "TranscriptionResult": "files.results",
    "Segment": "files.results",
    "Word": "files.results",
    "Timings": "files.results",
    "export_result": "files.exports",
    "EXPORT_FORMATS": "files.exports",
    "CONTENT_TYPES": "files.exports",
    "CATALOG": "models.catalog",
    "list_models": "models.sources",
    "resolve_model": "models.sources",
    "verify_model": "models.sources",
    "import_model": "models.importer",
    "delete_model": "models.importer",
    "language_name": "languages",
    "LANGUAGE_NAMES": "languages",
    "language_choices": "languages",
}

__all__ = sorted(set(_LAZY) | {
    "AudioError", "AudioTooLongError", "CorruptAudioError", "EmptyAudioError", "EngineError",
    "InvalidOptionsError", "MemoryBudgetError", "ModelImportError", "ModelNotAvailableError",
    "TranscriptionCancelled", "UnsupportedAudioError",
})


def __getattr__(name):
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
