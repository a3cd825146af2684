"""Serve a stored audio file in chunks, with HTTP Range support.

Browsers seek in <audio> by asking for byte ranges; without 206 answers Chrome restarts the
file from 0 whenever the transcript page jumps to a segment. The body is an async iterator:
under ASGI Django would read a sync iterator (FileResponse included) whole into memory first.

The bytes are the user's, served on the appliance's own origin, so their name never picks the
type: a file FFmpeg reads as one of the containers below goes out inline as that audio/video
type, anything else as an application/octet-stream download. `Content-Security-Policy: sandbox`
and nosniff make sure no browser runs it as a page, whatever it holds.
"""
import functools
import os
import re

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

RANGE_PATTERN = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK_BYTES = 512 * 1024
DOWNLOAD_TYPE = "application/octet-stream"
# FFmpeg demuxer name -> (audio-only type, type when there is a video track).
PLAYABLE_TYPES = {
    "wav": ("audio/wav", "audio/wav"),
    "mp3": ("audio/mpeg", "audio/mpeg"),
    "flac": ("audio/flac", "audio/flac"),
    "ogg": ("audio/ogg", "video/ogg"),
    "matroska,webm": ("audio/webm", "video/webm"),
    "mov,mp4,m4a,3gp,3g2,mj2": ("audio/mp4", "video/mp4"),
    "aac": ("audio/aac", "audio/aac"),
    "aiff": ("audio/aiff", "audio/aiff"),
}
MEDIA_HEADERS = {"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"}


def served_type(path):
    """The Content-Type a stored upload is served with: from its content, never its name."""
    stat = os.stat(path)
    return _probed_type(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _probed_type(path, size, mtime_ns):
    # size and mtime are in the key so a replaced file is probed anew; browsers ask for many
    # ranges of the same file while someone listens.
    from appliance.engine import AudioError
    from appliance.engine.files.demuxers import open_media

    try:
        with open_media(path) as container:
            types = PLAYABLE_TYPES.get(container.format.name)
            if not types or not container.streams.audio:
                return DOWNLOAD_TYPE
            return types[1] if container.streams.video else types[0]
    except AudioError:
        return DOWNLOAD_TYPE


def _read_file_sync(path, start, length):
    with open(path, "rb") as handle:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            data = handle.read(min(CHUNK_BYTES, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data


async def _read_file(path, start, length):
    handle = await sync_to_async(open, thread_sensitive=False)(path, "rb")
    try:
        await sync_to_async(handle.seek, thread_sensitive=False)(start)
        remaining = length
        while remaining > 0:
            data = await sync_to_async(handle.read, thread_sensitive=False)(min(CHUNK_BYTES, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def _parse_range(header, size):
    """(start, end) inclusive, None for no usable range (send it all), or "unsatisfiable"."""
    match = RANGE_PATTERN.match(header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.groups()
    if not first:
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    return (start, end) if start <= end < size else "unsatisfiable"


def ranged_file_response(request, path, download_name, as_attachment=False):
    content_type = served_type(path)
    size = os.path.getsize(path)
    wanted = _parse_range(request.headers.get("Range", ""), size) if request.headers.get("Range") else None
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = wanted or (0, size - 1)
    length = max(0, end - start + 1)
    # WSGI servers (the test live server) want a plain iterator; daphne an async one.
    reader = _read_file if isinstance(request, ASGIRequest) else _read_file_sync
    response = StreamingHttpResponse(
        reader(path, start, length),
        status=206 if wanted else 200,
        content_type=content_type,
    )
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    attachment = as_attachment or content_type == DOWNLOAD_TYPE
    response["Content-Disposition"] = content_disposition_header(attachment, download_name)
    for header, value in MEDIA_HEADERS.items():
        response[header] = value
    return response
