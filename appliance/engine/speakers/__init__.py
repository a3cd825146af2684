"""Speaker diarization, offline: who spoke when, and whose is each word of a transcript.

Silero VAD (shipped with faster-whisper) finds speech, the CAM++ model (ONNX, shipped in
weights/) gives each 1.5 s window a voice print, spectral clustering groups the prints into
speakers. numpy and onnxruntime only: no torch, no token, no download. Imports no Django.

    from appliance.engine.speakers import DiarizationOptions, SpeakerModels, diarize, label_transcript

    speaker_models = SpeakerModels(manager)          # beside the process's ModelManager
    with speaker_models.acquire() as embedder:
        diarization = diarize(samples, embedder, DiarizationOptions(max_speakers=4))
    label_transcript(result, diarization.turns)     # segments and words get "SPEAKER_1"...
"""
import importlib

_LAZY = {
    "DiarizationOptions": "options",
    "Diarization": "diarization",
    "SpeakerTurn": "diarization",
    "diarize": "diarization",
    "speaker_id": "diarization",
    "label_transcript": "assignment",
    "SpeakerModels": "speaker_models",
    "LoadedSpeakerModelInfo": "speaker_models",
    "SPEAKER_MODEL_NAME": "model_files",
    "resolve_speaker_model": "model_files",
    "diarize_beside": "beside_transcription",
}

__all__ = sorted(_LAZY)


def __getattr__(name):
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
