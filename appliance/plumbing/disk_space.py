"""How much room the data disk has, and one answer when it runs out.

Uploads, transcripts and the database all live on the data disk. An upload that would leave
less than settings.MIN_FREE_DISK_MB free is refused before any of it is stored (the database
and running jobs need the rest), and a write that fails for lack of space anywhere becomes a
507 with a sentence instead of a 500 "internal error".
"""
import errno
import shutil

from django.conf import settings
from django.db import OperationalError
from django.http import JsonResponse

MB = 1024 * 1024
DISK_FULL_MESSAGE = (
    "The appliance's disk is full: nothing was stored. An administrator must free space "
    "(delete old jobs, backups or unused models) before uploads work again."
)
NO_ROOM_MESSAGE = (
    "The appliance's disk is full: this upload ({size} MB) does not fit in the {free} MB that "
    "are free beyond the {reserve} MB kept for the database and running jobs."
)


def free_bytes():
    return shutil.disk_usage(settings.DATA_DIR).free


def reserve_bytes():
    return settings.MIN_FREE_DISK_MB * MB


def is_low():
    return free_bytes() < reserve_bytes()


def no_room_for(size_bytes):
    """The sentence refusing an upload of size_bytes, or "" when it fits."""
    free = free_bytes()
    if size_bytes is None or free - size_bytes >= reserve_bytes():
        return ""
    return NO_ROOM_MESSAGE.format(size=-(-size_bytes // MB), free=max(0, free - reserve_bytes()) // MB,
                                  reserve=settings.MIN_FREE_DISK_MB)  # fmt: skip


def is_disk_full(error):
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    # SQLite says so in words ("database or disk is full").
    return isinstance(error, OperationalError) and "disk is full" in str(error)


def disk_full_response():
    return JsonResponse({"error": DISK_FULL_MESSAGE}, status=507)


class DiskFullMiddleware:
    """Any view that runs out of disk answers 507 and the sentence, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_disk_full(exception):
            return disk_full_response()
        return None
