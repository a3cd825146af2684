import numpy as np
import pytest

from appliance.engine import TranscriptionOptions, load_audio, probe_audio, transcribe
from appliance.engine.accuracy import word_error_rate

from tests.engine.audio_variants import FORMAT_VARIANTS

# The same clip as test_english_transcription: measured 0.0 to 0.091 (one word) in every
# variant but 8 kHz, where the telephone band cuts espeak's fricatives above 4 kHz and tiny.en
# gets 8 of 22 words wrong (0.364). Bounds: one more wrong word than measured.
FORMAT_WER_BOUND = 0.15
TELEPHONE_WER_BOUND = 0.45


@pytest.mark.parametrize("variant", sorted(FORMAT_VARIANTS))
def test_every_format_and_rate_decodes_to_16k_mono(format_clips, english_clip, variant):
    samples = load_audio(format_clips[variant])
    reference = load_audio(english_clip[0])

    assert samples.dtype == np.float32 and samples.ndim == 1
    # Codec padding (AAC, Opus) adds or trims a few milliseconds at most.
    assert abs(samples.size - reference.size) < 16000 * 0.1
    # Float decoding keeps the small overshoot lossy codecs produce above full scale.
    assert 0.05 < float(np.abs(samples).max()) < 1.5


@pytest.mark.parametrize("variant", sorted(FORMAT_VARIANTS))
def test_every_format_and_rate_is_transcribed(manager, format_clips, english_clip, variant):
    result = transcribe(manager, format_clips[variant], TranscriptionOptions(model="tiny.en"))

    bound = TELEPHONE_WER_BOUND if variant == "wav-8k-mono" else FORMAT_WER_BOUND
    assert word_error_rate(english_clip[1], result.text) <= bound


def test_probe_describes_the_audio_track(format_clips):
    stereo = probe_audio(format_clips["wav-44k-stereo"])
    video = probe_audio(format_clips["mp4-h264-aac"])

    assert (stereo.sample_rate, stereo.channels, stereo.codec, stereo.has_video) == (44100, 2, "pcm_s16le", False)
    assert video.has_video and video.codec == "aac"
    assert 6.0 < stereo.duration_seconds < 7.0


def test_a_streamed_webm_without_a_declared_duration_is_measured(english_clip, tmp_path):
    # What a browser's MediaRecorder uploads: WebM written as a stream, no duration in the header.
    import subprocess

    streamed = tmp_path / "recording.webm"
    with open(streamed, "wb") as output:
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(english_clip[0]), "-c:a", "libopus",
                        "-f", "webm", "-"], stdout=output, check=True)

    info = probe_audio(streamed)

    assert 6.0 < info.duration_seconds < 7.0
    assert abs(load_audio(streamed).size / 16000 - info.duration_seconds) < 0.1
