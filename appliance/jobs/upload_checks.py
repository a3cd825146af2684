"""Checks on an uploaded file before its job is queued, beyond the engine's probe_audio.

probe_audio believes the headers. A header can understate the length (10 s declared, 10 h
inside: the worker would decode hours into memory) or overstate it (a file cut off mid-upload
still carries its MP3 Xing header or M4A moov box). Reading the packets, without decoding
them, shows how much audio is really there; the tolerance is the engine's own, so a file
refused here is one the worker would refuse too, only later.
"""
from appliance.engine import CorruptAudioError
from appliance.engine.files.audio import (
    TRUNCATION_TOLERANCE_FRACTION,
    TRUNCATION_TOLERANCE_SECONDS,
    check_duration,
    format_duration,
    measure_seconds,
)


def check_content(path, info, max_seconds):
    """The length to record for the job: max(declared, measured), refused over max_seconds."""
    stored = measure_seconds(path, limit_seconds=max_seconds)
    length = max(info.duration_seconds, stored)
    check_duration(length, max_seconds)
    expected = info.duration_seconds
    # Uncompressed audio declares the length its size gives: a shortfall there proves nothing.
    if not info.codec.startswith("pcm_") and stored < expected * (1 - TRUNCATION_TOLERANCE_FRACTION) - TRUNCATION_TOLERANCE_SECONDS:
        raise CorruptAudioError(
            f"The file is incomplete: it should last {format_duration(expected)} but only "
            f"{format_duration(stored)} of audio is in it. The upload or copy was probably cut off."
        )
    return length
