"""Give freed heap memory back to the operating system after each batch.

With a dynamic time axis every batch has other tensor shapes, so the blocks glibc keeps after
CTranslate2 and NumPy free them rarely fit the next batch; spread over several threads' arenas,
they pile up (measured: peak RSS of a pooled queue of 10 files 460-485 MB without, about 400 MB
with a trim after every batch, at the same CPU time). malloc_trim(0) returns the free pages.
Where the C library is not glibc (musl, macOS) there is nothing to call and nothing happens.
"""
import ctypes
import ctypes.util

_malloc_trim = None
try:
    _malloc_trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    _malloc_trim.argtypes = [ctypes.c_size_t]
    _malloc_trim.restype = ctypes.c_int
except (OSError, AttributeError):
    _malloc_trim = None


def release_free_memory():
    """True when the C library was asked to return free memory."""
    if _malloc_trim is None:
        return False
    _malloc_trim(0)
    return True


def threaded_worker_environment(cores):
    """Environment variables for a process whose threads transcribe side by side (a jobs worker
    with the pooled scheduler): glibc's malloc arenas capped at one per core.

    glibc gives threads up to 8 arenas per core, and a block freed in one arena serves no other
    thread. The pooled scheduler's threads (two preparing jobs, one building features, one per
    CTranslate2 worker, and CTranslate2's own) each grew their own: the pooled queue of ten files
    peaked at 455-463 MB with tiny.en and 531-543 MB with base, 414-425 MB and 510-545 MB with one
    arena per core, for 5-10 % more CPU time (threads now share locks). It has to be set before the
    process starts: glibc reads it once.
    """
    return {"MALLOC_ARENA_MAX": str(max(1, cores))}
