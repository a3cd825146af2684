"""Refuse an oversized file while it streams in, and remember which one it was.

Runs before TemporaryFileUploadHandler (which keeps every file on disk, never whole in memory).
SkipFile drops only the oversized file and its partial temp file; the other files of the same
request go on. The request as a whole is bounded earlier by appliance.plumbing.asgi_limits.
"""
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


def max_upload_bytes():
    return settings.MAX_UPLOAD_MB * 1024 * 1024


class MaxSizeUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request.oversized_uploads = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self.request.oversized_uploads.append(self.file_name)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None
