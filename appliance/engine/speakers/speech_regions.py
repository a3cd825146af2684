"""Where someone speaks: Silero VAD (the ONNX model faster-whisper ships), tuned for turn changes.

Transcription's VAD keeps pauses of up to 2 s inside one chunk; here a pause of 150 ms already
ends a region, because two people taking turns often leave less than half a second between them.
"""
from appliance.engine.speakers.features import SAMPLE_RATE

VAD_SETTINGS = {"threshold": 0.5, "min_speech_duration_ms": 200, "min_silence_duration_ms": 150, "speech_pad_ms": 30}


def speech_regions(samples):
    """[(start_s, end_s), ...] of speech in 16 kHz mono samples."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    return [
        (stamp["start"] / SAMPLE_RATE, stamp["end"] / SAMPLE_RATE)
        for stamp in get_speech_timestamps(samples, VadOptions(**VAD_SETTINGS), sampling_rate=SAMPLE_RATE)
    ]
