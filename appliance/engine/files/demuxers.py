"""Open a media file only with a demuxer that reads audio or video from that one file.

FFmpeg chooses a demuxer from the bytes and the file name, and some demuxers read whatever
other files or URLs the file lists: HLS and other playlists, concat lists, DASH manifests,
image sequences. An upload of such a list would make the worker transcribe any file the
appliance can read (another user's recording) and hand the text to the uploader. So every
file the appliance decodes goes through open_media(): only the demuxers in ALLOWED_DEMUXERS
may open it (FFmpeg checks the list after probing and before the demuxer reads anything) and
`file` is the only protocol. Uploads are stored without an extension, so the probe goes by
content alone.
"""
from pathlib import Path

import av

from appliance.engine.errors import CorruptAudioError, EmptyAudioError, UnsupportedAudioError

# FFmpeg demuxer names (its "-f" names) of containers that hold their audio inside the one file.
# Left out on purpose: hls, concat, dash/webm_dash_manifest, image2 and the *_pipe image demuxers,
# tee, sdp/rtp/rtsp, mxf (external essence), subtitles and anything else that is no recording.
ALLOWED_DEMUXERS = (
    "aac", "ac3", "aiff", "amr", "amrnb", "amrwb", "ape", "asf", "au", "avi", "caf", "dsf", "dts",
    "dtshd", "eac3", "flac", "flv", "gsm", "loas", "matroska", "mlp", "mov", "mp3", "mpc", "mpc8",
    "mpeg", "mpegts", "nut", "ogg", "rm", "tak", "truehd", "tta", "voc", "w64", "wav", "wv", "xwma",
)  # fmt: skip
CONTAINER_OPTIONS = {"format_whitelist": ",".join(ALLOWED_DEMUXERS), "protocol_whitelist": "file"}
MEDIA_SIGNATURES = (b"RIFF", b"RIFX", b"RF64", b"ID3", b"fLaC", b"OggS", b"\x1aE\xdf\xa3", b"FORM", b"#!AMR", b"caff", b"MThd")
# Text that names other files: refused by the list above, and worth saying so plainly.
PLAYLIST_SIGNATURES = (b"#EXTM3U", b"#EXTINF", b"ffconcat", b"<?xml", b"<MPD", b"[playlist]", b"<smil", b"<asx")
NOT_MEDIA = "This file is not audio or video that can be read."
PLAYLIST = "This file is a playlist or list of other files, not a recording: upload the audio or video file itself."


def open_media(path):
    """The av container of path, opened by content with an allowed demuxer; raises an AudioError."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnsupportedAudioError(f"The file {path.name} does not exist.") from None
    except OSError as error:
        raise UnsupportedAudioError(f"The file {path.name} cannot be read ({error.strerror}).") from None
    if size == 0:
        raise EmptyAudioError("The file is empty (0 bytes): the upload or copy probably failed.")
    head = _head(path)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(PLAYLIST_SIGNATURES):
        raise UnsupportedAudioError(PLAYLIST)
    try:
        # "file:" keeps a name with a colon from being read as another protocol.
        return av.open(f"file:{path}", mode="r", container_options=CONTAINER_OPTIONS, metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, ValueError):
        if looks_like_media(head):
            raise CorruptAudioError("The file is damaged or incomplete (its header is unreadable): upload it again.") from None
        raise UnsupportedAudioError(NOT_MEDIA) from None


def _head(path, size=64):
    with open(path, "rb") as handle:
        return handle.read(size)


def looks_like_media(head):
    if head.startswith(MEDIA_SIGNATURES) or head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide"):
        return True
    # MPEG audio (MP3) and ADTS AAC start with an 11-bit frame sync.
    return len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0
