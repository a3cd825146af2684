"""Every bad input ends in a specific AudioError with a message meant for a person."""
import os
import subprocess

import numpy as np
import pytest

from appliance.engine import (
    AudioTooLongError,
    CorruptAudioError,
    EmptyAudioError,
    EngineConfig,
    ModelManager,
    TranscriptionOptions,
    UnsupportedAudioError,
    probe_audio,
    transcribe,
)


def _cut(source, destination, fraction):
    data = source.read_bytes()
    destination.write_bytes(data[: int(len(data) * fraction)])
    return destination


def test_it_refuses_a_zero_byte_file(manager, tmp_path):
    empty = tmp_path / "upload.mp3"
    empty.write_bytes(b"")

    with pytest.raises(EmptyAudioError, match="empty"):
        transcribe(manager, empty)


def test_it_refuses_a_text_file(manager, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("These are meeting notes, not a recording.\n" * 50)

    with pytest.raises(UnsupportedAudioError, match="no audio track|not audio"):
        transcribe(manager, notes)


def test_it_refuses_random_bytes(manager, tmp_path):
    noise = tmp_path / "file.bin"
    noise.write_bytes(os.urandom(20000))

    with pytest.raises(UnsupportedAudioError, match="not audio or video"):
        transcribe(manager, noise)


def test_it_refuses_a_video_without_sound(manager, tmp_path):
    silent_film = tmp_path / "film.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=black:s=64x64:r=5",
         "-t", "2", "-c:v", "libx264", str(silent_film)],
        check=True,
    )

    with pytest.raises(UnsupportedAudioError, match="no audio track"):
        transcribe(manager, silent_film)


@pytest.mark.parametrize("variant", ["wav-44k-stereo", "flac", "mp3", "m4a-aac", "mp4-h264-aac"])
def test_it_refuses_a_file_cut_off_in_the_middle(manager, format_clips, tmp_path, variant):
    source = format_clips[variant]
    truncated = _cut(source, tmp_path / source.name, 0.5)

    with pytest.raises(CorruptAudioError, match="incomplete|damaged"):
        transcribe(manager, truncated)


def test_it_refuses_audio_longer_than_the_maximum(engine_data_dir, english_clip):
    strict = ModelManager(EngineConfig(data_dir=engine_data_dir, cpu_threads=2, max_duration_seconds=5))

    with pytest.raises(AudioTooLongError, match="longer than the 5 s"):
        transcribe(strict, english_clip[0])
    with pytest.raises(AudioTooLongError):
        probe_audio(english_clip[0], max_duration_seconds=5)
    with pytest.raises(AudioTooLongError):
        transcribe(strict, np.zeros(16000 * 6, dtype=np.float32))
    assert strict.loaded_models() == []  # refused before any model was loaded


def test_it_refuses_a_missing_file(manager, tmp_path):
    with pytest.raises(UnsupportedAudioError, match="does not exist"):
        transcribe(manager, tmp_path / "gone.wav")


def test_it_refuses_arrays_that_are_not_mono_samples(manager):
    with pytest.raises(UnsupportedAudioError, match="mono"):
        transcribe(manager, np.zeros((2, 16000), dtype=np.float32))
    with pytest.raises(EmptyAudioError):
        transcribe(manager, np.zeros(0, dtype=np.float32))


@pytest.mark.parametrize("options", [
    TranscriptionOptions(model="tiny.en"),
    TranscriptionOptions(model="tiny.en", vad=False),
    TranscriptionOptions(model="tiny.en", batched=False, vad=False),
    TranscriptionOptions(model="base", vad=False),
], ids=["vad", "no-vad", "sequential-no-vad", "multilingual-no-vad"])
def test_silence_gives_an_empty_transcript_not_invented_text(manager, silence, tmp_path, options):
    wav = tmp_path / "silence.wav"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo",
         "-t", "10", str(wav)],
        check=True,
    )

    from_file = transcribe(manager, wav, options)
    from_array = transcribe(manager, silence, options)

    for result in (from_file, from_array):
        assert result.segments == []
        assert result.text == ""
        assert result.duration == 10.0


def test_quiet_noise_without_speech_gives_an_empty_transcript(manager):
    noise = (np.random.default_rng(7).standard_normal(16000 * 8) * 0.01).astype(np.float32)

    result = transcribe(manager, noise, TranscriptionOptions(model="tiny.en"))

    assert result.text == ""
