"""daphne's half of the upload limits: a body is refused before it is read, counted while it
streams, and written once, to the data disk, and Django reads that same file.

Left alone, Twisted (under daphne) reads a whole request body before the application hears of
the request, whatever its size: into /tmp, then into memory again to parse multipart forms
itself, and daphne queues all of it in memory a second time for Django, which spools it to
/tmp once more. A 100 MB body was read in full before a 20 MB limit could answer, a chunked
body (no Content-Length) had no limit at all, and a 10 MB upload briefly took 31 MB of disk.

LimitedWebRequest, daphne's request class for this process (install() puts it in place):
  * Content-Length over the limit: 413 at once, before a byte of the body is read; larger
    than the data disk can take: 507 at once.
  * A chunked body: counted as it arrives, 413 the moment it passes the limit; 507 when the
    disk fills up while it is written.
  * The body is spooled to an anonymous file in the data dir's tmp/ (same disk as media/) and
    handed to Django by reference (SpooledBody), not in 8 KB messages.
  * Django's multipart parser reads that file and writes each uploaded file once, where it is
    renamed into media/; the spool gives its disk back behind the parser as it reads (holes
    punched), so an upload takes about its own size on disk at the peak, not two or three.
"""
import ctypes
import ctypes.util
import io
import json
import os
import tempfile

from daphne import http_protocol
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from twisted.internet import reactor

from appliance.plumbing import disk_space
from appliance.plumbing.asgi_limits import request_limit_bytes, too_large_message

STATUS_LINES = {413: b"413 Payload Too Large", 507: b"507 Insufficient Storage"}
# Below this a body stays in memory, as Twisted does it.
IN_MEMORY_BYTES = 100_000
PUNCH_HOLE_EVERY_BYTES = 8 * 1024 * 1024
# After a refusal the rest of the body is read and dropped before the connection is cut:
# closing at once, with the client still sending, resets the connection, and the reset can wipe
# out the answer before the client reads it. Like Apache's lingering close, the connection is cut
# once the client has been quiet this long (it read the answer and stopped), or at the latest
# after LINGER_LONGEST_SECONDS (a client that never stops sending).
LINGER_IDLE_SECONDS = 2
LINGER_LONGEST_SECONDS = 30
FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE = 0x01, 0x02


class SpooledBody(bytes):
    """The one `http.request` body message that stands for the whole spooled body file. A
    client can only ever send plain bytes, so only this process can make one."""

    def __new__(cls, file):
        body = super().__new__(cls, b"")
        body.file = file
        return body


class _HandOver:
    """Takes the place of the spooled content in daphne's process(): its first read() is the
    SpooledBody (shorter than daphne's buffer, so daphne sends it as the last message)."""

    def __init__(self, content):
        content.flush()
        # Django gets a handle of its own: Twisted closes the request's content when the
        # connection ends, which may be while a view still reads the body.
        self.file = ConsumedBody(io.FileIO(os.dup(content.fileno()), "rb"))
        self.file.seek(0)
        self.content = content
        self.sent = False
        self.closed = False

    def read(self, size=-1):
        if self.sent:
            return b""
        self.sent = True
        return SpooledBody(self.file)

    def seek(self, *args):
        return 0

    def close(self):
        self.closed = True
        self.content.close()


class ConsumedBody(io.BufferedReader):
    """The spooled body as Django reads it, front to back once: the part already read is given
    back to the disk (a hole is punched) every PUNCH_HOLE_EVERY_BYTES."""

    def __init__(self, raw_file):
        super().__init__(raw_file)
        self.freed_up_to = 0

    def read(self, size=-1):
        data = super().read(size)
        position = self.tell()
        if position - self.freed_up_to >= PUNCH_HOLE_EVERY_BYTES:
            punch_hole(self.fileno(), position)
            self.freed_up_to = position
        return data


def punch_hole(descriptor, length):
    """Free the first `length` bytes of the file on disk (its size stays); a file system that
    cannot do it keeps them until the file is closed, as before."""
    if _libc is None:
        return
    _libc.fallocate(descriptor, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                    ctypes.c_long(0), ctypes.c_long(length))  # fmt: skip


def _load_libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.fallocate.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long)
        return libc
    except (OSError, AttributeError):
        return None


_libc = _load_libc()


def refusal_for_length(length):
    """(status, message) refusing a body of `length` bytes (None: not known yet), or None."""
    if length is None:
        return None
    if length > request_limit_bytes():
        return 413, too_large_message()
    # Small bodies stay in memory: a login or a form must work on a full disk too.
    if length >= IN_MEMORY_BYTES and disk_space.no_room_for(length):
        return 507, disk_space.no_room_for(length)
    return None


class LimitedWebRequest(http_protocol.WebRequest):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Twisted would parse a multipart body into memory (all of it) for nobody: Django parses it.
        self._parsePOSTFormSubmission = False
        self.body_bytes = 0
        self.refused = False

    def gotLength(self, length):
        self.content = io.BytesIO()
        refusal = refusal_for_length(length)
        if refusal:
            self._refuse(*refusal)
        elif length is None or length >= IN_MEMORY_BYTES:
            self.content = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)

    def handleContentChunk(self, data):
        if self.refused:
            self._linger()
            return
        self.body_bytes += len(data)
        if self.body_bytes > request_limit_bytes():
            self._refuse(413, too_large_message())
            return
        try:
            self.content.write(data)
        except OSError as error:
            if not disk_space.is_disk_full(error):
                raise
            self._refuse(507, disk_space.DISK_FULL_MESSAGE)

    def requestReceived(self, command, path, version):
        if self.refused:
            return  # answered already; the connection is closing
        if self.requestHeaders.hasHeader(b"Transfer-Encoding"):
            # Django sizes a multipart body by Content-Length; a chunked one now has one.
            self.requestHeaders.removeHeader(b"Transfer-Encoding")
            self.requestHeaders.setRawHeaders(b"Content-Length", [str(self.body_bytes).encode()])
        super().requestReceived(command, path, version)

    def process(self):
        if not isinstance(self.content, io.BytesIO) and self.body_bytes:
            self.content = _HandOver(self.content)
        return super().process()

    def _refuse(self, status, message):
        """Answer now, whatever is still on its way, drop what still comes, then hang up."""
        self.refused = True
        try:
            self.content.close()
        except OSError:
            pass  # flushing the spool's last buffered bytes onto a full disk fails again: they are dropped
        self.content = io.BytesIO()
        body = json.dumps({"error": message}).encode()
        head = (
            b"HTTP/1.1 " + STATUS_LINES[status] + b"\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n"
        )
        # Twisted would otherwise invite the client to send the body after this answer.
        self.requestHeaders.removeHeader(b"Expect")
        transport = self.channel.transport
        transport.write(head + body)
        transport.loseWriteConnection()
        self._linger_ends_at = reactor.seconds() + LINGER_LONGEST_SECONDS
        self._hang_up = reactor.callLater(LINGER_IDLE_SECONDS, transport.abortConnection)

    def _linger(self):
        """More of a refused body came: keep the connection while the client is still sending."""
        hang_up = getattr(self, "_hang_up", None)
        if hang_up is not None and hang_up.active() and reactor.seconds() < self._linger_ends_at:
            hang_up.reset(LINGER_IDLE_SECONDS)


class SpooledBodyASGIHandler(ASGIHandler):
    """Django's ASGI handler, reading a body that LimitedWebRequest spooled from its file."""

    async def read_body(self, receive):
        first = await receive()
        body = first.get("body")
        if first["type"] == "http.request" and isinstance(body, SpooledBody):
            return body.file

        async def replay():
            nonlocal first
            if first is not None:
                message, first = first, None
                return message
            return await receive()

        return await super().read_body(replay)


def install():
    """Make daphne build LimitedWebRequest for every HTTP request of this process; returns
    Django's handler that reads their spooled bodies."""
    http_protocol.WebRequest = LimitedWebRequest
    return SpooledBodyASGIHandler()
