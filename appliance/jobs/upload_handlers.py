"""Write each uploaded file once, straight to the data disk, under a name that says nothing.

The only upload handler: every file part streams into `<data>/tmp/upload-XXXXXXXX` (no user
extension, so FFmpeg probes it by content; same disk as media/, so accepting the job is a
rename, not a copy). Per file it stops at the size limit: SkipFile drops that file and its
partial data, the other files of the request go on. A request that cannot fit on the disk is
refused before a byte is written, and a disk that fills up meanwhile stops the whole upload.
Each file's SHA-256 is taken from the same chunks as they are written (no second read), so
identical audio can be answered from the cache (appliance.jobs.audio_cache).
"""
import hashlib
import os
import tempfile

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict

from appliance.plumbing import disk_space


def max_upload_bytes():
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def staged_file():
    """An open binary file in the upload temp dir with a neutral name."""
    descriptor, path = tempfile.mkstemp(prefix="upload-", dir=settings.FILE_UPLOAD_TEMP_DIR)
    return os.fdopen(descriptor, "w+b"), path


class StagedUpload(UploadedFile):
    """An uploaded file already on the data disk. Whoever keeps it takes it with claim_path();
    otherwise close() removes it at the end of the request."""

    def __init__(self, file, path, name, content_type, size, charset, content_type_extra=None, sha256=""):
        super().__init__(file, name, content_type, size, charset, content_type_extra)
        self.path = path
        self.sha256 = sha256  # hex digest of the bytes written

    def temporary_file_path(self):
        return self.path

    def claim_path(self):
        """The path, now the caller's to move; closing no longer deletes it."""
        path, self.path = self.path, None
        self.file.close()
        return path

    def close(self):
        try:
            return self.file.close()
        finally:
            if self.path:
                try:
                    os.unlink(self.path)
                except FileNotFoundError:
                    pass
                self.path = None


def stage(uploaded):
    """A StagedUpload of any other uploaded file (one not streamed in by the handler below)."""
    handle, path = staged_file()
    digest = hashlib.sha256()
    try:
        for chunk in uploaded.chunks():
            handle.write(chunk)
            digest.update(chunk)
        handle.flush()
    except BaseException:
        handle.close()
        os.unlink(path)
        raise
    return StagedUpload(handle, path, uploaded.name, uploaded.content_type, handle.tell(), None,
                        sha256=digest.hexdigest())


class StoredOnceUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request.oversized_uploads = []
        self.request.upload_refusal = ""
        refusal = disk_space.no_room_for(content_length)
        if refusal:
            self.request.upload_refusal = refusal
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.digest = hashlib.sha256()
        self.file, self.path = staged_file()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self.request.oversized_uploads.append(self.file_name)
            self._discard()
            raise SkipFile()
        try:
            self.file.write(raw_data)
            self.digest.update(raw_data)
        except OSError as error:
            self._discard()
            if disk_space.is_disk_full(error):
                self.request.upload_refusal = disk_space.DISK_FULL_MESSAGE
                raise StopUpload(connection_reset=False) from None
            raise
        return None

    def file_complete(self, file_size):
        self.file.flush()
        self.file.seek(0)
        upload = StagedUpload(
            self.file, self.path, self.file_name, self.content_type, file_size, self.charset, self.content_type_extra,
            sha256=self.digest.hexdigest(),
        )
        # self.file stays: Django's parser closes handler.file on errors, and a closed handle
        # costs nothing here (everything after this goes by path).
        self.path = None
        return upload

    def upload_interrupted(self):
        self._discard()

    def _discard(self):
        if getattr(self, "path", None):
            self.file.close()
            os.unlink(self.path)
            self.path = None


class UploadRefused(Exception):
    """The whole upload request is refused; str() is the sentence, .status the HTTP status."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def read_upload_form(request):
    """(form fields, files) of a multipart upload, parsed through the handler above; raises
    UploadRefused for a body that is no usable form or cannot fit on the disk."""
    try:
        form, files = request.POST, request.FILES
    except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as problem:
        raise UploadRefused(f"The request is not a usable multipart form: {problem}", 400) from None
    if getattr(request, "upload_refusal", ""):
        raise UploadRefused(request.upload_refusal, 507)
    return form, files
