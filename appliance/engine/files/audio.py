"""Turn any file FFmpeg reads into 16 kHz mono float32 samples, or say clearly why not.

Decoding writes straight into one preallocated float32 array sized from the declared
duration, so a 4-hour file costs its samples once (about 0.9 GB) instead of the several
copies a bytes buffer plus dtype conversions would need.
"""
import struct
from dataclasses import asdict, dataclass
from pathlib import Path

import av
import numpy as np

from appliance.engine.errors import (
    AudioTooLongError,
    CorruptAudioError,
    EmptyAudioError,
    UnsupportedAudioError,
)
from appliance.engine.files.demuxers import open_media

SAMPLE_RATE = 16000
# Quieter than this everywhere (RMS, full scale = 1.0) is silence: Whisper would only invent text.
SILENCE_RMS = 10 ** (-60 / 20)
# Decoding may legitimately end a little short of the declared length (encoder padding).
TRUNCATION_TOLERANCE_SECONDS = 0.5
TRUNCATION_TOLERANCE_FRACTION = 0.05
# Errors a hostile or broken file can raise from inside FFmpeg/PyAV after the container opened.
MEDIA_READ_ERRORS = (av.error.FFmpegError, OSError, ValueError, ZeroDivisionError, OverflowError)


@dataclass(frozen=True)
class AudioInfo:
    duration_seconds: float
    sample_rate: int
    channels: int
    codec: str
    has_video: bool
    container: str = ""

    def to_dict(self):
        return asdict(self)


def format_duration(seconds):
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


def check_duration(duration_seconds, max_duration_seconds):
    if max_duration_seconds and duration_seconds > max_duration_seconds:
        raise AudioTooLongError(
            f"The audio lasts {format_duration(duration_seconds)}, longer than the "
            f"{format_duration(max_duration_seconds)} this appliance accepts: split it into shorter parts."
        )


def probe_audio(path, max_duration_seconds=None):
    """Describe the first audio track without decoding it; raise an AudioError if unusable."""
    path = Path(path)
    with open_media(path) as container:
        stream = _audio_stream(container, path)
        try:
            duration = _declared_seconds(container, stream)
            if duration is None:
                duration = _demuxed_seconds(container, stream)
            info = AudioInfo(
                duration_seconds=duration,
                sample_rate=stream.codec_context.sample_rate or 0,
                channels=stream.codec_context.channels or 0,
                codec=stream.codec_context.name,
                has_video=bool(container.streams.video),
                container=container.format.name,
            )
        except MEDIA_READ_ERRORS:
            raise CorruptAudioError("The file is damaged: its audio track cannot be read.") from None
    check_duration(info.duration_seconds, max_duration_seconds)
    return info


def measure_seconds(path, limit_seconds=None):
    """How long the audio really is, from its packets (demuxed, not decoded), so a header that
    understates the length cannot smuggle hours past the limit. Stops reading once it passes
    limit_seconds (the answer is then just over the limit). Packets read before damage count."""
    end = total = 0.0
    with open_media(path) as container:
        stream = _audio_stream(container, Path(path))
        try:
            for packet in container.demux(stream):
                if packet.time_base:
                    duration = float((packet.duration or 0) * packet.time_base)
                    total += duration
                    if packet.pts is not None:
                        end = max(end, float(packet.pts * packet.time_base) + duration)
                # Timestamps can jump or restart; the sum of packet durations cannot be made shorter.
                if limit_seconds and max(end, total) > limit_seconds:
                    break
        except MEDIA_READ_ERRORS:
            pass
    return max(end, total)


def load_audio(path, max_duration_seconds=None):
    """Decode the first audio track to 16 kHz mono float32 (values in [-1, 1])."""
    stream = AudioStream(path, max_duration_seconds)
    buffer = _SampleBuffer(int(stream.info.duration_seconds * SAMPLE_RATE * 1.01) + SAMPLE_RATE)
    for piece in stream:
        buffer.append(piece)
    return buffer.finish()


class AudioStream:
    """The first audio track as 16 kHz mono float32 pieces, decoded while they are taken.

    Probing and the WAV length check happen here, before any sample; a file that turns out cut
    short or damaged raises its AudioError when the last piece has been read. A caller that
    keeps only a window of the pieces holds a window of the file, whatever its length.
    """

    def __init__(self, path, max_duration_seconds=None):
        self.path = Path(path)
        self.max_duration_seconds = max_duration_seconds
        self.info = probe_audio(self.path, max_duration_seconds)
        _check_wav_complete(self.path)
        self.samples_read = 0

    def __iter__(self):
        max_samples = int(self.max_duration_seconds * SAMPLE_RATE) if self.max_duration_seconds else None
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        packets = damaged = 0
        with open_media(self.path) as container:
            stream = container.streams.audio[0]
            try:
                for packet in container.demux(stream):
                    packets += 1
                    try:
                        frames = packet.decode()
                    except av.error.InvalidDataError:
                        damaged += 1
                        continue
                    for frame in frames:
                        frame.pts = None  # broken timestamps must not stop the resampler
                        yield from self._pieces(resampler.resample(frame), max_samples)
            except MEDIA_READ_ERRORS:
                damaged += 1  # the demuxer gave up: judged below by how much audio came out
            yield from self._pieces(resampler.resample(None), max_samples)
        _check_complete(self.samples_read, self.info, packets, damaged)

    def _pieces(self, frames, max_samples):
        for frame in frames:
            piece = frame.to_ndarray().reshape(-1)
            self.samples_read += piece.size
            if max_samples is not None and self.samples_read > max_samples:
                check_duration(self.samples_read / SAMPLE_RATE, self.max_duration_seconds)
            yield piece


def prepare_samples(samples, max_duration_seconds=None):
    """Accept a caller's 16 kHz mono array, converting the dtype only when it must."""
    array = np.asarray(samples)
    if array.ndim == 2 and 1 in array.shape:
        array = array.reshape(-1)
    if array.ndim != 1:
        raise UnsupportedAudioError("Audio samples must be one mono channel (a 1-D array at 16 kHz).")
    if array.size == 0:
        raise EmptyAudioError("The audio holds no samples.")
    if array.dtype != np.float32:
        array = array.astype(np.float32)
    check_duration(array.size / SAMPLE_RATE, max_duration_seconds)
    return array


def is_silent(samples):
    # dot() avoids the full-size temporary that samples ** 2 would allocate.
    samples = np.asarray(samples, dtype=np.float32)
    return samples.size == 0 or float(np.dot(samples, samples)) / samples.size < SILENCE_RMS**2


class _SampleBuffer:
    """A growable float32 array; grows in place (realloc) if the declared duration was low."""

    def __init__(self, capacity):
        self.array = np.empty(max(capacity, SAMPLE_RATE), dtype=np.float32)
        self.size = 0

    def append(self, piece):
        end = self.size + piece.size
        if end > self.array.size:
            self.array.resize(max(end, int(self.array.size * 1.5)), refcheck=False)
        self.array[self.size:end] = piece
        self.size = end

    def finish(self):
        self.array.resize(self.size, refcheck=False)
        return self.array


def _audio_stream(container, path):
    if not container.streams.audio:
        raise UnsupportedAudioError(f"{path.name} has no audio track: there is nothing to transcribe.")
    return container.streams.audio[0]


def _declared_seconds(container, stream):
    if stream.duration is not None and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _demuxed_seconds(container, stream):
    """Duration from packet timestamps, for streams that declare none (live WebM recordings)."""
    end = 0.0
    for packet in container.demux(stream):
        if packet.pts is not None and packet.time_base:
            end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    container.seek(0)
    return end


def _check_complete(sample_count, info, packets, damaged):
    decoded_seconds = sample_count / SAMPLE_RATE
    if sample_count == 0:
        if packets == 0:
            raise EmptyAudioError("The file contains an audio track with no sound data in it.")
        raise CorruptAudioError("The audio track is damaged: nothing could be decoded from it.")
    expected = info.duration_seconds
    if decoded_seconds < expected * (1 - TRUNCATION_TOLERANCE_FRACTION) - TRUNCATION_TOLERANCE_SECONDS:
        raise CorruptAudioError(
            f"The file is incomplete: it should last {format_duration(expected)} but only "
            f"{format_duration(decoded_seconds)} could be read. The upload or copy was probably cut off."
        )
    if packets and damaged > max(2, packets // 10):
        raise CorruptAudioError(f"The audio is damaged: {damaged} of {packets} blocks could not be decoded.")


def _check_wav_complete(path):
    """FFmpeg sizes a WAV from the file length, so compare with what the header promised."""
    with open(path, "rb") as handle:
        header = handle.read(12)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            return
        file_size = path.stat().st_size
        while True:
            chunk = handle.read(8)
            if len(chunk) < 8:
                return
            chunk_id, chunk_size = struct.unpack("<4sI", chunk)
            if chunk_id == b"data":
                # 0 and 0xFFFFFFFF mean "unknown length" (streamed WAV): nothing to compare.
                if chunk_size not in (0, 0xFFFFFFFF) and handle.tell() + chunk_size > file_size + 1:
                    missing = handle.tell() + chunk_size - file_size
                    raise CorruptAudioError(
                        f"The WAV file is incomplete: {missing} bytes of audio are missing at the end. "
                        "The upload or copy was probably cut off."
                    )
                return
            handle.seek(chunk_size + (chunk_size & 1), 1)
