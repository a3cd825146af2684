"""The containers, codecs, rates and channel layouts the format tests cover."""

BLACK_PICTURE = "color=c=black:s=64x64:r=5"
# Short clips in the formats and sample rates users upload: (file name, ffmpeg arguments, video?).
FORMAT_VARIANTS = {
    "wav-8k-mono": ("clip.wav", ["-ar", "8000", "-ac", "1"], False),
    "wav-44k-stereo": ("clip.wav", ["-ar", "44100", "-ac", "2"], False),
    "wav-48k-5.1-24bit": ("clip.wav", ["-ar", "48000", "-ac", "6", "-c:a", "pcm_s24le"], False),
    "mp3": ("clip.mp3", ["-c:a", "libmp3lame", "-b:a", "64k"], False),
    "flac": ("clip.flac", ["-c:a", "flac"], False),
    "ogg-vorbis": ("clip.ogg", ["-c:a", "libvorbis"], False),
    "ogg-opus": ("clip.opus", ["-c:a", "libopus", "-b:a", "32k"], False),
    "m4a-aac": ("clip.m4a", ["-c:a", "aac", "-ar", "44100"], False),
    "mp4-h264-aac": ("clip.mp4", ["-c:v", "libx264", "-c:a", "aac"], True),
    "mkv-mpeg4-vorbis": ("clip.mkv", ["-c:v", "mpeg4", "-c:a", "libvorbis"], True),
    "webm-vp8-opus": ("clip.webm", ["-c:v", "libvpx", "-c:a", "libopus"], True),
}
