"""Checks on an uploaded file before its job is queued, beyond the engine's probe_audio.

probe_audio reads the declared duration from the headers, which a file cut off mid-upload still
carries (an MP3's Xing header, an M4A's moov box). Reading the packets, without decoding them,
shows how much audio is really there; the tolerance is the engine's own, so a file refused here
is one the worker would refuse too, only later.
"""
import av

from appliance.engine import CorruptAudioError
from appliance.engine.files.audio import TRUNCATION_TOLERANCE_FRACTION, TRUNCATION_TOLERANCE_SECONDS, format_duration


def stored_seconds(path):
    """End time of the last audio packet, in seconds (0.0 when none is readable)."""
    end = 0.0
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            for packet in container.demux(stream):
                if packet.pts is not None and packet.time_base:
                    end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    except av.error.FFmpegError:
        pass  # the packets read before the damage are what counts
    return end


def check_complete(path, info):
    if info.codec.startswith("pcm_"):
        # Uncompressed audio declares the length its size gives: reading it all proves nothing.
        return
    expected = info.duration_seconds
    stored = stored_seconds(path)
    if stored < expected * (1 - TRUNCATION_TOLERANCE_FRACTION) - TRUNCATION_TOLERANCE_SECONDS:
        raise CorruptAudioError(
            f"The file is incomplete: it should last {format_duration(expected)} but only "
            f"{format_duration(stored)} of audio is in it. The upload or copy was probably cut off."
        )
