"""The transcription engine: plain Python on faster-whisper, no Django.

The public API is listed in docs/architecture.md ("Engine API"). Names are imported on first
use, so a process that only formats exports or catches errors (daphne) does not pay for
loading faster-whisper, CTranslate2 and FFmpeg.
"""
import importlib

from .errors import (
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
    "ModelManager": "manager",
    "LoadedModel": "manager",
    "LoadedModelInfo": "manager",
    "TranscriptionOptions": "options",
    "transcribe": "pipeline",
    "transcribe_pooled": "pooled_scheduler",
    "probe_audio": "audio",
    "load_audio": "audio",
    "AudioInfo": "audio",
    "TranscriptionResult": "results",
    "Segment": "results",
    "Word": "results",
    "Timings": "results",
    "export_result": "exports",
    "EXPORT_FORMATS": "exports",
    "CONTENT_TYPES": "exports",
    "CATALOG": "catalog",
    "list_models": "sources",
    "resolve_model": "sources",
    "verify_model": "sources",
    "import_model": "importer",
    "delete_model": "importer",
    "language_name": "languages",
    "LANGUAGE_NAMES": "languages",
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
