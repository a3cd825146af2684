"""open_media() reads a file only as a recording held in that file: playlists and lists of other
files are refused even where FFmpeg alone would follow them, and hostile bytes raise an
AudioError with a sentence, never an FFmpeg exception."""
import os
import subprocess

import pytest

from appliance.engine import AudioError, UnsupportedAudioError
from appliance.engine.files.audio import probe_audio
from appliance.engine.files.demuxers import open_media


@pytest.fixture
def stolen_target(tmp_path, make_audio):
    target = tmp_path / "someone-elses.mp3"
    target.write_bytes(make_audio("mp3").read_bytes())
    return target


@pytest.mark.parametrize("name, text", [
    ("list.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:60\n#EXTINF:60,\n{target}\n#EXT-X-ENDLIST\n"),
    ("list.ffconcat", "ffconcat version 1.0\nfile '{target}'\n"),
    ("list.mpd", '<?xml version="1.0"?><MPD><Period><BaseURL>{target}</BaseURL></Period></MPD>'),
])  # fmt: skip
def test_lists_of_other_files_are_refused_as_not_a_recording(tmp_path, stolen_target, name, text):
    path = tmp_path / name
    path.write_text(text.format(target=stolen_target))

    with pytest.raises(UnsupportedAudioError, match="not a recording"):
        open_media(path)


def test_an_hls_playlist_that_hides_its_header_is_still_refused(tmp_path, stolen_target):
    # Garbage before #EXTM3U gets past the text check; the demuxer list still says no.
    path = tmp_path / "hidden.m3u8"
    path.write_text(f"\x00#EXTM3U\n#EXT-X-TARGETDURATION:60\n#EXTINF:60,\n{stolen_target}\n#EXT-X-ENDLIST\n")

    with pytest.raises(AudioError):
        probe_audio(path)


@pytest.mark.parametrize("suffix", ["ac3", "flac", "aac", "mp3", "wav", ""])
def test_random_bytes_under_any_name_are_an_audio_error(tmp_path, suffix):
    path = tmp_path / f"noise.{suffix}".rstrip(".")
    for seed in range(8):
        path.write_bytes(os.urandom(30000 + seed * 7000))
        try:
            probe_audio(path)
        except AudioError:
            pass  # the point: nothing else escapes


@pytest.mark.parametrize("fmt", ["wav", "mp3", "ogg", "flac", "m4a", "webm"])
def test_real_recordings_open_by_their_content_whatever_their_name(tmp_path, make_audio, fmt):
    neutral = tmp_path / "upload-neutral"
    neutral.write_bytes(make_audio(fmt).read_bytes())

    assert probe_audio(neutral).duration_seconds > 5


def test_video_with_sound_opens(tmp_path, speech_wav):
    video = tmp_path / "clip"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=black:s=64x64:d=3",
                    "-i", str(speech_wav), "-shortest", "-c:v", "libx264", "-c:a", "aac", "-f", "mp4", str(video)],
                   check=True)  # fmt: skip

    assert probe_audio(video).has_video
